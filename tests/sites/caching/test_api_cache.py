"""The public API's answers are kept in the page cache and purged as pages are."""

import datetime

import pytest

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Site

from blocks.appeals import DonationAppeal
from blocks.hotline import Hotline
from sites.content.demo import publish as publish_demo
from sites.content.pages import NewsIndexPage, NewsStoryPage
from tests.conftest import site_client

pytestmark = pytest.mark.django_db

HARBOR = "harbor.localhost"


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.LANTERN_PAGE_CACHE_SECONDS = 600
    settings.LANTERN_CHROME_CACHE = True  # as in production: both use the tag versions
    settings.LANTERN_PAGE_CACHE_CLOCK_SKEW = 0
    settings.CORS_ALLOWED_ORIGINS = ["https://partner.example.org"]
    cache.clear()
    yield
    cache.clear()


def test_a_listing_is_served_from_the_cache_in_one_query():
    client = site_client(HARBOR)
    first = client.get("/api/pages?limit=20")
    assert first.status_code == 200
    assert first["X-Lantern-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/api/pages?limit=20")
    assert again["X-Lantern-Cache"] == "hit"
    assert len(queries) == 1  # the versions of what it lists
    assert again.json() == first.json()
    assert again["Cache-Control"] == first["Cache-Control"]


def test_a_story_published_is_listed_at_once(django_capture_on_commit_callbacks):
    client = site_client(HARBOR)
    client.get("/api/pages?type=news_story")
    assert client.get("/api/pages?type=news_story")["X-Lantern-Cache"] == "hit"
    index = NewsIndexPage.objects.child_of(Site.objects.get(hostname=HARBOR).root_page).get()
    story = NewsStoryPage(
        title="Harbor opens a second drop-in centre",
        slug="second-drop-in",
        date=datetime.date(2030, 1, 1),
        summary="A second place to come in from the street.",
        body=[{"type": "text", "value": "<p>Open every night.</p>"}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        index.add_child(instance=story)
        story.save_revision().publish()
    titles = [item["title"] for item in client.get("/api/pages?type=news_story").json()["items"]]
    assert "Harbor opens a second drop-in centre" in titles


def test_snippets_changed_are_answered_at_once(django_capture_on_commit_callbacks):
    client = site_client(HARBOR)
    for path in ("/api/hotlines", "/api/appeals"):
        client.get(path)
        assert client.get(path)["X-Lantern-Cache"] == "hit", path
    hotline = Hotline.objects.get(owner__hostname=HARBOR, locale__language_code="en")
    hotline.phone = "(213) 555-0123"
    appeal = DonationAppeal.objects.filter(owner__hostname=HARBOR).first()
    appeal.headline = "Twelve beds by spring"
    with django_capture_on_commit_callbacks(execute=True):
        hotline.save()
        appeal.save()
    assert "555-0123" in client.get("/api/hotlines").content.decode()
    assert "Twelve beds by spring" in client.get("/api/appeals").content.decode()


def test_each_origin_keeps_its_own_cors_answer():
    client = site_client(HARBOR)
    for _ in range(2):
        partner = client.get("/api/site", HTTP_ORIGIN="https://partner.example.org")
        other = client.get("/api/site", HTTP_ORIGIN="https://evil.example.com")
        plain = client.get("/api/site")
    assert partner["X-Lantern-Cache"] == other["X-Lantern-Cache"] == "hit"
    assert partner["Access-Control-Allow-Origin"] == "https://partner.example.org"
    assert "Access-Control-Allow-Origin" not in other
    assert "Access-Control-Allow-Origin" not in plain


def test_drafts_and_errors_are_never_kept():
    client = site_client(HARBOR)
    for _ in range(2):
        missing = client.get("/api/pages/find?path=/no-such-page/")
        assert missing.status_code == 404
        assert "X-Lantern-Cache" not in missing
        preview = client.get("/api/preview?preview_token=" + "a" * 32)
        assert preview.status_code in (400, 404)
        assert "X-Lantern-Cache" not in preview
        manage = client.get("/api/manage/pages", HTTP_AUTHORIZATION="Bearer nothing")
        assert "X-Lantern-Cache" not in manage


def test_a_storys_tags_edited_or_renamed_are_shown_at_once(change):
    """The rows tying stories to tags are not among a page's tags (sites.caching.tags): the
    story's publication and the tag itself stand for them."""
    story = (
        NewsStoryPage.objects.live()
        .filter(locale__language_code="en", tags__isnull=False)
        .distinct()
        .first()
    )
    path = story.get_url_parts()[2]
    reader = site_client(story.get_site().hostname)
    listing = "/api/pages?type=news_story&limit=100"

    def shown() -> tuple[str, list[str]]:
        page = reader.get(path)
        assert page.status_code == 200
        items = reader.get(listing).json()["items"]
        (item,) = [item for item in items if item["id"] == story.pk]
        return page.content.decode(), item["tags"]

    shown()
    assert reader.get(path)["X-Lantern-Cache"] == reader.get(listing)["X-Lantern-Cache"] == "hit"

    story.tags.add("night outreach")
    # As the demo loader publishes its stories: with an override where the privacy gate holds one.
    change(publish_demo, story.save_revision())
    html, tags = shown()
    assert "night outreach" in html and "night outreach" in tags

    tag = story.tags.get(name="night outreach")
    tag.name = "street outreach"
    change(tag.save)
    html, tags = shown()
    assert "street outreach" in html and "street outreach" in tags
    assert "night outreach" not in html and "night outreach" not in tags
