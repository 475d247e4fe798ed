"""Each worker's site chrome (sites.chrome): the same pages as without it, in fewer queries,
and every change an editor makes shows on the very next request, with the page cache off."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Locale, Page, PageViewRestriction, Site

from blocks.hotline import Hotline
from sites.branding import SiteBranding
from sites.caching import memo
from sites.languages import home_pages
from sites.pages import StandardPage
from tests.conftest import logged_in, site_client

pytestmark = pytest.mark.django_db

HARBOR = "harbor.localhost"
STORY = "/en/stories/eight-children-safe-in-two-weeks/"


@pytest.fixture(autouse=True)
def chrome(kept_by_workers):
    """The chrome cache on, as in production, and the page cache off: every page rendered."""
    yield
    memo.clear()


def text(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def reader_addresses() -> list[tuple[str, str]]:
    """(host, path) of every live page of every demo site in every language, and addresses
    that are not pages."""
    found = []
    for site in Site.objects.all():
        for home in home_pages(site).values():
            for page in Page.objects.live().descendant_of(home, inclusive=True).specific():
                found.append((site.hostname, page.get_url_parts()[2]))
        found += [(site.hostname, "/en/no-such-page/"), (site.hostname, "/es/stories/nope/")]
    return found


def test_every_reader_page_is_the_same_with_and_without_the_chrome_cache(settings):
    addresses = reader_addresses()
    assert len(addresses) > 40, "the demo network's pages, on every site and language"
    kept = {}
    for _ in range(2):  # built, then from what the worker kept
        for host, path in addresses:
            response = site_client(host).get(path)
            kept[host, path] = (response.status_code, response.content)
    settings.LANTERN_CHROME_CACHE = False
    for host, path in addresses:
        response = site_client(host).get(path)
        assert (response.status_code, response.content) == kept[host, path], (host, path)


def queries(client, path) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_chrome_saves_the_queries_of_site_branding_home_menu_and_help_lines(settings):
    reader = site_client(HARBOR)
    with_chrome = {path: queries(reader, path) for path in ("/en/", STORY, "/en/find-help/")}
    settings.LANTERN_CHROME_CACHE = False
    without = {path: queries(reader, path) for path in with_chrome}
    for path, count in with_chrome.items():
        # One query checks the kept chrome's versions; the site, the language, the home page,
        # the branding, the help lines, the menu and the home page's child are not loaded.
        assert count <= without[path] - 5, (path, count, without[path])


def test_a_branding_change_shows_on_the_next_request(change):
    reader = site_client(HARBOR)
    assert "#123456" not in text(reader, STORY)
    branding = SiteBranding.objects.get(site__hostname=HARBOR)
    branding.primary_colour = "#123456"
    change(branding.save)
    assert "#123456" in text(reader, STORY)


def test_words_on_every_page_follow_the_home_page_when_it_is_published(change):
    reader = site_client(HARBOR)
    text(reader, STORY)
    home = Site.objects.get(hostname=HARBOR).root_page.specific
    home.footer_text = "Open every day, all day."
    change(lambda: home.save_revision().publish())
    assert "Open every day, all day." in text(reader, STORY)


def test_a_page_published_into_the_menu_shows_in_it_and_is_found(change):
    reader = site_client(HARBOR)
    assert "Volunteer with us" not in text(reader, STORY)
    home = Site.objects.get(hostname=HARBOR).root_page
    page = StandardPage(title="Volunteer with us", slug="volunteer", show_in_menus=True)
    change(home.add_child, instance=page)
    assert reader.get("/en/volunteer/").status_code == 404, "a draft is not found"
    change(lambda: page.save_revision().publish())
    assert "Volunteer with us" in text(reader, STORY)
    assert "Volunteer with us" in text(reader, "/en/volunteer/")
    change(page.unpublish)
    assert "Volunteer with us" not in text(reader, STORY)
    assert reader.get("/en/volunteer/").status_code == 404


def test_a_section_made_private_is_private_at_once(change):
    reader = site_client(HARBOR)
    text(reader, STORY), text(reader, "/en/stories/")
    stories = Site.objects.get(hostname=HARBOR).root_page.get_children().get(slug="stories")
    change(
        PageViewRestriction.objects.create,
        page=stories,
        restriction_type=PageViewRestriction.PASSWORD,
        password="s3cret-enough",
    )
    for path in ("/en/stories/", STORY):
        response = reader.get(path)
        assert response.status_code == 200, path
        assert "eight children" not in response.content.decode().lower(), path
        assert 'name="password"' in response.content.decode(), path


def test_a_pinned_hotline_shows_on_every_page_at_once(change, national_hotline):
    reader = site_client(HARBOR)
    assert "(800) 555-0123" not in text(reader, STORY)
    line = Hotline(name="Crisis text line", phone="(800) 555-0123", pinned=True)
    change(line.save)
    assert "(800) 555-0123" in text(reader, STORY)


def test_a_renamed_host_is_served_under_its_new_name_only(change):
    reader = site_client(HARBOR)
    text(reader, STORY)
    site = Site.objects.get(hostname=HARBOR)
    site.hostname = "haven.localhost"
    change(site.save)
    assert site_client("haven.localhost").get(STORY).status_code == 200
    assert reader.get(STORY).status_code != 200


def test_editors_get_everything_afresh(moderator_a):
    """A change that sends no signal (a bulk update) is never seen by readers' workers until
    something purges it; an editor's request never uses what workers keep."""
    reader, editor = site_client(HARBOR), logged_in(moderator_a)
    editor.defaults["HTTP_HOST"] = HARBOR
    text(reader, STORY)
    SiteBranding.objects.filter(site__hostname=HARBOR).update(primary_colour="#654321")
    assert "#654321" in text(editor, STORY)
    assert "#654321" not in text(reader, STORY)


def test_nothing_is_kept_with_the_chrome_cache_off(settings):
    settings.LANTERN_CHROME_CACHE = False
    reader = site_client(HARBOR)
    text(reader, STORY)
    SiteBranding.objects.filter(site__hostname=HARBOR).update(primary_colour="#654321")
    assert "#654321" in text(reader, STORY)


def test_chrome_built_while_a_tag_was_bumped_is_not_kept(monkeypatch):
    """A change committed while the chrome was being built may not be in it: it is used for
    that request only, and the next request builds it again."""
    reader = site_client(HARBOR)
    checked = []
    with monkeypatch.context() as patch:
        patch.setattr(memo.store, "fresh_since", lambda *args: checked.append(args) or False)
        text(reader, STORY)
        text(reader, STORY)
    assert len(checked) == 2, "built twice: the first was not kept"
    text(reader, STORY)
    with CaptureQueriesContext(connection) as kept:
        text(reader, STORY)
    assert not any("wagtailcore_site" in query["sql"] for query in kept), "kept once fresh"


def test_a_hotline_translated_later_shows_in_its_language(change):
    reader = site_client(HARBOR)
    english = Hotline.objects.get(owner__hostname=HARBOR, locale__language_code="en")
    spanish = Hotline.objects.filter(
        translation_key=english.translation_key, locale__language_code="es"
    ).first() or english.copy_for_translation(Locale.objects.get(language_code="es"))
    assert "Línea de Harbor" not in help_bar(text(reader, "/es/"))
    spanish.name = "Línea de Harbor"
    change(spanish.save)
    assert "Línea de Harbor" in help_bar(text(reader, "/es/"))
    assert "Línea de Harbor" not in help_bar(text(reader, "/en/"))


def help_bar(html: str) -> str:
    """The help lines at the top of every page (not a hotline panel in the page's body)."""
    start = html.index('<aside class="help-bar"')
    return html[start : html.index("</aside>", start)]


def pines_listing_of_a_harbor_story(change) -> tuple:
    """Harbor's story shared onto Pines' stories listing, which links to it on Harbor's site."""
    from sites.pages import NewsIndexPage, NewsStoryPage
    from sites.sharing import SharedStory

    def index_of(hostname):
        return NewsIndexPage.objects.child_of(Site.objects.get(hostname=hostname).root_page).get()

    story = NewsStoryPage.objects.descendant_of(index_of(HARBOR)).get(slug="mayas-story")
    story.share_with_network = True
    change(lambda: story.save_revision().publish())
    change(SharedStory.objects.create, index=index_of("pines.localhost"), story=story)
    return site_client("pines.localhost"), index_of("pines.localhost").get_url_parts()[2], story


def test_links_to_another_site_follow_its_new_host_name(change):
    """Every site's root address is kept with each chrome: another site's change reaches it."""
    reader, listing, story = pines_listing_of_a_harbor_story(change)
    assert f'href="http://{HARBOR}/en/stories/{story.slug}/"' in text(reader, listing)
    harbor = Site.objects.get(hostname=HARBOR)
    harbor.hostname = "haven.localhost"
    change(harbor.save)
    html = text(reader, listing)
    assert f'href="http://haven.localhost/en/stories/{story.slug}/"' in html
    assert f"http://{HARBOR}/" not in html


def test_links_to_another_site_follow_its_home_page_given_a_new_slug(change):
    """A site's root path moves with its home page's slug: kept roots from before would match
    no page under it, and its stories would lose their links."""
    reader, listing, story = pines_listing_of_a_harbor_story(change)
    text(reader, listing)
    home = Site.objects.get(hostname=HARBOR).root_page.specific
    home.slug = "harbor-light-home"
    change(lambda: home.save_revision().publish())
    assert f'href="http://{HARBOR}/en/stories/{story.slug}/"' in text(reader, listing)


def test_pages_and_the_api_read_no_site_roots_once_the_chrome_is_kept(monkeypatch):
    """Wagtail reads its site roots from the cache (Redis) for each page that links anywhere;
    a kept chrome holds them, checked with the rest of it."""
    reader = site_client(HARBOR)
    paths = ("/en/", STORY, "/en/stories/", "/api/pages?limit=20")
    for path in paths:
        assert reader.get(path).status_code == 200, path
    read = []
    original = Site.get_site_root_paths
    monkeypatch.setattr(Site, "get_site_root_paths", lambda: read.append(1) or original())
    for path in paths:
        assert reader.get(path).status_code == 200, path
    assert read == []
    memo.clear()
    assert reader.get(STORY).status_code == 200
    assert read, "read again when the chrome is built again"
