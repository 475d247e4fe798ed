"""Chosen snippets and pages, shown in the reader's language where a translation exists.

A block stores the ids its editor chose, in the language the page was written in (the source
language). Rendering a page in Spanish shows the Spanish translation of each chosen hotline,
appeal or story where there is one, and the original where there is none.
"""

from django.conf import settings
from django.utils import translation

from sites.visibility import readable


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
        found = readable(found).specific()
    translated = {obj.translation_key: obj for obj in found}
    return [translated.get(obj.translation_key, obj) for obj in objects]


def synchronised_field_names(model) -> list[str]:
    """The fields wagtail-localize keeps equal across a snippet's translations."""
    from wagtail_localize.fields import SynchronizedField

    return [
        field.field_name
        for field in getattr(model, "translatable_fields", [])
        if isinstance(field, SynchronizedField)
    ]


def synchronise_translations(sender, instance, raw=False, **kwargs):
    """post_save on a translatable snippet: its numbers, links and goals reach every
    translation at once.

    wagtail-localize copies synchronised fields only when a translation is synced, so a
    hotline's new phone number would otherwise stay old under /es/ until someone syncs it: a
    reader would call a dead number. What is synchronised is never translated, so copying it
    loses nothing. Translated fields are left to the translators.
    """
    if raw or instance.locale.language_code != settings.LANGUAGE_CODE:
        return
    fields = synchronised_field_names(type(instance))
    values = {name: getattr(instance, name) for name in fields}
    translations = sender.objects.filter(translation_key=instance.translation_key).exclude(
        pk=instance.pk
    )
    if not translations.exists():
        return
    translations.update(**values)
    # wagtail-localize rebuilds a translation from its stored copy of the original: bring that
    # copy up to date too, or the next translation saved would bring back the old number.
    from wagtail_localize.models import TranslationSource

    source = TranslationSource.objects.get_for_instance_or_none(instance)
    if source is not None:
        source.update_from_db()
