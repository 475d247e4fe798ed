"""The stories a home page features, kept by each worker, change at the very next request when
a story is published, unpublished, made private or chosen, with the caches on as in production
(HomePage.featured_stories)."""

import re

import pytest

from django.core.cache import cache

from wagtail.models import Page, PageViewRestriction, Site

from sites.caching import memo
from sites.content.pages import HomePage, NewsIndexPage, NewsStoryPage
from tests.conftest import site_client

pytestmark = pytest.mark.django_db

HARBOR = "harbor.localhost"
CARD_TITLE = re.compile(r'<section class="featured".*?</section>', re.S)


@pytest.fixture(autouse=True)
def caches_on(settings):
    settings.LANTERN_PAGE_CACHE_SECONDS = 600
    settings.LANTERN_CHROME_CACHE = True
    settings.LANTERN_PAGE_CACHE_CLOCK_SKEW = 0
    cache.clear()
    memo.clear()
    yield
    cache.clear()
    memo.clear()


def featured(client) -> str:
    response = client.get("/en/")
    assert response.status_code == 200
    found = CARD_TITLE.search(response.content.decode())
    return found.group(0) if found else ""


def home() -> HomePage:
    return HomePage.objects.get(pk=Site.objects.get(hostname=HARBOR).root_page_id)


def new_story(title: str) -> NewsStoryPage:
    index = NewsIndexPage.objects.child_of(home()).get(slug="stories")
    page = NewsStoryPage(title=title, slug=title.lower().replace(" ", "-"), summary="s")
    index.add_child(instance=page)
    return page


def test_the_newest_stories_follow_publishing_unpublishing_and_privacy(change):
    client = site_client(HARBOR)
    before = featured(client)
    # The demo's home page lists its three newest stories in its body: it features none above.
    assert before == ""
    story = new_story("Fresh news from the harbor")
    assert "Fresh news from the harbor" not in featured(client)  # a draft is not featured

    change(lambda: story.save_revision().publish())
    assert "Fresh news from the harbor" in featured(client)

    change(PageViewRestriction.objects.create, page=story, restriction_type="login")
    assert "Fresh news from the harbor" not in featured(client)

    change(lambda: PageViewRestriction.objects.filter(page=story).delete())
    assert "Fresh news from the harbor" in featured(client)

    change(lambda: Page.objects.get(pk=story.pk).specific.unpublish())
    assert featured(client) == before


def test_a_chosen_story_shows_and_goes_with_its_page(change):
    client = site_client(HARBOR)
    story = new_story("A story chosen by hand")
    change(lambda: story.save_revision().publish())
    page = home()
    page.featured = [("story", story)]
    change(lambda: page.save_revision().publish())
    assert "A story chosen by hand" in featured(client)

    story.title = "A story chosen by hand, retitled"
    change(lambda: story.save_revision().publish())
    assert "A story chosen by hand, retitled" in featured(client)

    change(lambda: Page.objects.get(pk=story.pk).specific.unpublish())
    assert "A story chosen by hand" not in featured(client)
