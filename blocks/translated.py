"""Chosen snippets and pages, shown in the reader's language where a translation exists.

A block stores the ids its editor chose, in the language the page was written in (the source
language). Rendering a page in Spanish shows the Spanish translation of each chosen hotline,
appeal or story where there is one, and the original where there is none.
"""

from django.conf import settings
from django.utils import translation


def in_language(objects: list, language: str | None = None) -> list:
    """`objects` (all of one translatable model) in `language`, the active one by default:
    nothing to do in the source language; one query otherwise."""
    objects = [obj for obj in objects if obj is not None]
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    if not objects or language == settings.LANGUAGE_CODE:
        return objects
    model = type(objects[0])
    found = model.objects.filter(
        translation_key__in=[obj.translation_key for obj in objects],
        locale__language_code=language,
    )
    if hasattr(found, "live"):  # pages: only a translation readers may see
        found = found.live().public().specific()
    translated = {obj.translation_key: obj for obj in found}
    return [translated.get(obj.translation_key, obj) for obj in objects]
