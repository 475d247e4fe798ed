"""Database queries per reader page: a fixed budget that does not grow with the content.

Every count is of a page as a reader's browser asks for it, rendered afresh (the page cache
and the workers' chrome cache are off here: `caches_off`), after one request that warms what
each process keeps regardless (content types, Wagtail's site root paths, the sizes of images
made on a first view). "Does not grow" is proved by asking for the same kind of page with
little and with much in it, and finding the same count.
"""

import datetime
import io
import itertools

import pytest
from PIL import Image as PILImage

from django.core.cache import caches
from django.core.files.images import ImageFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.images.models import Image, Rendition
from wagtail.models import Locale, Page, PageViewRestriction, Site

from blocks.appeals import DonationAppeal
from blocks.hotline import Hotline
from sites.content.branding import SiteBranding
from sites.content.pages import AwarenessArticlePage, HomePage, NewsIndexPage, NewsStoryPage
from sites.content.sharing import SharedStory
from sites.help.resources import HelpResource
from tests.conftest import DEMO_HOSTS, site_client

# Counts what rendering costs with nothing kept: a stored page would answer in one query.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("caches_off")]

HOST = "harbor.localhost"

# Measured on the demo network, for a page (in its source language) on a site published in one
# language, on a site published in two (the language links: the home pages and the page's
# translations, in one query), and read in the second language (one more to find the home page
# in that language, and one for the translations of chosen stories; chosen hotlines and
# appeals come with theirs).
#
# Every page pays Wagtail's routing: the site (1), the language (1), the home page (1, and 1 to
# find the home page's translation), then one query for each level of the address below the
# home page. Then the branding, the help bar's hotlines and the menu (3), and whatever the page
# itself shows: a listing its stories, a block of chosen things its things (one query for each
# kind of block, however many blocks, and one for the pages chosen by all of them). A story's
# tags come with it, in its level's query (NewsStoryPage.routed_with).
# The demo's pages have pictures (#26): a home page its hero's image and sizes (2), a listing
# or a story with related stories the sizes of the stories' pictures (1), the network's index
# those of its partners' stories too (1). Every page's Donate button finds the site's giving
# page, its appeal and whether the site takes gifts online (1: sites.giving.donate), which a
# worker's kept chrome answers without a query.
BUDGETS = {
    "HomePage": (14, 14, 16),
    "NewsIndexPage": (12, 15, 16),  # the network home's index also lists partners' stories
    "NewsStoryPage": (12, 13, 15),
    "AwarenessArticlePage": (11, 12, 13),
    "DonationAppealPage": (8, 9, 10),
    "StandardPage": (9, 10, 11),
    "FindHelpPage": (10, 11, 12),  # the form's page, before any search (a search: below)
}
# Where the help bar has no line for the site's own area, the home page finds its find-help
# page (1), whose search it offers in the first screen instead (#25).
HOMES_WITH_THE_SEARCH = {"localhost", "ridge.localhost"}
# A story with nothing to load in its blocks (text, facts, tips), read in its source language.
PLAIN_STORY = {1: 9, 2: 10}  # by the number of languages of the site
# A story on a two-language site with every kind of block that loads something: the plain
# story's 10, one for each kind (hotline panels, appeals, images) and one for every page chosen
# (related stories and calls to action together, blocks.chosen), and one each for the sizes of
# the related stories' and the image blocks' pictures. Read in Spanish: one more to find the
# Spanish home page and one for the stories' Spanish translations (hotlines and appeals come
# with theirs).
EVERY_KIND_OF_BLOCK = {"en": 10 + 4 + 2, "es": 10 + 4 + 2 + 2}


@pytest.fixture(autouse=True)
def no_cached_renditions():
    """Renditions are cached by image id, which a rolled-back test database may hand out again."""
    Rendition.cache_backend.clear()
    caches["default"].clear()


def queries_for(client, path, data=None):
    client.get(path, data)  # the first request warms per-process caches (content types, settings)
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, data)
    assert response.status_code == 200, path
    return len(context.captured_queries)


def languages_of(site) -> int:
    return len(SiteBranding.for_site(site).language_codes)


@pytest.mark.parametrize("hostname", DEMO_HOSTS)
def test_every_page_stays_within_its_budget(hostname):
    site = Site.objects.get(hostname=hostname)
    client = site_client(hostname)
    two_languages = languages_of(site) > 1
    homes = Page.objects.filter(translation_key=site.root_page.translation_key).live()
    for home in homes:
        in_source = home.pk == site.root_page.pk
        for page in home.get_descendants(inclusive=True).live().specific():
            one, two, translated = BUDGETS[type(page).__name__]
            budget = (two if two_languages else one) if in_source else translated
            if isinstance(page, HomePage) and hostname in HOMES_WITH_THE_SEARCH:
                budget += 1
            path = page.get_url_parts()[2]
            assert queries_for(client, path) <= budget, path


def photo(title: str) -> Image:
    """A small real JPEG: its sizes are made on the first view, as a new upload's are."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (160, 90), (29, 53, 87)).save(buffer, format="JPEG")
    return Image.objects.create(title=title, file=ImageFile(buffer, name=f"{title}.jpg"))


def harbor_index(language="en") -> NewsIndexPage:
    home = Site.objects.get(hostname=HOST).root_page
    index = NewsIndexPage.objects.child_of(home).get(slug="stories")
    return NewsIndexPage.objects.get(
        translation_key=index.translation_key, locale__language_code=language
    )


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def story(parent, slug, *, kind=NewsStoryPage, hero=None, body=(), share=False, day=1):
    fields = {"share_with_network": share} if kind is NewsStoryPage else {}
    return publish(
        parent,
        kind(
            title=slug.replace("-", " ").title(),
            slug=slug,
            date=datetime.date(2099, 1, day),
            summary="A story.",
            hero_image=hero,
            body=[{"type": "text", "value": "<p>Intro</p>"}, *body],
            **fields,
        ),
    )


def every_kind_of_block(n, *, hotlines, appeals, stories, images, pages):
    """n of each block readers see, choosing (in turn) among the things given."""
    hotline, appeal, chosen, image, page = (
        itertools.cycle(things) for things in (hotlines, appeals, stories, images, pages)
    )
    body = []
    for i in range(n):
        body += [
            {
                "type": "hotline_panel",
                "value": {"heading": f"Panel {i}", "hotlines": [next(hotline) for _ in range(3)]},
            },
            {"type": "donation_appeal", "value": {"appeal": next(appeal), "show_progress": True}},
            {
                "type": "related_stories",
                "value": {"heading": "More", "stories": [next(chosen) for _ in range(3)]},
            },
            {
                "type": "image",
                "value": {
                    "image": {"image": next(image), "alt_text": "A lantern", "decorative": False},
                    "caption": "",
                    "credit": "",
                },
            },
            {
                "type": "call_to_action",
                "value": {"heading": "Act", "text": "", "button_label": "Go", "page": next(page)},
            },
            {"type": "fact", "value": {"figure": str(i), "label": "things", "source": ""}},
            {"type": "tips", "value": {"heading": "Tips", "items": ["One", "Two"]}},
            {"type": "quote", "value": {"quote": "You are not alone.", "attribution": ""}},
        ]
    return body


def test_a_plain_story_costs_ten_queries_at_most():
    """The issue's target: an uncached story page in at most ten queries."""
    for hostname in ("ridge.localhost", HOST):  # one language; two
        site = Site.objects.get(hostname=hostname)
        index = NewsIndexPage.objects.child_of(site.root_page).get()
        tips = {"type": "tips", "value": {"heading": "Tips", "items": ["Trust your instincts."]}}
        page = story(index, "plain", hero=photo("plain"), body=[tips])
        count = queries_for(site_client(hostname), page.get_url_parts()[2])
        assert count == PLAIN_STORY[languages_of(site)] <= 10, hostname


@pytest.fixture
def chosen():
    return things_to_choose()


def things_to_choose() -> dict:
    """What blocks choose: every hotline and appeal of the network in English (most translated
    into Spanish), stories with pictures (half of them translated), images, pages to lead to."""
    index, index_es = harbor_index(), harbor_index("es")
    stories = []
    for n in range(6):
        original = story(index, f"chosen-{n}", hero=photo(f"chosen-{n}"), day=2 + n)
        stories.append(original.pk)
        if n % 2 == 0:  # half of them in Spanish too
            translation = original.copy_for_translation(index_es.locale)
            translation.save_revision().publish()
    return {
        "hotlines": list(
            Hotline.objects.filter(locale__language_code="en").values_list("pk", flat=True)
        ),
        "appeals": list(
            DonationAppeal.objects.filter(locale__language_code="en").values_list("pk", flat=True)
        ),
        "stories": stories,
        "images": [photo(f"block-{n}").pk for n in range(4)],
        "pages": list(Page.objects.child_of(index.get_parent()).values_list("pk", flat=True)),
    }


@pytest.mark.parametrize("language", ["en", "es"])
def test_story_queries_do_not_grow_with_blocks_hotlines_stories_or_pictures(chosen, language):
    """One of each kind of block, or twelve of each choosing many more things: the same count,
    in the source language and read in Spanish (each block's things in Spanish where
    translated, all of a kind in one query)."""
    index = harbor_index(language)
    small = every_kind_of_block(
        1,
        **{key: values[:1] for key, values in chosen.items() if key != "stories"},
        stories=chosen["stories"][:3],
    )
    large = every_kind_of_block(12, **chosen)
    client = site_client(HOST)
    few = story(index, "few-blocks", hero=photo("few"), body=small)
    many = story(index, "many-blocks", hero=photo("many"), body=large)
    counts = [queries_for(client, page.get_url_parts()[2]) for page in (few, many)]
    assert counts == [EVERY_KIND_OF_BLOCK[language]] * 2


def test_spanish_blocks_show_spanish_words(chosen):
    """What the batching must keep: a Spanish page shows the Spanish hotline, appeal and story
    where there is one, the English one where there is none."""
    english = Locale.objects.get(language_code="en")
    hotline, appeal = (
        model.objects.filter(locale__language_code="es").first().get_translation(english)
        for model in (Hotline, DonationAppeal)
    )
    untranslated = Page.objects.get(pk=chosen["stories"][1])
    body = every_kind_of_block(
        2,
        hotlines=[hotline.pk],
        appeals=[appeal.pk],
        stories=chosen["stories"][:3],
        images=chosen["images"],
        pages=chosen["pages"],
    )
    page = story(harbor_index("es"), "en-espanol", body=body)
    html = site_client(HOST).get(page.get_url_parts()[2]).content.decode()
    spanish = {
        kind: obj.get_translation(page.locale) for kind, obj in (("h", hotline), ("a", appeal))
    }
    assert spanish["h"].name in html and spanish["a"].headline in html
    translated = Page.objects.get(pk=chosen["stories"][0]).get_translation(page.locale)
    assert translated.get_url_parts()[2] in html  # the related story in Spanish
    assert untranslated.get_url_parts()[2] in html  # and one not translated, in English


def test_home_page_queries_do_not_grow_with_featured_stories():
    """The newest stories, one chosen story or three, each with its picture: the same count."""
    home = HomePage.objects.get(pk=Site.objects.get(hostname=HOST).root_page.pk)
    index = harbor_index()
    stories = [
        story(index, f"featured-{n}", hero=photo(f"featured-{n}"), day=n + 1) for n in range(3)
    ]
    client = site_client(HOST)
    counts = []
    for featured in ([], stories[:1], stories):
        home.featured = [("story", page) for page in featured]
        home.save_revision().publish()
        counts.append(queries_for(client, "/en/"))
    # The demo's home page, whose hero and related stories have pictures already: the featured
    # stories' sizes cost nothing more.
    assert counts == [BUDGETS["HomePage"][1]] * 3


def test_stories_index_queries_do_not_grow_with_stories_or_their_pictures():
    """A stories index with one story or twelve (news and articles), each with a picture."""
    home = Site.objects.get(hostname=HOST).root_page
    counts = []
    for n in (1, 12):
        index = publish(home, NewsIndexPage(title=f"Stories {n}", slug=f"stories-{n}"))
        for i in range(n):
            kind = NewsStoryPage if i % 2 == 0 else AwarenessArticlePage
            story(index, f"story-{n}-{i}", kind=kind, hero=photo(f"story-{n}-{i}"), day=i + 1)
        counts.append(queries_for(site_client(HOST), index.get_url_parts()[2]))
    # Routing (4), branding, language links, help bar, menu (4), the Donate button (1), the
    # stories (2: how many, which), partners' placements (1, none here), the pictures' sizes (1).
    assert counts == [13, 13]


def test_partner_stories_do_not_grow_the_index_queries():
    """A stories index showing one partner's story or six, each with its picture."""
    site = Site.objects.get(hostname="pines.localhost")
    index = NewsIndexPage.objects.child_of(site.root_page).get()
    shared = [
        story(harbor_index(), f"shared-{n}", hero=photo(f"shared-{n}"), share=True, day=n + 1)
        for n in range(6)
    ]
    client = site_client("pines.localhost")
    counts = []
    for placed in (shared[:1], shared[1:]):
        for n, page in enumerate(placed):
            SharedStory.objects.create(index=index, story=page, sort_order=n)
        counts.append(queries_for(client, index.get_url_parts()[2]))
    # As above, with the partners' stories (1) and the sizes of their pictures (1), and the
    # sizes of the pictures of the index's own stories (1: the demo's stories have pictures).
    assert counts == [15, 15]


@pytest.mark.parametrize(("path", "budget"), [("/en/find-help/", 11), ("/es/encontrar-ayuda/", 12)])
def test_find_help_search_queries_do_not_grow_with_results(path, budget):
    """A search that finds a few resources, then many more (local, statewide, national, and
    state hotlines): the same count, the form's page and two queries for the search."""
    client = site_client(HOST)
    search = {"zip": "90012", "service": ""}
    before = queries_for(client, path, search)
    for n in range(20):
        area = [HelpResource.Area.LOCAL, HelpResource.Area.STATES, HelpResource.Area.NATIONAL][
            n % 3
        ]
        HelpResource.objects.create(
            organisation=f"Resource {n}",
            services=["shelter"],
            phone="(213) 555-0100",
            area=area,
            states="" if area == HelpResource.Area.NATIONAL else "CA",
            zip_prefixes="900" if area == HelpResource.Area.LOCAL else "",
            last_verified=timezone.localdate() - datetime.timedelta(days=30),
        )
        Hotline.objects.create(
            name=f"California line {n}",
            phone="(213) 555-0101",
            coverage=Hotline.Coverage.STATE,
            states="CA",
        )
    after = queries_for(client, path, search)
    assert before == after == budget


def test_privacy_is_still_checked_for_pages_below_a_private_one_and_for_aliases():
    """What routing now learns in its own query (whether a page or one above it is private)
    must keep every private page private: below a private index, and an alias of a private
    story placed under a public index (an alias has its source's privacy)."""
    home = Site.objects.get(hostname=HOST).root_page
    private = publish(home, NewsIndexPage(title="Staff only", slug="staff-only"))
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    below = story(private, "below-a-private-index")
    secret = story(harbor_index(), "behind-a-password")
    PageViewRestriction.objects.create(
        page=secret, restriction_type=PageViewRestriction.PASSWORD, password="pw"
    )
    elsewhere = publish(home, NewsIndexPage(title="Elsewhere", slug="elsewhere"))
    alias = secret.create_alias(parent=elsewhere)
    client = site_client(HOST)
    assert client.get(below.get_url_parts()[2]).status_code == 302  # to the sign-in
    for page in (secret, alias):
        response = client.get(page.get_url_parts()[2])
        assert response.status_code == 200 and 'type="password"' in response.content.decode()
        assert "Behind A Password" not in response.content.decode()
