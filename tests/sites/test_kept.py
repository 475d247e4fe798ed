"""Markup each worker keeps under what it shows (`{% keep %}`, sites.serving.templatetags.lantern_kept):
story cards and hotlines follow every change on the next request, with the page cache off."""

import pytest

from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation
from django.utils.html import escape

from blocks.hotline import Hotline
from sites.caching import memo
from sites.content.branding import SiteBranding
from sites.content.pages import NewsStoryPage
from sites.serving.chrome import Chrome
from sites.serving.templatetags import lantern_kept
from tests.conftest import logged_in, site_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("kept_by_workers")]

HARBOR = "harbor.localhost"
PINES = "pines.localhost"


def text(path) -> str:
    response = site_client(HARBOR).get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def story(slug) -> NewsStoryPage:
    return NewsStoryPage.objects.get(slug=slug, locale__language_code="en")


def test_a_card_shows_its_story_as_published_now(change):
    home = text("/en/")  # the home page's related stories show Maya's story's card
    maya = story("mayas-story")
    assert escape(maya.title) in home and lantern_kept._kept, "cards kept"
    maya.title = "Maya, one year on"
    change(maya.save_revision().publish)
    assert "Maya, one year on" in text("/en/")
    assert "Maya, one year on" in text(story("eight-children-safe-in-two-weeks").url)


def test_a_card_links_to_where_its_story_is_now(change):
    old_url = story("mayas-story").get_url_parts()[2]
    assert f'href="{old_url}"' in text("/en/")
    maya = story("mayas-story")
    maya.slug = "maya"
    change(maya.save_revision().publish)
    home = text("/en/")
    assert 'href="/en/stories/maya/"' in home
    assert f'href="{old_url}"' not in home


def test_a_hotline_shows_its_new_number_in_panels_and_the_help_bar(change):
    hotline = Hotline.objects.get(owner__hostname=HARBOR, locale__language_code="en")
    assert hotline.phone in text("/en/")
    hotline.phone = "(213) 555-0177"
    change(hotline.save)
    home = text("/en/")
    assert home.count("555-0177") >= 2, "in the help bar and in the home page's hotline panel"


def test_the_same_piece_is_kept_once_per_language():
    template = Template(
        '{% load i18n lantern_kept %}{% keep name %}{% translate "Hours" %} {{ name }}{% endkeep %}'
    )
    with translation.override("en"):
        assert template.render(Context({"name": "Harbor"})) == "Hours Harbor"
    with translation.override("es"):
        spanish = template.render(Context({"name": "Harbor"}))
    assert spanish != "Hours Harbor" and spanish.endswith(" Harbor")
    assert len(lantern_kept._kept) == 2


def test_a_value_that_cannot_be_a_key_is_written_afresh_each_time():
    template = Template("{% load lantern_kept %}{% keep items %}{{ items|join:',' }}{% endkeep %}")
    items = ["a", "b"]
    assert template.render(Context({"items": items})) == "a,b"
    items.append("c")
    assert template.render(Context({"items": items})) == "a,b,c"
    assert not lantern_kept._kept


def test_nothing_is_kept_with_the_workers_keeping_off(settings):
    settings.LANTERN_CHROME_CACHE = False
    text("/en/")
    assert not lantern_kept._kept


def test_keep_names_what_it_shows():
    with pytest.raises(TemplateSyntaxError, match="names what the markup shows"):
        Template("{% load lantern_kept %}{% keep %}x{% endkeep %}")


def kept_with_site() -> list:
    """Each piece kept with a site's chrome: its key, and last the chrome it is kept on."""
    chromes = [entry.value for entry in memo._entries.values() if isinstance(entry.value, Chrome)]
    return [(*key, chrome) for chrome in chromes for key in chrome.fragments]


def test_what_shows_only_the_site_is_kept_with_its_chrome_per_site_and_language():
    harbor = text("/en/")
    pieces = kept_with_site()
    assert len(pieces) == 5, (
        "head links, help bar and brand, the hero's help line, safety note, footer"
    )
    assert len({key[-1] for key in pieces}) == 1, "all with harbor's chrome"
    response = site_client(PINES).get("/en/")
    assert response.status_code == 200
    assert len(kept_with_site()) == 10, "another site's pieces are its own"
    pines_name = SiteBranding.objects.get(site__hostname=PINES).display_name
    harbor_name = SiteBranding.objects.get(site__hostname=HARBOR).display_name
    assert f'site-brand__name">{escape(harbor_name)}<' in harbor
    assert f'site-brand__name">{escape(pines_name)}<' in response.content.decode()
    assert text("/es/") and len(kept_with_site()) == 15, "Spanish pieces beside English ones"


def test_a_new_site_name_shows_in_the_kept_brand_and_feed_links(change):
    assert "Harbor Light, renamed" not in text("/en/")
    branding = SiteBranding.objects.get(site__hostname=HARBOR)
    branding.display_name = "Harbor Light, renamed"
    change(branding.save)
    page = text("/en/")
    assert 'site-brand__name">Harbor Light, renamed<' in page
    assert 'title="Harbor Light, renamed: stories"' in page


def test_an_editors_pages_keep_nothing_with_the_site(editor_a):
    client = logged_in(editor_a)
    response = client.get("/en/", HTTP_HOST=HARBOR)
    assert response.status_code == 200 and b"site-footer" in response.content
    assert not kept_with_site()


def test_keep_with_site_takes_nothing():
    with pytest.raises(TemplateSyntaxError, match="takes nothing"):
        Template("{% load lantern_kept %}{% keep_with_site story %}x{% endkeep_with_site %}")
