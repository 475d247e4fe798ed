"""Pages a worker keeps once routing has found them (sites.serving.routing.child_at): a story
read again is not looked up again, yet every change readers must see reaches the next request,
with the page cache off."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Locale, PageViewRestriction, Site

from sites.caching import memo
from sites.content.pages import NewsStoryPage
from tests.conftest import site_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("kept_by_workers")]

HARBOR = "harbor.localhost"


def story(slug, language="en") -> NewsStoryPage:
    return NewsStoryPage.objects.get(slug=slug, locale__language_code=language)


def get(path):
    return site_client(HARBOR).get(path)


def queries_for(path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert get(path).status_code == 200
    return len(captured)


def test_a_story_read_again_is_not_looked_up_again():
    url = story("mayas-story").url
    first = queries_for(url)
    assert get(story("eight-children-safe-in-two-weeks").url).status_code == 200
    assert len(memo.ROUTED) == 2
    again = queries_for(url)
    assert again < first, (first, again)


def test_nothing_is_kept_with_the_workers_keeping_off(settings):
    settings.LANTERN_CHROME_CACHE = False
    url = story("mayas-story").url
    get(url)  # what Wagtail's own cache keeps (its site roots)
    assert queries_for(url) == queries_for(url)
    assert len(memo.ROUTED) == 0


def test_a_story_published_again_shows_its_new_title(change):
    maya = story("mayas-story")
    get(maya.url)
    maya.title = "Maya, one year on"
    change(maya.save_revision().publish)
    assert "Maya, one year on" in get(maya.url).content.decode()


def test_a_story_unpublished_is_gone_at_once(change):
    maya = story("mayas-story")
    assert get(maya.url).status_code == 200
    change(maya.unpublish)
    assert get(maya.url).status_code == 404


def test_a_story_given_a_new_slug_answers_only_at_its_new_address(change):
    maya = story("mayas-story")
    old = maya.url
    assert get(old).status_code == 200
    maya.slug = "maya"
    change(maya.save_revision().publish)
    new = story("maya").url
    assert get(new).status_code == 200
    assert get(old).url == new, "Wagtail's redirect from where it was"


def test_a_story_made_private_above_it_asks_for_a_password_at_once(change):
    maya = story("mayas-story")
    assert get(maya.url).status_code == 200
    change(
        PageViewRestriction.objects.create,
        page=maya.get_parent(),
        restriction_type=PageViewRestriction.PASSWORD,
        password="survivors-first",
    )
    response = get(maya.url)
    assert response.status_code == 200
    assert "survivors-first" not in response.content.decode()
    assert maya.title not in response.content.decode().split("<title>")[1].split("</title>")[0]
    assert 'name="password"' in response.content.decode()


def test_a_story_moved_answers_only_at_its_new_address(change):
    maya = story("mayas-story")
    old = maya.url
    assert get(old).status_code == 200
    home = maya.get_parent().get_parent()
    change(maya.move, home, pos="last-child")
    new = story("mayas-story").url
    assert new != old
    assert get(new).status_code == 200
    assert get(old).url == new, "Wagtail's redirect from where it was"


def test_a_story_deleted_is_gone_at_once(change):
    maya = story("mayas-story")
    assert get(maya.url).status_code == 200
    change(maya.delete)
    assert get(maya.url).status_code == 404


def test_each_language_keeps_its_own_page():
    es = Locale.objects.get(language_code="es")
    english = next(
        page
        for page in NewsStoryPage.objects.live().in_site(Site.objects.get(hostname=HARBOR))
        if page.get_translation_or_none(es) is not None
    )
    spanish = english.get_translation(es)
    assert english.title in get(english.url).content.decode()
    assert spanish.title in get(spanish.url).content.decode()
    assert english.title in get(english.url).content.decode()
    assert len(memo.ROUTED) == 2


def test_each_request_routes_through_its_own_copy_of_the_kept_page():
    maya = story("mayas-story")
    assert get(maya.url).status_code == 200
    assert get(maya.url).status_code == 200
    (kept,) = memo.ROUTED.values()
    assert not hasattr(kept.value, "lantern_routed_from"), "a request marked the kept page itself"


def test_a_draft_is_not_kept_so_it_shows_once_published_even_before_a_purge():
    """A page readers asked for before it went live is looked up again: nothing kept says it
    is a draft (its publication may come from a scheduled run in the same process)."""
    maya = story("mayas-story")
    maya.unpublish()  # not committed: no purge reaches the worker
    assert get(maya.url).status_code == 404
    assert len(memo.ROUTED) == 0
    maya.get_latest_revision().publish()
    assert get(maya.url).status_code == 200
