"""What workers keep of the API's listings (their counts, each page's own fields and tags,
`sites.api.serializers.listed_own`): every published change shows in the next answer, with the
page cache off."""

import datetime

import pytest

from django.utils import timezone

from wagtail.models import Page, Site

from sites.caching import memo
from sites.content.pages import NewsIndexPage, NewsStoryPage
from tests.conftest import site_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("kept_by_workers")]

HARBOR = "harbor.localhost"
STORIES = {"type": "news_story", "limit": 1}  # a window short of the listing: it is counted


def listing(**params) -> dict:
    response = site_client(HARBOR).get("/api/pages", params)
    assert response.status_code == 200
    return response.json()


def harbor_index() -> NewsIndexPage:
    return NewsIndexPage.objects.child_of(Site.objects.get(hostname=HARBOR).root_page).get()


def add_story(change, title="Harbor opens a second drop-in centre") -> NewsStoryPage:
    story = NewsStoryPage(
        title=title,
        date=datetime.date(2030, 1, 1),
        summary="A second place to come in from the street.",
    )
    change(harbor_index().add_child, instance=story)
    change(story.save_revision().publish)
    return story


@pytest.fixture
def newest(change) -> NewsStoryPage:
    """A story published now: the first of the listing, its summary kept by the worker."""
    story = add_story(change)
    assert listing(**STORIES)["items"][0]["id"] == story.pk
    return NewsStoryPage.objects.get(pk=story.pk)


def test_a_summary_published_again_is_listed_at_once(change, newest):
    story = newest
    assert memo.LISTED, "kept"
    story.summary = "Now open every night of the week."
    change(story.save_revision().publish)
    assert listing(**STORIES)["items"][0]["summary"] == "Now open every night of the week."


def test_a_tag_renamed_or_added_is_listed_at_once(change, newest):
    story = newest
    story.tags.add("shelter")
    change(story.save_revision().publish)
    assert "shelter" in listing(**STORIES)["items"][0]["tags"]
    tag = story.tags.get(name="shelter")
    tag.name = "Shelter beds"
    change(tag.save)
    tags = listing(**STORIES)["items"][0]["tags"]
    assert "Shelter beds" in tags and "shelter" not in tags


def test_the_count_follows_stories_published_and_unpublished(change):
    before = listing(**STORIES)["count"]
    story = add_story(change)
    assert listing(**STORIES)["count"] == before + 1
    change(story.unpublish)
    assert listing(**STORIES)["count"] == before


def test_a_kept_count_is_good_only_until_the_next_of_its_pages_expires(newest):
    expiry = (timezone.now() + datetime.timedelta(hours=1)).replace(microsecond=0)
    Page.objects.filter(pk=newest.pk).update(expire_at=expiry)
    memo.clear()
    listing(**STORIES)
    counts = [entry for key, entry in memo.LISTED.items() if key[0] == "count"]
    assert [entry.until for entry in counts] == [expiry]
