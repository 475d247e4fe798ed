"""Redirects per agency: a moderator manages their own site's redirects, and sees no one else's."""

import pytest

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Site

from tests.conftest import logged_in, site_client

pytestmark = pytest.mark.django_db


def site(hostname):
    return Site.objects.get(hostname=hostname)


@pytest.fixture
def pines_redirect(db):
    return Redirect.objects.create(
        old_path="/old-pines", site=site("pines.localhost"), redirect_link="https://example.org/p"
    )


def form(**fields):
    return {
        "old_path": "/old-news",
        "is_permanent": "on",
        "redirect_page": "",
        "redirect_link": "",
    } | fields


def test_a_moderator_adds_a_redirect_that_readers_of_their_site_follow(moderator_a):
    about = site("harbor.localhost").root_page.get_children().get(slug="about")
    response = logged_in(moderator_a).post(
        reverse("wagtailredirects:add"),
        form(site=site("harbor.localhost").pk, redirect_page=about.pk),
    )

    assert response.status_code == 302
    followed = site_client("harbor.localhost").get("/old-news")
    assert followed.status_code == 301
    assert followed["Location"].endswith("/about/")
    assert site_client("pines.localhost").get("/old-news", follow=True).status_code == 404


@pytest.mark.parametrize("target", ["pines.localhost", None])
def test_a_moderator_cannot_add_a_redirect_for_another_site_or_for_all_sites(moderator_a, target):
    chosen = site(target).pk if target else ""
    response = logged_in(moderator_a).post(
        reverse("wagtailredirects:add"), form(site=chosen, redirect_link="https://example.org/x")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["site"]
    assert not Redirect.objects.filter(old_path="/old-news").exists()


def test_a_moderator_lists_only_their_sites_redirects(moderator_a, pines_redirect):
    Redirect.objects.create(
        old_path="/old-harbor", site=site("harbor.localhost"), redirect_link="https://example.org/h"
    )
    html = logged_in(moderator_a).get(reverse("wagtailredirects:index")).content.decode()
    assert "/old-harbor" in html
    assert "/old-pines" not in html


def test_a_moderator_cannot_change_or_delete_another_sites_redirect(moderator_a, pines_redirect):
    client = logged_in(moderator_a)
    client.post(
        reverse("wagtailredirects:edit", args=[pines_redirect.pk]),
        form(
            old_path="/hijacked",
            site=site("harbor.localhost").pk,
            redirect_link="https://example.org/evil",
        ),
    )
    client.post(reverse("wagtailredirects:delete", args=[pines_redirect.pk]))

    pines_redirect.refresh_from_db()
    assert (pines_redirect.old_path, pines_redirect.site.hostname) == (
        "/old-pines",
        "pines.localhost",
    )


def test_only_network_administrators_import_redirects(moderator_a, network_admin):
    assert logged_in(moderator_a).get(reverse("wagtailredirects:start_import")).status_code in (
        302,
        403,
    )
    assert logged_in(network_admin).get(reverse("wagtailredirects:start_import")).status_code == 200


def test_editors_have_no_redirects_and_network_admins_see_all(
    editor_a, network_admin, pines_redirect
):
    assert logged_in(editor_a).get(reverse("wagtailredirects:index")).status_code in (302, 403)
    assert (
        "/old-pines"
        in logged_in(network_admin).get(reverse("wagtailredirects:index")).content.decode()
    )


def test_the_site_history_keeps_redirect_changes_to_their_agency(moderator_a, moderator_b):
    logged_in(moderator_b).post(
        reverse("wagtailredirects:add"),
        form(
            old_path="/pines-secret",
            site=site("pines.localhost").pk,
            redirect_link="https://example.org/s",
        ),
    )
    assert Redirect.objects.filter(old_path="/pines-secret").exists()
    history = (
        logged_in(moderator_a).get(reverse("wagtailadmin_reports:site_history")).content.decode()
    )
    assert "/pines-secret" not in history
    assert ContentType.objects.get_for_model(Redirect)
