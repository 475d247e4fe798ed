"""Translation where editors look for it, through the real admin views: "Translate" in the page
editor's header wherever the page can be translated, and a translation editor whose main
footer button is never Delete, nor for an editor who may not publish Stop Synced translation."""

import json
import re
from html import unescape

import pytest

from django.urls import reverse

from wagtail_localize.models import Translation

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


def footer_of(client, page) -> str:
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    start = html.find('<footer class="footer lantern-translation-footer"')
    return html[start : html.index("</footer>", start)] if start >= 0 else ""


def test_for_an_editor_who_may_not_publish_the_main_button_submits_the_translation(
    editor_a, moderator_a
):
    """wagtail-localize always offers Stop Synced translation first, and makes the last action
    the main one: with neither Publish nor Delete, an editor's was Stop. Lantern's footer makes
    Submit for review the main button, Stop a secondary one that still works."""
    story = new_harbor_story()
    editor = logged_in(editor_a)
    editor.post(
        reverse("wagtail_localize:submit_page_translation", args=[story.pk]),
        {"locales": [spanish().pk]},
    )
    translation = story.get_translation(spanish())
    page = reverse("wagtailadmin_pages:edit", args=[translation.pk])
    html = editor.get(page).content.decode()
    assert 'class="lantern-own-footer"' in html
    assert "css/lantern-translation-editor.css" in html  # hides wagtail-localize's footer
    footer = footer_of(editor, translation)
    submit = reverse("lantern_submit_translation", args=[translation.pk])
    assert f'<a class="button" href="{submit}" data-lantern-footer-submit>' in footer
    assert 'class="button button-secondary" data-lantern-footer-stop>Stop Synced translation' in (
        footer
    )
    assert footer.index("Submit translation for review") < footer.index("Stop Synced")
    # The main button leads to the submission, which the editor may make.
    assert editor.get(submit).status_code == 200

    # A moderator, who may publish, keeps wagtail-localize's footer: Publish is its main button.
    moderator = logged_in(moderator_a)
    assert footer_of(moderator, translation) == ""
    assert 'class="lantern-own-footer"' not in moderator.get(page).content.decode()

    # Stop, the secondary button, posts to wagtail-localize's own view and comes back.
    stop = re.search(r'<form method="post" action="([^"]+)">', footer).group(1)
    answer = editor.post(stop, {"next": page})
    assert (answer.status_code, answer["Location"]) == (302, page)
    assert not Translation.objects.get(
        source__object_id=story.translation_key, target_locale=spanish()
    ).enabled
