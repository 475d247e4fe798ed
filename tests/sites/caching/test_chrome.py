"""Each worker's site chrome (sites.serving.chrome): the same pages as without it, in fewer queries,
and every change an editor makes shows on the very next request, with the page cache off."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Locale, Page, PageViewRestriction, Site

from blocks.hotline import Hotline
from sites.caching import memo
from sites.content.branding import SiteBranding
from sites.content.pages import StandardPage
from sites.serving.languages import home_pages
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
    """A change committed while the chrome (or the story routing found, or its kept body) was
    being built may not be in it: it is used for that request only, and the next request builds
    it again."""
    reader = site_client(HARBOR)
    checked = []
    with monkeypatch.context() as patch:
        patch.setattr(memo.store, "fresh_since", lambda *args: checked.append(args) or False)
        text(reader, STORY)
        text(reader, STORY)
    assert len(checked) == 6, "chrome, story and body built twice each: none kept the first time"
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
    from sites.content.pages import NewsIndexPage, NewsStoryPage
    from sites.content.sharing import SharedStory

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


def panel_story(change, hotlines, slug="with-a-panel"):
    """A live Harbor story whose body is a hotline panel choosing `hotlines`, with its Spanish
    translation published too."""
    from sites.content.pages import NewsIndexPage, NewsStoryPage

    index = NewsIndexPage.objects.child_of(Site.objects.get(hostname=HARBOR).root_page).get()
    panel = {"heading": "Call now", "hotlines": [line.pk for line in hotlines]}
    page = NewsStoryPage(
        title="With a panel",
        slug=slug,
        summary="A story with a hotline panel.",
        body=[{"type": "hotline_panel", "value": panel}],
    )
    change(index.add_child, instance=page)
    change(lambda: page.save_revision().publish())
    spanish = page.copy_for_translation(Locale.objects.get(language_code="es"))
    change(lambda: spanish.save_revision().publish())
    return page.get_url_parts()[2], spanish.get_url_parts()[2]


def panel(html: str) -> str:
    start = html.index('<section class="hotline-panel"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def night_line(change):
    line = Hotline(name="Harbor night line", phone="(555) 010-0101", is_24_7=True)
    change(line.save)
    return line


def test_hotlines_chosen_in_blocks_are_loaded_once_per_worker(change, night_line, national_hotline):
    """Any page's hotline panel shows the hotlines the site's chrome keeps: no query for them
    once one page has shown them, in either language (the national line in Spanish there)."""
    english, spanish = panel_story(change, [night_line, national_hotline])
    national_es = Hotline.objects.get(
        translation_key=national_hotline.translation_key, locale__language_code="es"
    )
    reader = site_client(HARBOR)
    for path, national in ((english, national_hotline.name), (spanish, national_es.name)):
        shown = panel(text(reader, path))
        assert shown.index("Harbor night line") < shown.index(national), path
        with CaptureQueriesContext(connection) as captured:
            assert panel(text(reader, path)) == shown, path
        assert not any("blocks_hotline" in query["sql"] for query in captured), path


def test_a_chosen_hotline_changed_shows_in_every_panel_at_once(change, night_line):
    english, spanish = panel_story(change, [night_line])
    reader = site_client(HARBOR)
    assert "(555) 010-0101" in panel(text(reader, english))
    night_line.phone = "(555) 010-0202"
    change(night_line.save)
    for path in (english, spanish):
        shown = panel(text(reader, path))
        assert "(555) 010-0202" in shown and "(555) 010-0101" not in shown, path


def test_a_chosen_hotline_translated_later_shows_in_the_spanish_panel(change, night_line):
    english, spanish = panel_story(change, [night_line])
    reader = site_client(HARBOR)
    assert "Línea nocturna" not in panel(text(reader, spanish))
    translation = night_line.copy_for_translation(Locale.objects.get(language_code="es"))
    translation.name = "Línea nocturna de Harbor"
    change(translation.save)
    assert "Línea nocturna de Harbor" in panel(text(reader, spanish))
    assert "Línea nocturna" not in panel(text(reader, english))


def test_a_chosen_hotline_deleted_leaves_every_panel_at_once(change, night_line, national_hotline):
    english, spanish = panel_story(change, [night_line, national_hotline])
    reader = site_client(HARBOR)
    assert "Harbor night line" in panel(text(reader, english))
    change(night_line.delete)
    for path in (english, spanish):
        shown = panel(text(reader, path))
        assert "Harbor night line" not in shown and "tel:+18883737888" in shown, path


def test_a_kept_story_body_shows_each_change_on_the_next_request(change):
    """A story's rendered body is kept per worker (`{% include_body %}`): a related story
    unpublished, the story published with new words, each shows on the very next request."""
    reader = site_client(HARBOR)
    story = Page.objects.get(
        url_path__endswith="/stories/eight-children-safe-in-two-weeks/", locale__language_code="en"
    ).specific
    chosen_ids = [
        pk
        for item in story.body.raw_data
        if item["type"] == "related_stories"
        for chosen in item["value"]["stories"]
        for pk in [chosen["value"] if isinstance(chosen, dict) else chosen]
    ]
    assert chosen_ids, "the demo story chooses related stories"
    related = Page.objects.get(pk=chosen_ids[0]).specific
    link = related.get_url_parts()[2]
    assert link in text(reader, STORY)
    assert link in text(reader, STORY), "kept"
    change(related.unpublish)
    assert link not in text(reader, STORY)

    revision = story.save_revision()
    body = revision.as_object().body
    body.append(("text", "<p>Words added after the story was kept.</p>"))
    edited = revision.as_object()
    edited.body = body
    change(lambda: edited.save_revision().publish())
    assert "Words added after the story was kept." in text(reader, STORY)
