"""Translation where editors look for it, through the real admin views: "Translate" in the page
editor's header wherever the page can be translated, and a translation editor whose main
footer button is never Delete."""

import json
import re
from html import unescape

import pytest

from django.urls import reverse

from sites.agencies.tenancy import Agency
from sites.content.pages import NewsStoryPage
from tests.conftest import logged_in, member_of
from tests.sites.agencies.test_translation import english_page, new_harbor_story, spanish

pytestmark = pytest.mark.django_db

RIDGE = "ridge.localhost"  # published in English only


def header_buttons(client, page) -> list[str]:
    """The labels of the visible buttons of the page editor's header (not its ⋯ menu)."""
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    if 'id="w-slim-header-buttons"' not in html:
        return []
    nav = html[html.index('id="w-slim-header-buttons"') :]
    nav = nav[: nav.index("</nav>")]
    return [
        " ".join(re.sub(r"<[^>]+>", " ", label).split())
        for label in re.findall(
            r'<a [^>]*class="[^"]*w-header-button[^"]*"[^>]*>(.*?)</a>', nav, re.S
        )
    ]


def test_translate_is_a_visible_header_action_where_the_page_can_be_translated(editor_a):
    story = new_harbor_story()  # Harbor is published in Spanish too; this story is not yet
    client = logged_in(editor_a)
    assert "Translate" in header_buttons(client, story)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[story.pk])).content.decode()
    translate = reverse("wagtail_localize:submit_page_translation", args=[story.pk])
    assert re.search(rf'<a href="{translate}"[^>]*data-lantern-translate', html)


def test_no_translate_where_there_is_nothing_to_translate_into(editor_a):
    client = logged_in(editor_a)
    translated = NewsStoryPage.objects.get(slug="mayas-story", locale__language_code="en")
    assert translated.get_translation_or_none(spanish()) is not None
    assert "Translate" not in header_buttons(client, translated)
    # The Spanish page itself is a translation.
    assert "Translate" not in header_buttons(client, translated.get_translation(spanish()))
    # Ridge is published in English only.
    ridge_editor = member_of(Agency.objects.get(site__hostname=RIDGE).editors, "editor_r")
    assert "Translate" not in header_buttons(logged_in(ridge_editor), english_page(RIDGE))


def editor_props(client, page) -> dict:
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    found = re.search(r'class="js-translation-editor" data-props="([^"]*)"', html)
    assert found, "not the translation editor"
    return json.loads(unescape(found.group(1)))


def test_the_translation_editor_never_makes_delete_its_main_button(editor_a, moderator_a):
    story = new_harbor_story()
    editor = logged_in(editor_a)
    response = editor.post(
        reverse("wagtail_localize:submit_page_translation", args=[story.pk]),
        {"locales": [spanish().pk]},
    )
    assert response.status_code == 302
    translation = story.get_translation(spanish())

    # wagtail-localize makes the last action it offers the footer's main one: for an editor,
    # who may delete the draft they made but not publish it, that was Delete.
    perms = editor_props(editor, translation)["perms"]
    assert perms["canPublish"] is False
    assert perms["canDelete"] is False
    # What they do next is in the header: submit the translation for review.
    assert "Submit translation for review" in header_buttons(editor, translation)
    # A moderator's main button is Publish, with Delete among the others.
    assert editor_props(logged_in(moderator_a), translation)["perms"]["canPublish"] is True
