"""Chosen snippets and pages, shown in the reader's language where a translation exists.

A block stores the ids its editor chose, in the language the page was written in (the source
language). Rendering a page in Spanish shows the Spanish translation of each chosen hotline,
appeal or story where there is one, and the original where there is none.
"""

import copy

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import translation
from django.utils.functional import cached_property

from wagtail.models import Page
from wagtail.snippets.blocks import SnippetChooserBlock

from sites.caching.copies import request_copy
from sites.caching.tags import depends_on, object_tags
from sites.content.specific import prefetch_hero_renditions, specific_pages
from sites.content.visibility import RESTRICTED, readable, readable_now

# Where serving keeps the snippets blocks chose for the reader being served, by model: a
# function serving registers (sites.serving.chrome.kept_chosen) that returns a dict to keep them in, or
# None (no chrome kept, or a model it does not keep).
_kept_chosen = None


def keeps_chosen_in(where) -> None:
    global _kept_chosen
    _kept_chosen = where


def kept_chosen(model_class) -> dict | None:
    return _kept_chosen(model_class) if _kept_chosen is not None else None


def active_language(language: str | None = None) -> str:
    return language or translation.get_language() or settings.LANGUAGE_CODE


def translations(objects: list, language: str) -> dict:
    """translation_key → the translation in `language` of each of `objects` (all of one
    translatable snippet model) that has one: one query."""
    model = type(objects[0])
    found = model.objects.filter(
        translation_key__in={obj.translation_key for obj in objects},
        locale__language_code=language,
    )
    return {obj.translation_key: obj for obj in found}


def in_language(objects: list, language: str | None = None) -> list:
    """`objects` (all of one translatable model) in `language`, the active one by default:
    nothing to do in the source language; one query otherwise."""
    objects = [obj for obj in objects if obj is not None]
    language = active_language(language)
    if not objects or language == settings.LANGUAGE_CODE:
        return objects
    if hasattr(objects[0], "live"):  # pages: only a translation readers may see
        shown = pages_in_language([obj.pk for obj in objects], language)
        return [shown.get(obj.pk, obj) for obj in objects]
    translated = translations(objects, language)
    return [translated.get(obj.translation_key, obj) for obj in objects]


def found_in_language(queryset, language: str | None = None, related=()) -> list[tuple]:
    """(object, shown) for each object `queryset` (of a translatable snippet model) finds, in
    its order: shown is its translation in `language` where it has one. One query, however
    many it finds; in the source language, shown is the object itself. `related`: foreign
    keys to load with them (select_related)."""
    language = active_language(language)
    if language == settings.LANGUAGE_CODE:
        return [(obj, obj) for obj in queryset.select_related(*related)]
    model = queryset.model
    rows = list(
        model.objects.annotate(_lantern_found=Exists(queryset.filter(pk=OuterRef("pk"))))
        .filter(
            Q(_lantern_found=True)
            | Q(
                translation_key__in=queryset.values("translation_key"),
                locale__language_code=language,
            )
        )
        .select_related("locale", *related)
        .order_by(*(queryset.query.order_by or model._meta.ordering or ["pk"]))
    )
    translated = {row.translation_key: row for row in rows if row.locale.language_code == language}
    return [(row, translated.get(row.translation_key, row)) for row in rows if row._lantern_found]


def pages_in_language(ids: list[int], language: str | None = None, types=None) -> dict:
    """pk → what readers see for each of the pages `ids` that they may see: the page in its
    specific type with its hero image, or its translation in `language` where readers may see
    one. One query, and one more for the sizes of the pictures shown, if any."""
    language = active_language(language)
    wanted = Q(pk__in=ids)
    if language != settings.LANGUAGE_CODE:
        chosen_keys = Page.objects.filter(pk__in=ids).values("translation_key")
        wanted |= Q(translation_key__in=chosen_keys, locale__language_code=language)
    found = specific_pages(
        readable(Page.objects.filter(wanted)).select_related("locale"), types, bodies=False
    )
    translated = {
        page.translation_key: page
        for page in found
        if page.pk not in ids and page.locale.language_code == language
    }
    shown = {
        page.pk: translated.get(page.translation_key, page) for page in found if page.pk in ids
    }
    prefetch_hero_renditions(shown.values())
    return shown


def page_translations(pages: list, language: str, types=None) -> dict:
    """translation_key → the translation in `language` readers may see of each of `pages`
    that has one, in its specific type with its hero image: one query."""
    found = specific_pages(
        readable(
            Page.objects.filter(
                translation_key__in={page.translation_key for page in pages},
                locale__language_code=language,
            )
        ),
        types,
        bodies=False,
    )
    return {page.translation_key: page for page in found}


TRANSLATIONS = "_lantern_translations"  # language → the translation loaded with an object


def chosen_in_order(values, found: dict) -> list:
    """A chooser block's objects for the ids `values`, from `found` (pk → object), as Wagtail's
    choosers return them: in order, None where missing, one object a place it is chosen in."""
    result, seen = [], set()
    for pk in values:
        obj = found.get(pk)
        if obj is not None and pk in seen:
            obj = copy.copy(obj)
        result.append(obj)
        seen.add(pk)
    return result


class TranslatedChooserBlock(SnippetChooserBlock):
    """Wagtail's snippet chooser, stored as one (the same definition in migrations), whose
    chosen snippets come with their translations in the language being read: every hotline (or
    appeal) of a stream's blocks and its translation in one query, where Wagtail's chooser and
    then the translations took two."""

    canonical_module_path = "wagtail.snippets.blocks.SnippetChooserBlock"

    def bulk_to_python(self, values):
        values = list(values)
        language = active_language()
        ids = {pk for pk in values if pk is not None}
        kept = kept_chosen(self.model_class)  # what serving keeps for a reader (`keeps_chosen_in`)
        found = self.loaded(ids, language) if kept is None else self.from_kept(kept, ids, language)
        return chosen_in_order(values, found)

    def loaded(self, ids: set, language: str) -> dict:
        """pk → object for the snippets `ids`, each with its translation in `language` (unless
        that is the source language): one query."""
        if language == settings.LANGUAGE_CODE:
            return self.model_class._default_manager.in_bulk(ids)
        model = self.target_model
        rows = model.objects.filter(
            Q(pk__in=ids)
            | Q(
                translation_key__in=model.objects.filter(pk__in=ids).values("translation_key"),
                locale__language_code=language,
            )
        ).select_related("locale")
        rows = list(rows)
        translated = {
            row.translation_key: row for row in rows if row.locale.language_code == language
        }
        found = {row.pk: row for row in rows if row.pk in ids}
        for obj in found.values():
            obj.__dict__[TRANSLATIONS] = {language: translated.get(obj.translation_key)}
        return found

    def from_kept(self, kept: dict, ids: set, language: str) -> dict:
        """`loaded`, from what the request's chrome keeps (sites.serving.chrome.Chrome.chosen): only
        snippets it does not hold yet are loaded, and kept. Each request gets its own copies,
        and its page the tags it would have noted loading them."""
        label = self.model_class._meta.label_lower
        missing = {pk for pk in ids if (label, language, pk) not in kept}
        if missing:
            loaded = self.loaded(missing, language)
            for pk in missing:
                obj = loaded.get(pk)
                kept[label, language, pk] = None if obj is None else copy_with_translations(obj)
        found = {}
        for pk in ids:
            obj = kept[label, language, pk]
            if obj is not None:
                found[pk] = obj = copy_with_translations(obj)
                depends_on(*object_tags(obj))
                translation = obj.__dict__.get(TRANSLATIONS, {}).get(language)
                if translation is not None:
                    depends_on(*object_tags(translation))
        return found


def copy_with_translations(obj):
    """A copy of a snippet for one request or for keeping (`request_copy`), with copies of
    the translations loaded with it."""
    copied = request_copy(obj)
    loaded = copied.__dict__.get(TRANSLATIONS)
    if loaded is not None:
        copied.__dict__[TRANSLATIONS] = {
            language: None if translation is None else request_copy(translation)
            for language, translation in loaded.items()
        }
    return copied


class Batch:
    """What the blocks of one kind in a stream chose (hotlines, appeals), translated together:
    one query per language however many blocks there are, instead of one a block."""

    def __init__(self, objects):
        self.objects = [obj for obj in objects if obj is not None]
        self._translated = {}

    def in_language(self, objects, language: str | None = None) -> list:
        objects = [obj for obj in objects if obj is not None]
        language = active_language(language)
        if not objects or language == settings.LANGUAGE_CODE:
            return objects
        known = {obj.translation_key for obj in self.objects}
        if any(obj.translation_key not in known for obj in objects):
            return in_language(objects, language)  # not one of the batch's: on its own
        if language not in self._translated:
            loaded = [obj.__dict__.get(TRANSLATIONS, {}) for obj in self.objects]
            if all(language in known for known in loaded):  # loaded with them: no query
                self._translated[language] = {
                    obj.translation_key: known[language]
                    for obj, known in zip(self.objects, loaded, strict=True)
                    if known[language] is not None
                }
            else:
                self._translated[language] = translations(self.objects, language)
        translated = self._translated[language]
        return [translated.get(obj.translation_key, obj) for obj in objects]


class PageBatch:
    """The pages the blocks of one kind in a stream chose (related stories), loaded with them
    in one query with their privacy (blocks.news.StoryChooserBlock): those readers may see, in
    the reader's language (one query per language) and with the sizes of their pictures (one
    more), for all the blocks at once."""

    def __init__(self, pages, types=None):
        self.pages = list({page.pk: page for page in pages if page is not None}.values())
        self.types = types
        self._shown = {}

    def shown(self, pages, language: str | None = None) -> list:
        """Those of `pages` readers may see, in their order, as readers see them."""
        pages = [page for page in pages if page is not None]
        language = active_language(language)
        if any(page.pk not in self._by_pk or not hasattr(page, RESTRICTED) for page in pages):
            # Not loaded by the batch (a value made in code): on their own, as before.
            found = pages_in_language([page.pk for page in pages], language, self.types)
        else:
            found = self._in(language)
        return [found[page.pk] for page in pages if page.pk in found]

    @cached_property
    def _by_pk(self) -> dict:
        return {page.pk: page for page in self.pages}

    def _in(self, language: str) -> dict:
        if language not in self._shown:
            readers_see = [page for page in self.pages if readable_now(page)]
            if readers_see and language != settings.LANGUAGE_CODE:
                translated = page_translations(readers_see, language, self.types)
                readers_see = [translated.get(page.translation_key, page) for page in readers_see]
            prefetch_hero_renditions(readers_see)
            originals = [page.pk for page in self.pages if readable_now(page)]
            self._shown[language] = dict(zip(originals, readers_see, strict=True))
        return self._shown[language]


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
