"""Purges driven the way editors drive them (the real admin views), the help directory, a
partner story's scheduled placement, and the shared Redis cache production uses."""

import datetime
import os
import time

import pytest

from django.core.cache import cache, caches
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from wagtail.models import Site

from blocks.hotline import Hotline
from sites.content.branding import SiteBranding
from sites.content.pages import NewsIndexPage, NewsStoryPage
from sites.content.sharing import SharedStory
from sites.help.resources import HelpResource
from tests.admin_forms import hotline_edit_form, published_story_form
from tests.conftest import logged_in, site_client

pytestmark = pytest.mark.django_db

HARBOR = "harbor.localhost"
REDIS_URL = os.environ.get("LANTERN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.LANTERN_PAGE_CACHE_SECONDS = 600
    settings.LANTERN_CHROME_CACHE = True  # as in production: both use the tag versions
    settings.LANTERN_PAGE_CACHE_CLOCK_SKEW = 0
    cache.clear()
    yield
    cache.clear()


def hit(client, path) -> str:
    client.get(path)
    response = client.get(path)
    assert response["X-Lantern-Cache"] == "hit", path
    return response.content.decode()


def index_of(hostname) -> NewsIndexPage:
    return NewsIndexPage.objects.child_of(Site.objects.get(hostname=hostname).root_page).first()


def test_a_story_a_moderator_publishes_in_the_admin_is_listed_at_once(
    moderator_a, django_capture_on_commit_callbacks
):
    reader = site_client(HARBOR)
    assert "Night outreach report" not in hit(reader, "/en/stories/")
    index = index_of(HARBOR)
    add = reverse("wagtailadmin_pages:add", args=["agency_sites", "newsstorypage", index.pk])
    form = published_story_form("Night outreach report", "night-outreach-report")
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(moderator_a).post(add, form)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert NewsStoryPage.objects.get(slug="night-outreach-report").live
    assert "Night outreach report" in reader.get("/en/stories/").content.decode()


def test_a_hotline_edited_in_the_admin_shows_its_new_number_at_once(
    moderator_a, django_capture_on_commit_callbacks
):
    reader = site_client(HARBOR)
    hotline = Hotline.objects.get(owner__hostname=HARBOR, locale__language_code="en")
    assert "(213) 555-0199" not in hit(reader, "/en/")
    data = hotline_edit_form(hotline, phone="(213) 555-0199")
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(moderator_a).post(
            reverse("wagtailsnippets_blocks_hotline:edit", args=[hotline.pk]), data
        )
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert "555-0199" in reader.get("/en/").content.decode()


def test_a_new_help_resource_is_found_at_once(django_capture_on_commit_callbacks):
    reader = site_client(HARBOR)
    find_help = "/en/find-help/?zip=90012"
    page = reader.get(find_help)
    assert page.status_code == 200, "the demo site has a find-help page here"
    assert "Echo Park Safe House" not in hit(reader, find_help)
    resource = HelpResource(
        organisation="Echo Park Safe House",
        phone="(213) 555-0111",
        area=HelpResource.Area.LOCAL,
        zip_prefixes="900",
        services=["shelter"],
        last_verified=timezone.localdate() - datetime.timedelta(days=30),
    )
    resource.full_clean()
    with django_capture_on_commit_callbacks(execute=True):
        resource.save()
    assert "Echo Park Safe House" in reader.get(find_help).content.decode()


def test_a_partner_story_shows_from_its_scheduled_time(django_capture_on_commit_callbacks):
    """No one publishes anything at that moment: the listing was stored only until then."""
    network_index = index_of("localhost")
    partner_story = (
        NewsStoryPage.objects.live()
        .filter(locale__language_code="en")
        .exclude(placements__index=network_index)
        .exclude(path__startswith=network_index.path[:8])  # not the network's own
        .first()
    )
    partner_story.share_with_network = True
    with django_capture_on_commit_callbacks(execute=True):
        partner_story.save_revision().publish()
        SharedStory.objects.create(
            index=network_index,
            story=partner_story,
            show_from=(start := timezone.now() + datetime.timedelta(seconds=4)),
        )
    reader = site_client("localhost")
    path = network_index.get_url_parts()[2]
    title = escape(partner_story.title)
    assert title not in hit(reader, path)
    # Waiting for the placement to start, not timing anything.
    time.sleep((start - timezone.now()).total_seconds() + 0.2)
    assert title in reader.get(path).content.decode()


@pytest.fixture
def redis_pages(settings, worker_id):
    """What production runs: two workers (or machines) share one Redis. Each test process
    keeps to keys of its own there (the tests run side by side)."""
    from sites.caching import store

    redis_cache = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"lantern-test-{worker_id}",
    }
    settings.CACHES = {**settings.CACHES, "pages": redis_cache}
    settings.LANTERN_PAGE_CACHE_ALIAS = "pages"
    pages = caches["pages"]
    try:
        pages.delete_pattern("*")
    except Exception as error:  # any connection error
        message = f"Redis does not answer at {REDIS_URL}: {error}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    store.forget()
    yield pages
    pages.delete_pattern("*")
    store.forget()


def test_the_shared_redis_cache_serves_and_purges_pages(
    redis_pages, django_capture_on_commit_callbacks
):
    reader = site_client(HARBOR)
    story = NewsStoryPage.objects.get(slug="mayas-story", locale__language_code="en")
    path = story.get_url_parts()[2]
    hit(reader, path)
    assert redis_pages.keys("lantern:page-cache:page:*"), "stored in Redis"
    with CaptureQueriesContext(connection) as queries:
        assert reader.get(path)["X-Lantern-Cache"] == "hit"
    assert len(queries) == 0, "pages and their versions both come from Redis"
    story.title = "Maya, one year on"
    with django_capture_on_commit_callbacks(execute=True):
        story.save_revision().publish()
    assert "Maya, one year on" in reader.get(path).content.decode()


def test_versions_in_redis_are_numbers_read_without_unpickling(redis_pages):
    """django-redis keeps an integer as its digits and reads it back as one: some thirty of
    them are read for every page served warm."""
    from sites.caching import store

    reader = site_client(HARBOR)
    hit(reader, "/en/")
    raw = redis_pages.client.get_client()
    tag_keys = raw.keys("*page-cache:tag:*")
    assert len(tag_keys) > 10
    assert all(raw.get(key).isdigit() for key in tag_keys)
    assert reader.get("/en/")["X-Lantern-Cache"] == "hit"

    # When a version was made is in it; one made before versions were numbers still says.
    assert store.made_at(store._token(at=1_700_000_000.123)) == 1_700_000_000.123
    assert store.made_at("1700000000.123:9f86d081884c") == 1_700_000_000.123
    assert store.made_at("not one of ours") == float("inf")


@pytest.fixture
def redis_round_trips(monkeypatch):
    """The commands sent to Redis, each one round trip: counted where any command leaves for
    the server through redis-py's client (a pipeline's commands leave together, as one)."""
    from redis.connection import AbstractConnection

    sent = []
    send = AbstractConnection.send_packed_command

    def counting(self, command, *args, **kwargs):
        packed = command if isinstance(command, bytes) else b"".join(command)
        sent.append(packed.split(b"\r\n")[2].decode())  # *<count>, $<length>, the command
        return send(self, command, *args, **kwargs)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counting)
    return sent


def test_a_page_from_redis_costs_one_round_trip_and_still_sees_every_purge(
    redis_pages, redis_round_trips, change
):
    from sites.caching import store

    reader = site_client(HARBOR)
    hotline = Hotline.objects.get(owner__hostname=HARBOR, locale__language_code="en")
    path = "/en/"
    hit(reader, path)
    redis_round_trips.clear()
    assert reader.get(path)["X-Lantern-Cache"] == "hit"
    assert redis_round_trips == ["MGET"], "the page and whether anything changed, asked at once"

    # A change to what another site shows: the page's own tags are checked once (one more
    # MGET), found to hold, and the page is served from the cache; then one round trip again.
    other = SiteBranding.for_site(Site.objects.get(hostname="pines.localhost"))
    change(setattr_and_save, other, primary_colour="#123456")
    redis_round_trips.clear()
    assert reader.get(path)["X-Lantern-Cache"] == "hit"
    assert redis_round_trips == ["MGET", "MGET"]
    redis_round_trips.clear()
    assert reader.get(path)["X-Lantern-Cache"] == "hit"
    assert redis_round_trips == ["MGET"]

    change(setattr_and_save, hotline, phone="(213) 555-0199")
    response = reader.get(path)
    assert response["X-Lantern-Cache"] == "miss"
    assert "555-0199" in response.content.decode()

    # Stored again since by another worker, with other versions: what this worker checked
    # before says nothing of them, and they are checked.
    hit(reader, path)
    key = store.page_key(RequestFactory(HTTP_HOST=HARBOR).get(path))
    entry = store.load(key)
    stale = {**entry["versions"], "page:0": "1"}  # a tag whose version is not this one
    store.save(key, {**entry, "versions": stale, "any_change": None}, timeout=600)
    assert reader.get(path)["X-Lantern-Cache"] == "miss"


def test_a_page_stored_by_one_worker_is_served_by_another_until_something_changes(
    redis_pages, redis_round_trips, change
):
    """A worker that never saw a page serves it on the word it was stored with, in one round
    trip; a change anywhere sends it to check the page's tags once."""
    from sites.caching import store

    reader = site_client(HARBOR)
    hit(reader, "/en/")
    store.forget()  # another worker: it has checked nothing yet
    redis_round_trips.clear()
    assert reader.get("/en/")["X-Lantern-Cache"] == "hit"
    assert redis_round_trips == ["MGET"]

    hotline = Hotline.objects.get(owner__hostname=HARBOR, locale__language_code="en")
    change(setattr_and_save, hotline, phone="(213) 555-0123")
    store.forget()
    response = reader.get("/en/")
    assert response["X-Lantern-Cache"] == "miss" and "555-0123" in response.content.decode()


def test_pages_still_come_from_redis_after_it_drops_the_workers_connections(redis_pages):
    """A Redis restarted, or a proxy closing idle connections: the next lookup connects again
    rather than counting as Redis being down."""
    reader = site_client(HARBOR)
    hit(reader, "/en/")
    assert reader.get("/en/")["X-Lantern-Cache"] == "hit"
    from redis import Redis

    ours = redis_pages.client.get_client().client_id()  # the pooled connection lookups use
    with Redis.from_url(REDIS_URL) as admin:  # other tests' connections are left alone
        assert admin.client_kill_filter(_id=ours) == 1
    assert reader.get("/en/")["X-Lantern-Cache"] == "hit"


@pytest.fixture
def redis_chrome(redis_pages, settings, monkeypatch):
    """The page cache off, the workers' chrome on, its versions in Redis: every page is
    rendered, as the bench's cold runs do. Gives the connections taken from redis-py's pools
    and not given back yet: none once a request is answered."""
    from redis.connection import ConnectionPool

    settings.LANTERN_PAGE_CACHE_SECONDS = 0
    taken = set()
    get_connection, release = ConnectionPool.get_connection, ConnectionPool.release

    def taking(self, *args, **kwargs):
        connection = get_connection(self, *args, **kwargs)
        taken.add(connection)
        return connection

    def giving_back(self, connection):
        taken.discard(connection)
        return release(self, connection)

    monkeypatch.setattr(ConnectionPool, "get_connection", taking)
    monkeypatch.setattr(ConnectionPool, "release", giving_back)
    return taken


def test_an_uncached_page_asks_redis_for_its_chrome_and_body_before_any_query(
    redis_chrome, redis_round_trips, change, monkeypatch
):
    """Three round trips to Redis: the kept chrome's versions, read when the chrome is first
    needed, before any query, then the kept story's (routing found it before) and its kept
    body's; each on a connection given back at once. A change still shows on the very next
    request."""
    from redis.connection import AbstractConnection

    from django.core.handlers.base import BaseHandler
    from django.db import connection as database

    reader = site_client(HARBOR)
    story = "/en/stories/eight-children-safe-in-two-weeks/"
    for _ in range(2):  # the chrome built, then kept
        assert reader.get(story).status_code == 200
    events = []

    def noting(name, original):
        def noted(*args, **kwargs):
            events.append(name)
            return original(*args, **kwargs)

        return noted

    send, read = AbstractConnection.send_packed_command, AbstractConnection.read_response
    monkeypatch.setattr(AbstractConnection, "send_packed_command", noting("asked", send))
    monkeypatch.setattr(AbstractConnection, "read_response", noting("answer read", read))
    resolve = BaseHandler.resolve_request
    monkeypatch.setattr(BaseHandler, "resolve_request", noting("view found", resolve))
    redis_round_trips.clear()
    with database.execute_wrapper(lambda execute, *args: events.append("query") or execute(*args)):
        response = reader.get(story)
    assert response.status_code == 200
    assert redis_round_trips == ["MGET"] * 3, "the chrome's versions, the story's, its body's"
    assert events[:3] == ["view found", "asked", "answer read"], events
    assert set(events[3:]) <= {"query", "asked", "answer read"}, events
    assert not redis_chrome, "its connection went back to the pool"

    branding = SiteBranding.objects.get(site__hostname=HARBOR)
    branding.primary_colour = "#13579b"
    change(branding.save)
    assert "#13579b" in reader.get(story).content.decode()


def test_a_request_that_never_needs_its_chrome_gives_its_connection_back(redis_chrome):
    """A reader's request that ends without its chrome (a redirect, a feed, a sitemap, an API
    asked in another language) leaves no connection taken from the pool."""
    reader = site_client(HARBOR)
    assert reader.get("/en/").status_code == 200  # the chrome built and kept
    paths = ("/", "/sitemap.xml", "/feed/", "/api/pages?limit=1&locale=es", "/en/nope/")
    for _ in range(3):
        for path in paths:
            assert reader.get(path).status_code in (200, 302, 404), path
            assert not redis_chrome, path
    assert reader.get("/en/").status_code == 200


def test_a_chrome_check_survives_redis_dropping_its_connection(redis_pages, redis_chrome, change):
    """Asked for on a connection the server has closed since: connected again, so the page is
    served with its chrome, and a change made before shows."""
    from redis import Redis

    reader = site_client(HARBOR)
    assert reader.get("/en/").status_code == 200
    branding = SiteBranding.objects.get(site__hostname=HARBOR)
    branding.primary_colour = "#2468ac"
    change(branding.save)
    ours = redis_pages.client.get_client().client_id()  # the pooled connection checks use
    with Redis.from_url(REDIS_URL) as admin:  # other tests' connections are left alone
        assert admin.client_kill_filter(_id=ours) == 1
    assert "#2468ac" in reader.get("/en/").content.decode()
    assert not redis_chrome


def test_a_chrome_check_whose_answer_is_lost_is_asked_again(redis_chrome, monkeypatch):
    """The connection is reset while the versions' question is on its way (a Redis restarted,
    a proxy between): asked again on a new connection, and the kept chrome used, rather than
    counting Redis as down and building the chrome afresh."""
    from redis.connection import AbstractConnection
    from redis.exceptions import ConnectionError as RedisConnectionError

    reader = site_client(HARBOR)
    assert reader.get("/en/").status_code == 200
    lost = []
    read = AbstractConnection.read_response

    def losing_the_first_answer(self, *args, **kwargs):
        if not lost:
            lost.append(self.disconnect())  # as a reset connection leaves it
            raise RedisConnectionError("Connection reset by peer")
        return read(self, *args, **kwargs)

    monkeypatch.setattr(AbstractConnection, "read_response", losing_the_first_answer)
    with CaptureQueriesContext(connection) as queries:
        response = reader.get("/en/")
    assert lost, "an answer was lost"
    assert response.status_code == 200
    assert 'class="help-bar"' in response.content.decode()
    assert not any("wagtailcore_site" in query["sql"] for query in queries), "the kept chrome"
    assert not redis_chrome


def setattr_and_save(obj, **values) -> None:
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()


def test_a_change_made_in_another_process_reaches_this_ones_pages(
    django_capture_on_commit_callbacks,
):
    """Without Redis each worker (and `publish_scheduled`) has a cache of its own: the change
    must still reach pages stored here. A second process is another LocMemCache."""
    from django.core.cache.backends.locmem import LocMemCache

    from sites.caching import store

    reader = site_client(HARBOR)
    story = NewsStoryPage.objects.get(slug="mayas-story", locale__language_code="en")
    path = story.get_url_parts()[2]
    hit(reader, path)
    other_process = LocMemCache("another-worker", {})
    story.title = "Maya, two years on"
    original = store.cache
    store.cache = lambda: other_process  # the change is made over there
    try:
        with django_capture_on_commit_callbacks(execute=True):
            story.save_revision().publish()
    finally:
        store.cache = original
    assert "Maya, two years on" in reader.get(path).content.decode()
