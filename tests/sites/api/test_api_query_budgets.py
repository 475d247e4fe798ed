"""Database queries per answer of the public API: the same for one item as for many.

Each answer is asked for twice as a partner's front end would (the first warms per-process
caches: content types, Wagtail's site root paths), and the second is counted, rendered afresh:
the page cache and the workers' chrome cache are off here (`caches_off`).
"""

import datetime

import pytest

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.images.models import Rendition
from wagtail.models import Site

from blocks.appeals import DonationAppeal
from blocks.hotline import Hotline
from sites.content.pages import AwarenessArticlePage, NewsIndexPage, NewsStoryPage
from sites.help.resources import HelpResource
from tests.conftest import made_for_module, site_client
from tests.sites.test_query_budgets import every_kind_of_block, photo, story, things_to_choose

# Counts what rendering costs with nothing kept: a stored page would answer in one query.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("caches_off")]

HOST = "harbor.localhost"

# The site (1), its home pages in each language (1) and its branding (1, for its languages),
# the window of pages from Wagtail's page table (1) and how many pages match (1, unless the
# window holds them all); for the window's pages, one query for each page type among them with
# fields of its own, and one for the stories' tags: never one for each page.
LISTING = 5
# As workers run: the versions of what they keep of the site (1), the window (1), and the
# versions of what they keep of the answer (1): the count, each page's own fields and tags.
KEPT_LISTING = 3
# The site, its home pages, branding, menu, help bar's hotlines, their owners, and where its
# Donate buttons lead (its giving page's appeal; kept with the chrome where workers keep it).
SITE = 7
SNIPPETS = 2  # the site, and the hotlines (or appeals) with their owners
HELP = 2  # the resources and the hotlines, each with their translations and owners


@pytest.fixture(autouse=True)
def no_cached_renditions():
    Rendition.cache_backend.clear()
    caches["default"].clear()


def queries(path, params=None, hostname=HOST) -> int:
    client = site_client(hostname)
    client.get(path, params)
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, params)
    assert response.status_code == 200, (path, params, response.content[:300])
    return len(context.captured_queries)


def harbor_index() -> NewsIndexPage:
    return NewsIndexPage.objects.child_of(Site.objects.get(hostname=HOST).root_page).get()


@pytest.fixture(scope="module")
def many_stories(django_db_setup, django_db_blocker):
    """Made once for the module: its tests only read them."""
    yield from made_for_module(django_db_blocker, add_many_stories)


def add_many_stories():
    """Twenty more stories on the harbor site: news and articles, tagged, with pictures."""
    index = harbor_index()
    for n in range(20):
        kind = NewsStoryPage if n % 2 == 0 else AwarenessArticlePage
        page = story(index, f"bulk-{n}", kind=kind, hero=photo(f"bulk-{n}"), day=n + 1)
        if kind is NewsStoryPage:
            page.tags.add("bulk")
            page.save_revision().publish()


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"type": "news_story"},
        {"type": "awareness_article"},
        {"tag": "bulk"},
        {"order": "title"},
        {"locale": "es"},
    ],
)
def test_a_listing_of_twenty_costs_what_a_listing_of_one_costs(
    many_stories, kept_by_workers, params
):
    one = queries("/api/pages", {**params, "limit": 1})
    twenty = queries("/api/pages", {**params, "limit": 100})
    assert one == twenty == KEPT_LISTING


def test_a_listing_read_afresh_costs_a_query_per_page_type_not_per_page(many_stories):
    # The newest pages are news stories and articles, in turn: both types whatever the limit.
    assert queries("/api/pages", {"limit": 2}) == LISTING + 2 + 1  # 2 page types, the tags
    assert queries("/api/pages", {"limit": 20}) == LISTING + 2 + 1
    only_stories = {"type": "news_story", "tag": "bulk"}
    assert queries("/api/pages", {**only_stories, "limit": 1}) == LISTING + 1 + 1
    # Ten tagged stories: a window of twenty holds them all, and counts them itself.
    assert queries("/api/pages", {**only_stories, "limit": 20}) == LISTING - 1 + 1 + 1


def test_a_listing_of_a_parents_children_costs_one_more_query(many_stories, kept_by_workers):
    params = {"parent": harbor_index().pk}
    assert queries("/api/pages", {**params, "limit": 1}) == KEPT_LISTING + 1  # the parent
    assert queries("/api/pages", {**params, "limit": 100}) == KEPT_LISTING + 1


@pytest.mark.parametrize("locale", ["en", "es"])
def test_the_site_costs_the_same_in_every_language(locale):
    assert queries("/api/site", {"locale": locale}) == SITE


def hotline(n, owner):
    return Hotline.objects.create(name=f"Line {n}", phone="(213) 555-0101", owner=owner)


def appeal(n, owner):
    return DonationAppeal.objects.create(
        headline=f"Appeal {n}",
        text="<p>Give.</p>",
        goal=1000,
        donate_url="https://example.org/give",
        owner=owner,
    )


@pytest.mark.parametrize(("path", "make"), [("/api/hotlines", hotline), ("/api/appeals", appeal)])
def test_snippet_listings_do_not_grow_with_the_snippets(path, make):
    before = queries(path)
    for n in range(20):
        make(n, Site.objects.get(hostname=HOST))
    assert before == queries(path) == SNIPPETS


@pytest.mark.parametrize("locale", ["en", "es"])
def test_help_search_does_not_grow_with_its_results(locale):
    params = {"state": "CA", "locale": locale}
    before = queries("/api/help", params)
    harbor = Site.objects.get(hostname=HOST)
    for n in range(20):
        HelpResource.objects.create(
            organisation=f"Resource {n}",
            services=["shelter"],
            phone="(213) 555-0100",
            area=HelpResource.Area.STATES,
            states="CA",
            last_verified=timezone.localdate() - datetime.timedelta(days=30),
            owner=harbor,
        )
        Hotline.objects.create(
            name=f"California line {n}",
            phone="(213) 555-0101",
            coverage=Hotline.Coverage.STATE,
            states="CA",
            owner=harbor,
        )
    assert before == queries("/api/help", params) == HELP


def test_a_story_in_detail_costs_the_same_with_one_block_of_each_kind_or_twelve():
    things = things_to_choose()
    index = harbor_index()
    small = every_kind_of_block(
        1,
        **{key: values[:1] for key, values in things.items() if key != "stories"},
        stories=things["stories"][:3],
    )
    few = story(index, "few-blocks", hero=photo("few"), body=small)
    many = story(index, "many-blocks", hero=photo("many"), body=every_kind_of_block(12, **things))
    assert queries(f"/api/pages/{few.pk}") == queries(f"/api/pages/{many.pk}")


def test_an_index_in_detail_costs_the_same_with_one_partner_story_or_six():
    from sites.content.sharing import SharedStory

    site = Site.objects.get(hostname="pines.localhost")
    index = NewsIndexPage.objects.child_of(site.root_page).get()
    shared = [
        story(harbor_index(), f"shared-{n}", hero=photo(f"shared-{n}"), share=True, day=n + 1)
        for n in range(6)
    ]
    counts = []
    for placed in (shared[:1], shared[1:]):
        for n, page in enumerate(placed):
            SharedStory.objects.create(index=index, story=page, sort_order=n)
        counts.append(queries(f"/api/pages/{index.pk}", hostname="pines.localhost"))
    assert counts[0] == counts[1]


def test_the_home_page_in_detail_costs_the_same_with_one_featured_story_or_three():
    home = Site.objects.get(hostname=HOST).root_page.specific
    stories = [story(harbor_index(), f"featured-{n}", hero=photo(f"f-{n}")) for n in range(3)]
    counts = []
    for featured in (stories[:1], stories):
        home.featured = [("story", page) for page in featured]
        home.save_revision().publish()
        counts.append(queries(f"/api/pages/{home.pk}"))
    assert counts[0] == counts[1]
