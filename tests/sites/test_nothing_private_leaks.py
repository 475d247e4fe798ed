"""Nothing private leaks: no draft, unpublished, restricted or expired page, no draft of a live
page, and no admin or preview address reaches readers, search, sitemaps, feeds or the API.

One fixture makes, once for the module, every kind of private page on harbor.localhost, under
its stories index, each with its own made-up word in its title, slug, summary, body and tag;
each test looks for those words where a reader (or a partner's front end, or a crawler) could
find them.

Alongside: tests/sites/api/test_public_api.py (the API listing and detail of a draft, a
password-protected and an expired page), tests/sites/test_search.py (a draft is not found),
tests/sites/test_feeds_and_sitemaps.py (a draft stays out of the index feeds; the sitemap is
exactly the live public pages) and tests/sites/test_userbar.py (editors get the userbar,
readers do not).
"""

import datetime
import re
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest

from django.utils import timezone

from wagtail.models import Locale, Page, PageViewRestriction, Site

from sites.content.pages import NewsIndexPage, NewsStoryPage
from sites.content.sharing import SharedStory
from tests.conftest import made_for_module, site_client

pytestmark = pytest.mark.django_db

HOST = "harbor.localhost"
PARTNER = "pines.localhost"  # shows harbor's shared stories on its own stories index
# Newer than every demo story, so a leak would put them first in every listing and feed.
NEWEST = datetime.date(2031, 1, 1)

# One made-up word per private page: in its title, slug, summary, body and tag.
MARKERS = {
    "draft": "Vellichorn",  # never published
    "unpublished": "Quoralith",  # published, then unpublished
    "draft_revision": "Zibbetine",  # the unpublished changes of a live page
    "password": "Thornwhistle",  # live, behind a password
    "login": "Lockmeadow",  # live, for logged-in users only
    "expired": "Ambervane",  # live, but its expiry time has passed
    "spanish_draft": "Borradorix",  # a live story's Spanish translation, still a draft
}
# The published words of the page whose draft holds MARKERS["draft_revision"].
LIVE_WORD = "Marrowlark"
# The pages a reader may not see at their own address; the others are live and public.
HIDDEN = ["draft", "unpublished", "password", "login", "expired", "spanish_draft"]


@dataclass
class PrivatePages:
    index: NewsIndexPage
    pages: dict[str, Page] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)  # each page's address on the site


def site(hostname=HOST):
    return Site.objects.get(hostname=hostname)


def new_story(word: str) -> NewsStoryPage:
    story = NewsStoryPage(
        title=f"The {word} story",
        slug=f"{word.lower()}-story",
        date=NEWEST,
        summary=f"A summary that says {word}.",
        body=[{"type": "text", "value": f"<p>A body that says {word} twice: {word}.</p>"}],
        show_in_menus=True,
        share_with_network=True,
    )
    return story


def add_live_story(index: Page, word: str) -> NewsStoryPage:
    story = new_story(word)
    index.add_child(instance=story)
    story.tags.add(word.lower())
    story.save_revision().publish()
    story.refresh_from_db()
    return story


@pytest.fixture(scope="module")
def private(django_db_setup, django_db_blocker):
    """Made once for the module: every test here only reads."""
    yield from made_for_module(django_db_blocker, make_private_pages)


def make_private_pages() -> PrivatePages:
    index = NewsIndexPage.objects.child_of(site().root_page).get()
    made = PrivatePages(index=index)

    draft = new_story(MARKERS["draft"])
    draft.live = False
    index.add_child(instance=draft)
    draft.tags.add(MARKERS["draft"].lower())
    draft.save_revision()
    made.pages["draft"] = draft

    unpublished = add_live_story(index, MARKERS["unpublished"])
    unpublished.unpublish()
    made.pages["unpublished"] = unpublished

    changed = add_live_story(index, LIVE_WORD)
    changed = NewsStoryPage.objects.get(pk=changed.pk)
    secret = MARKERS["draft_revision"]
    changed.title = f"The {secret} story"
    changed.summary = f"A summary that says {secret}."
    changed.body = [{"type": "text", "value": f"<p>A body that says {secret}.</p>"}]
    changed.search_description = f"Described as {secret}."
    changed.seo_title = f"{secret} for search engines"
    changed.tags.add(secret.lower())
    changed.save_revision()
    made.pages["draft_revision"] = changed

    for kind, restriction in (
        ("password", PageViewRestriction.PASSWORD),
        ("login", PageViewRestriction.LOGIN),
    ):
        page = add_live_story(index, MARKERS[kind])
        PageViewRestriction.objects.create(
            page=page,
            restriction_type=restriction,
            password="pw" if restriction == PageViewRestriction.PASSWORD else "",
        )
        made.pages[kind] = page

    expired = add_live_story(index, MARKERS["expired"])
    Page.objects.filter(pk=expired.pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    made.pages["expired"] = expired

    made.pages["spanish_draft"] = spanish_draft_translation(index)

    # Each was shared with the network while live, and placed on a partner's stories index.
    partner_index = NewsIndexPage.objects.child_of(site(PARTNER).root_page).get()
    for kind in ("draft", "unpublished", "draft_revision", "password", "login", "expired"):
        SharedStory.objects.create(
            index=partner_index, story=made.pages[kind], show_from=timezone.now()
        )

    for kind, page in made.pages.items():
        made.paths[kind] = Page.objects.get(pk=page.pk).get_url_parts()[2]
    return made


def spanish_draft_translation(index: Page) -> NewsStoryPage:
    """A live English story translated into Spanish the way editors do (wagtail-localize), with
    the translation not yet published (WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE is off)."""
    from wagtail_localize.operations import translate_object

    source = add_live_story(index, "Translatable")
    spanish = Locale.objects.get(language_code="es")
    translate_object(source, [spanish])
    page = source.get_translation(spanish)
    assert not page.live
    word = MARKERS["spanish_draft"]
    page.title = f"La historia {word}"
    page.slug = f"{word.lower()}-historia"
    page.summary = f"Un resumen que dice {word}."
    page.body = [{"type": "text", "value": f"<p>Un texto que dice {word}.</p>"}]
    page.save()
    page.save_revision()
    return page


def get(url, **params):
    return site_client(HOST).get(url, params)


def text(response) -> str:
    return response.content.decode()


def leaked(content: str, *echoes: str) -> list[str]:
    """The private words in `content` (case-insensitive: slugs and tags are lower case), once
    the reader's own words said back to them (`echoes`: what they typed or followed) are taken
    out."""
    for echo in echoes:
        for form in {echo, quote(echo, safe=""), quote(echo)}:
            content = content.replace(form, "")
    return [word for word in MARKERS.values() if word.lower() in content.lower()]


# Reader pages --------------------------------------------------------------------------------

READER_PAGES = [
    "/en/",
    "/es/",
    "/en/stories/",
    "/en/stories/?page=2",
    "/es/historias/",
    "/en/find-help/",
    "/en/search/?q=story",
    "/en/search/?q=historia",
    "/es/search/?q=historia",
]


@pytest.mark.parametrize("url", READER_PAGES)
def test_reader_pages_show_no_private_page(private, url):
    response = get(url)
    assert response.status_code == 200
    assert leaked(text(response)) == []


def test_every_live_story_of_the_index_shows_no_private_page(private):
    stories = (
        Page.objects.live().public().child_of(private.index).exclude(pk=private.pages["expired"].pk)
    )
    assert stories.count() >= 4
    for story in stories:
        response = get(story.get_url_parts()[2])
        assert response.status_code == 200, story.url_path
        assert leaked(text(response)) == [], story.url_path


@pytest.mark.parametrize("tag", [word.lower() for word in MARKERS.values()])
def test_the_index_filtered_by_a_private_pages_tag_lists_nothing(private, tag):
    html = text(get("/en/stories/", tag=tag))
    assert "No stories here yet." in html
    assert leaked(html, f"tag={tag}", f"tagged “{tag}”") == []


def test_the_index_filtered_by_the_live_pages_tag_lists_it(private):
    html = text(get("/en/stories/", tag=LIVE_WORD.lower()))
    assert f"The {LIVE_WORD} story" in html


def test_the_live_page_shows_its_published_words_not_its_draft(private):
    html = text(get(private.paths["draft_revision"]))
    assert LIVE_WORD in html
    assert leaked(html) == []
    assert LIVE_WORD in text(get("/en/stories/"))


@pytest.mark.parametrize("kind", HIDDEN)
def test_a_private_pages_own_address_gives_nothing_away(private, kind):
    response = get(private.paths[kind])
    if kind == "password":
        assert response.status_code == 200  # Wagtail's password form, and nothing of the page
        assert 'type="password"' in text(response)
    elif kind == "login":
        assert response.status_code == 302
        assert "/admin/" not in response["Location"]
    else:
        assert response.status_code == 404, (kind, response.status_code)
    # The password form sends the reader back to the address they asked for: no more than that.
    assert leaked(text(response), private.paths[kind]) == [], kind


@pytest.mark.parametrize("kind", HIDDEN)
def test_a_private_pages_address_without_its_language_gives_nothing_away(private, kind):
    """An old link without /en/ or /es/ is redirected, then treated like the address above."""
    path = private.paths[kind].split("/", 2)[2]
    response = site_client(HOST).get(f"/{path}", follow=True)
    assert response.status_code in (200, 404)
    assert leaked(text(response), private.paths[kind]) == [], kind


@pytest.mark.parametrize("url", ["/en/learn/", "/en/learn/feed/", "/feed/", "/sitemap.xml"])
def test_a_partner_showing_the_shared_stories_shows_none_of_the_private_ones(private, url):
    response = site_client(PARTNER).get(url)
    assert response.status_code == 200
    assert leaked(text(response)) == []


def test_a_partner_shows_the_shared_live_page_as_published(private):
    html = text(site_client(PARTNER).get("/en/learn/"))
    assert LIVE_WORD in html and MARKERS["draft_revision"] not in html


def test_a_partner_index_in_the_api_lists_no_private_shared_story(private):
    detail = site_client(PARTNER).get("/api/pages/find", {"path": "/learn/"})
    assert detail.status_code == 200
    shared = text(detail)
    assert LIVE_WORD in shared
    assert leaked(shared) == []


# Search --------------------------------------------------------------------------------------


def search_results(path, query):
    response = get(path, q=query)
    assert response.status_code == 200
    html = text(response)
    results = re.search(r'<ol class="search-results">(.*?)</ol>', html, re.S)
    return html, results.group(1) if results else None


@pytest.mark.parametrize("kind", list(MARKERS))
@pytest.mark.parametrize("path", ["/en/search/", "/es/search/"])
def test_searching_for_a_private_pages_words_finds_nothing(private, kind, path):
    word = MARKERS[kind]
    html, results = search_results(path, word)
    assert results is None, (word, results)
    assert f'value="{word}"' in html  # the reader's own words, in the search box again
    assert leaked(html, word) == []


def test_searching_for_the_live_words_finds_the_live_page_as_published(private):
    _, results = search_results("/en/search/", LIVE_WORD)
    assert results is not None and LIVE_WORD in results
    assert leaked(results) == []


# Sitemap, feeds and API ----------------------------------------------------------------------

LISTINGS = [
    "/sitemap.xml",
    "/feed/",
    "/feed/atom/",
    "/en/stories/feed/",
    "/en/stories/feed/atom/",
    "/es/historias/feed/",
    "/es/historias/feed/atom/",
    "/api/pages?limit=100",
    "/api/pages?limit=100&locale=es",
    "/api/pages?limit=100&type=news_story&order=-last_published_at",
    "/api/site",
    "/api/site?locale=es",
    "/api/pages/find?path=/",  # the home page, with its featured stories
    "/api/pages/find?path=/stories/",
    "/api/pages/find?path=/es/",
    "/api/pages/find?path=/es/historias/",
]


@pytest.mark.parametrize("url", LISTINGS)
def test_sitemaps_feeds_and_api_listings_show_no_private_page(private, url):
    response = site_client(HOST).get(url)
    assert response.status_code == 200
    assert leaked(text(response)) == []


@pytest.mark.parametrize(
    "url", ["/sitemap.xml", "/feed/", "/feed/atom/", "/en/stories/feed/", "/api/pages?limit=100"]
)
def test_the_live_page_is_listed_with_its_published_words(private, url):
    assert LIVE_WORD.lower() in text(site_client(HOST).get(url)).lower()  # the sitemap: its slug


@pytest.mark.parametrize("kind", list(MARKERS))
def test_the_api_lists_nothing_under_a_private_pages_tag(private, kind):
    data = get("/api/pages", tag=MARKERS[kind].lower()).json()
    assert data["count"] == 0 and data["items"] == []


@pytest.mark.parametrize("kind", HIDDEN)
def test_the_api_answers_404_for_a_private_page_by_id_and_by_path(private, kind):
    page = private.pages[kind]
    by_id = get(f"/api/pages/{page.pk}")
    by_path = get("/api/pages/find", path=private.paths[kind])
    assert by_id.status_code == by_path.status_code == 404
    assert leaked(text(by_id) + text(by_path), private.paths[kind]) == []


def test_the_api_gives_a_live_page_as_published_not_its_draft(private):
    page = private.pages["draft_revision"]
    by_id = get(f"/api/pages/{page.pk}")
    by_path = get("/api/pages/find", path=private.paths["draft_revision"])
    assert by_id.status_code == by_path.status_code == 200
    for response in (by_id, by_path):
        assert LIVE_WORD in text(response)
        assert leaked(text(response)) == []


def test_the_api_children_of_the_index_are_its_live_public_stories(private):
    items = get("/api/pages", parent=private.index.pk, limit=100).json()["items"]
    ids = {item["id"] for item in items}
    assert private.pages["draft_revision"].pk in ids
    assert not ids & {private.pages[kind].pk for kind in HIDDEN}


# No admin or preview address reaches readers -------------------------------------------------

ADDRESS = re.compile(r"""(?:href|src|action|formaction|content)\s*=\s*["']([^"']*)["']""", re.I)


def admin_or_preview_addresses(html: str) -> list[str]:
    addresses = [url for url in ADDRESS.findall(html) if "preview" in url.lower()]
    if "/admin/" in html:
        addresses.append("/admin/")
    return addresses


@pytest.mark.parametrize(
    "url",
    [
        "/en/",
        "/es/",
        "/en/stories/",
        "/en/stories/mayas-story/",
        "/es/historias/la-historia-de-maya/",
        "/en/search/?q=children",
        "/en/search/?q=preview",
        "/en/find-help/",
        "/en/find-help/?zip=90012&service=&language=&open_now=on",
        "/en/browse-more-safely/",
        "/en/no-such-page/",
    ],
)
def test_reader_pages_carry_no_admin_or_preview_address_nor_userbar(url):
    response = site_client(HOST).get(url)
    assert response.status_code in (200, 404)
    html = text(response)
    assert admin_or_preview_addresses(html) == []
    assert "wagtail-userbar" not in html and "userbar" not in html.lower()


def test_the_password_form_of_a_restricted_page_carries_no_admin_address(private):
    html = text(get(private.paths["password"]))
    assert admin_or_preview_addresses(html) == []
    assert "wagtail-userbar" not in html
