"""Editors only see sensible page types, and a story made in the real admin reaches readers."""

import pytest

from django.urls import reverse

from wagtail.models import Page, Site

from sites.content.pages import (
    AwarenessArticlePage,
    DonationAppealPage,
    HomePage,
    NewsIndexPage,
    NewsStoryPage,
    StandardPage,
)
from sites.help.pages import FindHelpPage
from tests.admin_forms import story_form
from tests.conftest import site_client

pytestmark = pytest.mark.django_db


def test_page_type_rules():
    assert HomePage.allowed_subpage_models() == [
        NewsIndexPage,
        FindHelpPage,
        StandardPage,
        DonationAppealPage,
    ]
    assert FindHelpPage.allowed_subpage_models() == []
    assert FindHelpPage.allowed_parent_page_models() == [HomePage]
    assert NewsIndexPage.allowed_subpage_models() == [NewsStoryPage, AwarenessArticlePage]
    assert NewsStoryPage.allowed_subpage_models() == []
    assert NewsStoryPage.allowed_parent_page_models() == [NewsIndexPage]
    assert HomePage.allowed_parent_page_models() == [Page]


def test_add_subpage_in_the_admin_offers_only_allowed_types(admin_client):
    home = Site.objects.get(hostname="harbor.localhost").root_page
    index = NewsIndexPage.objects.child_of(home).get()

    under_home = admin_client.get(
        reverse("wagtailadmin_pages:add_subpage", args=[home.pk])
    ).content.decode()
    under_index = admin_client.get(
        reverse("wagtailadmin_pages:add_subpage", args=[index.pk])
    ).content.decode()

    assert "/newsindexpage/" in under_home and "/newsstorypage/" not in under_home
    assert "/newsstorypage/" in under_index and "/awarenessarticlepage/" in under_index
    assert "/homepage/" not in under_index


def test_creating_a_story_under_a_home_page_is_refused(admin_client):
    home = Site.objects.get(hostname="harbor.localhost").root_page
    url = reverse("wagtailadmin_pages:add", args=["agency_sites", "newsstorypage", home.pk])

    response = admin_client.post(
        url, {"title": "Misplaced", "slug": "misplaced", "action-publish": "Publish"}
    )

    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")
    assert not NewsStoryPage.objects.filter(slug="misplaced").exists()


def test_a_story_published_through_the_admin_form_is_seen_by_readers(admin_client):
    index = NewsIndexPage.objects.child_of(
        Site.objects.get(hostname="pines.localhost").root_page
    ).get()
    url = reverse("wagtailadmin_pages:add", args=["agency_sites", "newsstorypage", index.pk])
    data = story_form(
        "Outreach night in Portland", "outreach-night", **{"action-publish": "Publish"}
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[-3000:]
    story = NewsStoryPage.objects.get(slug="outreach-night")
    assert story.live
    html = site_client("pines.localhost").get(story.get_url_parts()[2]).content.decode()
    assert "We listened first." in html
    assert "have been changed" in html
    assert (
        "Outreach night in Portland" in site_client("pines.localhost").get("/en/").content.decode()
    )


def test_the_admin_refuses_a_story_without_a_summary(admin_client):
    index = NewsIndexPage.objects.child_of(
        Site.objects.get(hostname="pines.localhost").root_page
    ).get()
    url = reverse("wagtailadmin_pages:add", args=["agency_sites", "newsstorypage", index.pk])
    response = admin_client.post(
        url,
        {
            "title": "No summary",
            "slug": "no-summary",
            "date": "2026-11-20",
            "kind": "news",
            "summary": "",
            "body-count": "0",
            "action-publish": "Publish",
        },
    )
    assert response.status_code == 200
    assert "The page could not be created due to validation errors" in response.content.decode()
    assert not NewsStoryPage.objects.filter(slug="no-summary").exists()
