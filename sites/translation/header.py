"""Translation where editors look for it: "Translate" in the page editor's header, and a
translation editor whose main button is never Delete.

wagtail-localize puts "Translate this page" in the header's unlabelled ⋯ menu
(register_page_header_buttons fills only that menu). Lantern shows "Translate" beside it
wherever the page can be translated: an original page, one of whose site's languages
(Site branding) it is not yet translated into, for someone who may edit it and translate. A
translation shows "Submit translation for review" there instead (sites.translation.review).

wagtail-localize's translation editor makes the last action it offers its footer's main button;
for someone who may not publish, that is Delete. Its props leave Delete out for them (the page's
⋯ menu in the page explorer still offers it). Without Delete, the last action left is "Stop
Synced translation", which cuts the translation off from its source: as destructive, and its
props cannot leave it out (wagtail-localize always offers it first). So for a page translated by
someone who may not publish, the editor's footer is Lantern's own (`own_footer`, the template
override): "Submit translation for review" the main button (sites.translation.review), Stop
Synced translation a secondary one posting to wagtail-localize's own view; the strings are
saved as they are typed, so there is nothing else to save.
"""

import json

from django.conf import settings
from django.urls import reverse

from wagtail.admin.widgets import HeaderButton
from wagtail.models import Page

from sites.serving.languages import configured_languages
from sites.translation.guards import user_can_edit_instance
from sites.translation.review import submit_button


def languages_to_translate(page: Page) -> list[str]:
    """The languages of the page's site (source language aside) it has no translation in yet;
    none for a translation, or for a page outside any site."""
    if page.pk is None or page.is_root() or page.alias_of_id is not None:
        return []
    if page.locale.language_code != settings.LANGUAGE_CODE:
        return []
    site = page.get_site()
    if site is None:
        return []
    translated = set(
        page.get_translations(inclusive=True).values_list("locale__language_code", flat=True)
    )
    return [code for code in configured_languages(site)[1:] if code not in translated]


def may_translate(user, page: Page) -> bool:
    return user.has_perm("wagtail_localize.submit_translation") and user_can_edit_instance(
        user, page
    )


def header_buttons(page: Page, user) -> list[HeaderButton]:
    """The translation actions shown in the page editor's header, beside its ⋯ menu."""
    if page.pk is None:
        return []
    buttons = []
    if languages_to_translate(page) and may_translate(user, page):
        buttons.append(
            HeaderButton(
                "Translate",
                reverse("wagtail_localize:submit_page_translation", args=[page.pk]),
                icon_name="wagtail-localize-language",
                attrs={"data-lantern-translate": ""},
            )
        )
    for button in submit_button(page, user):
        buttons.append(
            HeaderButton(button.label, button.url, icon_name=button.icon_name, attrs=button.attrs)
        )
    return buttons


def editor_props(props: str) -> str:
    """The translation editor's props (JSON), without Delete for someone who may not publish
    (the props say who may): it would be the footer's main button."""
    data = json.loads(props)
    if data["perms"]["canPublish"] or not data["perms"]["canDelete"]:
        return props
    data["perms"]["canDelete"] = False
    return json.dumps(data)


def own_footer(props: str, page, user) -> dict | None:
    """What Lantern's footer of the translation editor offers for `page` (a translation being
    edited), for someone who may not publish (the props say who may); None otherwise, and
    wagtail-localize's footer shows. `submit_url` is empty while the translation is in review."""
    data = json.loads(props)
    if page is None or data["perms"]["canPublish"]:
        return None
    submit = next(iter(submit_button(page, user)), None)
    return {
        "submit_url": submit.url if submit is not None else "",
        "stop_url": data["links"]["stopTranslationUrl"],
        "in_review": page.workflow_in_progress,
    }
