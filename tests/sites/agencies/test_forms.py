"""The errors an editor sees when a form names another agency's hotline or appeal."""

import pytest

from django.urls import reverse

from wagtail.models import Site

from blocks.hotline import Hotline
from sites.content.pages import DonationAppealPage
from tests.admin_forms import NO_COMMENTS, branding_form
from tests.conftest import logged_in
from tests.sites.agencies.test_permission_matrix import edit_story_form, make_story

pytestmark = pytest.mark.django_db


def pines_hotline():
    return Hotline.objects.filter(owner__hostname="pines.localhost").first()


def test_a_story_naming_another_agencys_hotline_is_refused_with_the_reason(editor_a):
    story = make_story("A").story.specific
    hotline = pines_hotline()
    data = edit_story_form(story, "Edited") | {
        "body-0-type": "hotline_panel",
        "body-0-value-heading": "Need help now?",
        "body-0-value-hotlines-count": "1",
        "body-0-value-hotlines-0-deleted": "",
        "body-0-value-hotlines-0-order": "0",
        "body-0-value-hotlines-0-id": "",
        "body-0-value-hotlines-0-value": str(hotline.pk),
    }
    del data["body-0-value"]

    response = logged_in(editor_a).post(reverse("wagtailadmin_pages:edit", args=[story.pk]), data)

    assert response.status_code == 200
    assert [error.message for error in response.context["form"].errors["body"].as_data()] == [
        f"“{hotline.name}” belongs to another agency: choose one of your own or the network's."
    ]


def test_an_appeal_page_naming_another_agencys_appeal_is_refused(moderator_a):
    page = DonationAppealPage.objects.descendant_of(
        Site.objects.get(hostname="harbor.localhost").root_page
    ).get()
    foreign = DonationAppealPage.objects.descendant_of(
        Site.objects.get(hostname="pines.localhost").root_page
    ).get()
    data = {
        "title": page.title,
        "slug": page.slug,
        "intro": page.intro,
        "appeal": str(foreign.appeal_id),
        "body-count": "0",
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
        **NO_COMMENTS,
    }

    response = logged_in(moderator_a).post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)

    assert response.status_code == 200
    assert response.context["form"].errors["appeal"] == [
        f"“{foreign.appeal}” belongs to another agency: choose one of your own or the network's."
    ]
    page.refresh_from_db()
    assert page.get_latest_revision_as_object().appeal_id == page.appeal_id != foreign.appeal_id


def test_branding_refuses_another_agencys_hotline(moderator_a):
    site = Site.objects.get(hostname="harbor.localhost")
    url = reverse("wagtailsettings:edit", args=["agency_sites", "sitebranding", site.pk])
    before = site.sitebranding.primary_hotline_id

    response = logged_in(moderator_a).post(
        url, branding_form(site.sitebranding, primary_hotline=pines_hotline().pk)
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.context["form"].errors["primary_hotline"][0]
    site.sitebranding.refresh_from_db()
    assert site.sitebranding.primary_hotline_id == before
