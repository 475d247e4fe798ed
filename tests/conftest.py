"""Shared test fixtures: the demo network in every test database, sites, users and a client per host."""

from contextlib import contextmanager

import pytest
from pytest_django.live_server_helper import LiveServer

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connections, transaction
from django.test import Client, TestCase
from django.utils import translation

from wagtail.models import Collection, Locale, Page, Site

from blocks.hotline import Hotline
from sites.agencies.onboarding import create_agency_site
from sites.agencies.tenancy import NETWORK_ADMINS, Agency
from sites.caching import memo, store
from sites.content.demo import load_network
from sites.serving import addresses
from sites.serving.templatetags import lantern_images

DEMO_HOSTS = [
    "localhost",
    "harbor.localhost",
    "pines.localhost",
    "ridge.localhost",
    "passage.localhost",
]


@pytest.fixture(autouse=True)
def source_language():
    """Each test starts in the source language. A request for /es/… leaves Spanish active in
    the thread that served it, as Django's own LocaleMiddleware does (the next request sets
    its own); a test calling code directly must not inherit it from the test before."""
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test's database is rolled back, and so is what it left in the cache and in what
    this worker keeps, as a restart would empty them. Wagtail keeps the sites' root addresses
    in the cache: a test that renames a site and then serves a page would otherwise leave the
    new name for whichever test runs next in that process. The page cache and the workers'
    chromes, bodies, fragments, pictures and addresses are checked against tag versions that
    the rollback puts back as they were: what a test kept could match them again."""
    yield
    cache.clear()  # pages, tag versions, Wagtail's own
    store.forget()
    memo.clear()
    lantern_images.clear()  # and the fragments it keeps with them (lantern_kept)
    addresses.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the demo network, loaded once per test session.

    Each test runs in a transaction that is rolled back, so tests see it unchanged. Tests with
    `transaction=True` run last (pytest-django orders them so) and load what they need.
    """
    with django_db_blocker.unblock():
        load_demo_network()


@pytest.fixture
def reader():
    """A reader's browser: anonymous, no cookies."""
    return Client()


def site_client(hostname: str) -> Client:
    """A client whose every request carries `hostname` in its Host header."""
    return Client(HTTP_HOST=hostname)


@pytest.fixture
def kept_by_workers(settings):
    """What each worker keeps between requests (the site chrome, pictures' and pieces' markup,
    sites.serving.chrome) on, as in production, and the page cache off: every page is rendered. The
    workers' stores are emptied as the setting changes, before and after."""
    settings.LANTERN_CHROME_CACHE = True
    settings.LANTERN_PAGE_CACHE_SECONDS = 0
    settings.LANTERN_PAGE_CACHE_CLOCK_SKEW = 0


@pytest.fixture
def caches_off(settings):
    """The page cache and what workers keep both off, for a test that counts what rendering a
    page costs with nothing kept (a stored page answers in one query, whatever it shows)."""
    settings.LANTERN_PAGE_CACHE_SECONDS = 0
    settings.LANTERN_CHROME_CACHE = False


@contextmanager
def committed():
    """What it wraps, committed as an editor's request or a command is: the purges it sends
    (sites.caching.invalidation), sent once it commits, reach the page cache and the workers.
    In a plain `django_db` test nothing commits, so without this a reader is served the page
    stored before the change. (The `change` fixture, for a test that takes fixtures.) Never
    inside another such capture: the outer one would run the same callbacks again."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        yield


def made_for_module(django_db_blocker, make):
    """`make()`'s data, made once for a module's tests that all read it and none needs it fresh,
    in place of once for each test (a module-scoped fixture yields from this).

    It is made in a transaction around the module's tests. Each test's own transaction (`db`)
    is a savepoint inside it, rolled back after the test as usual; the outer one is rolled back
    after the module's last test, so nothing is left for the next module. Only for what the test
    client reads: a server in another thread or process has another connection, which cannot
    see it.

        @pytest.fixture(scope="module")
        def pages(django_db_setup, django_db_blocker):
            yield from made_for_module(django_db_blocker, make_pages)
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        with django_db_blocker.unblock():
            made = make()
        yield made
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def change(django_capture_on_commit_callbacks):
    """Runs an editor's change and commits it, as a request would (purges follow commits)."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.fixture
def national_hotline(db):
    return Hotline.objects.get(name="National Human Trafficking Hotline")


@pytest.fixture
def new_site(db):
    """A fresh agency site, created the way every agency site is created."""

    def make(name="Test Agency", hostname="test.localhost", **branding):
        return create_agency_site(name=name, hostname=hostname, **branding)

    return make


def member_of(group, username):
    """A staff member in one group, with a password the admin login form accepts."""
    user = get_user_model().objects.create_user(
        username,
        f"{username}@example.org",
        "pw-" + username,
        first_name=username.title(),
        last_name="Staff",
    )
    user.groups.add(group)
    return user


@pytest.fixture
def editor_a(db):
    """An editor at agency A: Harbor Light Alliance (harbor.localhost)."""
    return member_of(Agency.objects.get(site__hostname="harbor.localhost").editors, "editor_a")


@pytest.fixture
def moderator_a(db):
    return member_of(
        Agency.objects.get(site__hostname="harbor.localhost").moderators, "moderator_a"
    )


@pytest.fixture
def editor_b(db):
    """An editor at agency B: Northern Pines Ministry (pines.localhost)."""
    return member_of(Agency.objects.get(site__hostname="pines.localhost").editors, "editor_b")


@pytest.fixture
def moderator_b(db):
    return member_of(Agency.objects.get(site__hostname="pines.localhost").moderators, "moderator_b")


@pytest.fixture
def network_admin(db):
    """A network administrator: not a superuser, acting on every site through the group."""
    return member_of(Group.objects.get(name=NETWORK_ADMINS), "network_admin")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(scope="session")
def demo_server(django_db_setup, django_db_blocker):
    """The demo network served over HTTP by Django's live server thread, started once a session.

    It serves the demo that `django_db_setup` committed, which browser tests only read. They
    do not use pytest-django's `live_server`: that makes each test transactional, which empties
    every table after it, and the next test would load the demo again (10 to 25 s each).
    """
    with django_db_blocker.unblock():
        server = LiveServer("localhost")
    yield server
    server.stop()


@pytest.fixture
def closes_connections():
    """Closes the test's database connections after it (and after `db`'s rollback). Playwright's
    browser runs a test in a context of its own, and Django keeps connections per context: the
    one it opened would outlive the test, and be open still when the test database is dropped."""
    yield
    connections.close_all()


@pytest.fixture
def live_demo(closes_connections, demo_server, db):
    """The demo network's live server, for a test that reads it through a browser or HTTP.

    Its test reads the database in a transaction rolled back after it, as other tests do: what
    it would write, the server would not see (on PostgreSQL), so a browser test writes nothing.
    """
    assert Site.objects.filter(hostname="harbor.localhost").exists(), (
        "The demo network is gone from this worker's database: a transactional test ran "
        "before this one and emptied it (pytest-django runs those last)."
    )
    return demo_server


def load_demo_network(translated: bool = True):
    """The demo network, on top of what the migrations make (in English alone, without
    `translated`: a third of the time, for tests that read no other language).

    A test with real transactions ends by emptying every table, the migrations' rows included
    (the root page, the default language, the root collection), and a reused test database
    may have been left so: put those back first.
    """
    if not Locale.objects.exists():
        Locale.objects.create(language_code="en")
    if not Page.objects.filter(depth=1).exists():
        root = Page(title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page))
        Page.add_root(instance=root)
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")
    if not Site.objects.filter(hostname="harbor.localhost").exists():
        load_network(translated=translated)
