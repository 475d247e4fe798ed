"""Tags at the edge, through real requests: every reader page the page cache may keep carries
the keys of what it shows in the configured edge's header, served fresh or from the cache, and
no answer for an editor, a preview, a private page or one setting a cookie ever does."""

import pytest

from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from wagtail.models import PageViewRestriction

from blocks.appeals import DonationAppeal
from blocks.hotline import Hotline
from sites.caching import store, tags
from sites.content.branding import SiteBranding
from sites.content.pages import NewsStoryPage
from sites.edge import keys
from tests.conftest import site_client

pytestmark = pytest.mark.django_db

HARBOR = "harbor.localhost"
STORY = "/en/stories/eight-children-safe-in-two-weeks/"
PAGES = [(HARBOR, "/en/"), (HARBOR, STORY), (HARBOR, "/es/"), ("localhost", "/en/stories/")]
EDGE_HEADERS = ("xkey", "Surrogate-Key", "Cache-Tag")


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.LANTERN_PAGE_CACHE_SECONDS = 600
    settings.LANTERN_CHROME_CACHE = True
    settings.LANTERN_PAGE_CACHE_CLOCK_SKEW = 0
    settings.LANTERN_CDN_SECONDS = 120
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(params=keys.PROVIDERS)
def edge(request, settings):
    settings.EDGE_CACHE = request.param
    return request.param


def keys_in(response, edge) -> list[str]:
    return response[keys.HEADERS[edge]].split(keys.SEPARATORS[edge])


def story() -> NewsStoryPage:
    return NewsStoryPage.objects.get(
        slug="eight-children-safe-in-two-weeks", locale__language_code="en"
    )


def test_a_tags_key_is_short_stable_and_plain():
    assert keys.key("page:12") == keys.key("page:12") != keys.key("page:13")
    long_tag = "tree:" + "0001" * 63  # a page path is up to 255 characters
    for tag in ("page:12", long_tag, "obj:blocks.hotline:tk:ea5cf681-4555-4795-a53a-0efd7c13e738"):
        key = keys.key(tag)
        assert len(key) == 11 and key.isalnum() and key.isascii()


def stored_tags(host, path) -> set[str]:
    """The tags the page cache stored the page with (its entry's versions)."""
    entry = store.load(store.page_key(RequestFactory(HTTP_HOST=host).get(path)))
    return set(entry["versions"])


@pytest.mark.parametrize(("host", "path"), PAGES)
def test_every_reader_page_carries_the_keys_of_what_it_shows_fresh_and_from_the_cache(
    edge, host, path
):
    client = site_client(host)
    first = client.get(path)
    assert first.status_code == 200
    assert first["X-Lantern-Cache"] == "miss"
    again = client.get(path)
    assert again["X-Lantern-Cache"] == "hit"
    assert again[keys.HEADERS[edge]] == first[keys.HEADERS[edge]]
    shown = stored_tags(host, path)
    assert len(shown) > 10
    assert set(keys_in(first, edge)) == keys.keys(shown)
    # Only the configured edge's header.
    assert [h for h in EDGE_HEADERS if h in first] == [keys.HEADERS[edge]]


def test_a_hotline_and_the_sites_branding_are_among_every_pages_keys(settings):
    """What a change to the help bar purges at the edge is on every page of the site."""
    settings.EDGE_CACHE = "varnish"
    hotline = Hotline.objects.get(owner__hostname=HARBOR, locale__language_code="en")
    branding = SiteBranding.objects.get(site__hostname=HARBOR)
    client = site_client(HARBOR)
    for path in ("/en/", STORY, "/en/stories/"):
        shown = set(keys_in(client.get(path), "varnish"))
        assert keys.key(tags.one(Hotline, hotline.pk)) in shown, path
        assert keys.key(tags.one(SiteBranding, branding.pk)) in shown, path


def test_the_header_stays_within_each_edges_limits(edge):
    response = site_client(HARBOR).get("/en/stories/")
    value = response[keys.HEADERS[edge]]
    assert 0 < len(value.encode()) <= keys.MAX_HEADER[edge]
    assert all(len(key) <= 1024 for key in keys_in(response, edge))
    # A page showing more than fits carries the key every purge sends instead.
    many = {f"obj:blocks.hotline:{pk}" for pk in range(5000)}
    assert keys.header_value(many, edge) == keys.OVERFLOW


def test_no_header_without_an_edge_and_without_the_page_cache_it_still_comes(settings):
    settings.EDGE_CACHE = ""
    response = site_client(HARBOR).get(STORY)
    assert not [h for h in EDGE_HEADERS if h in response]
    settings.EDGE_CACHE = "fastly"
    settings.LANTERN_PAGE_CACHE_SECONDS = 0  # the edge does not need Lantern's own cache
    response = site_client(HARBOR).get(STORY)
    assert "X-Lantern-Cache" not in response
    assert keys.key(tags.page(story().pk)) in keys_in(response, "fastly")


def test_adding_the_header_costs_a_reader_page_no_query(settings):
    client = site_client(HARBOR)
    client.get(STORY)
    with CaptureQueriesContext(connection) as without_edge:
        client.get("/en/stories/")
    cache.clear()
    settings.EDGE_CACHE = "varnish"
    client.get(STORY)
    with CaptureQueriesContext(connection) as with_edge:
        response = client.get("/en/stories/")
    assert "xkey" in response
    assert len(with_edge) == len(without_edge)
    with CaptureQueriesContext(connection) as hit:
        assert "xkey" in client.get("/en/stories/")
    assert len(hit) == 1  # a stored page: its tags' versions, as before


def test_never_for_an_editor_a_preview_or_a_session(edge, editor_a):
    editor = Client(HTTP_HOST=HARBOR)
    editor.force_login(editor_a)
    assert keys.HEADERS[edge] not in editor.get(STORY)
    with_session = Client(HTTP_HOST=HARBOR)
    with_session.cookies["sessionid"] = "anything"
    assert keys.HEADERS[edge] not in with_session.get(STORY)
    assert keys.HEADERS[edge] not in site_client(HARBOR).get(STORY, HTTP_AUTHORIZATION="Bearer x")
    page = story()
    page.title = "A draft headline"
    preview = page.save_revision().as_object().make_preview_request()
    assert "A draft headline" in preview.content.decode()
    assert keys.HEADERS[edge] not in preview


def test_never_on_a_private_answer_or_one_that_sets_a_cookie(edge):
    """The donation step is never cached (private, no-store); a password-protected page's form
    sets the CSRF cookie."""
    appeal = DonationAppeal.objects.filter(owner__hostname=HARBOR).first()
    give = site_client(HARBOR).get(f"/en/give/{appeal.pk}/")
    assert "private" in give["Cache-Control"] or "no-store" in give["Cache-Control"]
    assert keys.HEADERS[edge] not in give
    PageViewRestriction.objects.create(
        page=story(), restriction_type=PageViewRestriction.PASSWORD, password="s3cret-words"
    )
    cache.clear()
    protected = site_client(HARBOR).get(STORY)
    assert protected.cookies or "private" in protected.get("Cache-Control", "")
    assert keys.HEADERS[edge] not in protected
