"""Offline translators: a site's texts that need work out as PO files, and their work back in.

Export writes one PO file per page, hotline or appeal whose translation is missing or behind
(wagtail-localize's own PO format, so the translation editor's upload takes them too). Import
checks every file first: that it parses, is for this site and language, and that every msgid
is a text of its original as it stands. Any problem, in any file, is reported with its file,
line and reason, and nothing is written; otherwise all files are imported in one transaction,
as drafts that go through review like any translation.
"""

import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import polib

from django.db import transaction
from django.utils.text import slugify

from wagtail.models import Locale, Page, Site
from wagtail_localize.models import Translation, TranslationSource

from sites.translation.review import submit_translation
from sites.translation.status import site_status, source_objects


@dataclass
class Problem:
    file: str
    line: int
    reason: str

    def __str__(self):
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass
class Checked:
    path: Path
    po: polib.POFile
    translation: Translation
    source: object = field(default=None)


def export(
    site: Site, locale: Locale, directory: Path, everything=False, progress=None
) -> list[Path]:
    """PO files for the site's objects whose translation into `locale` needs work."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    statuses = [s for s in site_status(site, [locale.language_code]) if everything or s.needs_work]
    for status in progress(statuses) if progress else statuses:
        obj = status.source
        source, created = TranslationSource.get_or_create_from_instance(obj)
        if not created:
            source.update_from_db()  # the original's text as it stands now
        translation, _ = Translation.objects.get_or_create(
            source=source, target_locale=locale, defaults={"enabled": True}
        )
        po = translation.export_po()
        po.metadata["Language"] = locale.language_code
        po.metadata["X-Lantern-Site"] = site.hostname
        po.metadata["X-Lantern-Original"] = f"{obj._meta.verbose_name}: {obj}"
        kind = obj._meta.model_name
        path = directory / f"{kind}-{obj.pk}-{slugify(str(obj))[:40]}.{locale.language_code}.po"
        po.save(str(path))
        written.append(path)
    return written


def check(site: Site, locale: Locale, paths: list[Path]) -> tuple[list[Checked], list[Problem]]:
    """Everything that is wrong with the files, before anything is written."""
    originals = {obj.translation_key: obj for obj in source_objects(site)}
    checked, problems = [], []
    for path in paths:
        name = str(path)
        try:
            po = polib.pofile(str(path), encoding="utf-8")
        except (OSError, UnicodeDecodeError, ValueError) as error:
            line = _line_of(str(error))
            problems.append(Problem(name, line, f"not a readable PO file: {error}"))
            continue
        translation_id = po.metadata.get("X-WagtailLocalize-TranslationID")
        translation = (
            Translation.objects.filter(uuid=translation_id)
            .select_related("source", "target_locale")
            .first()
            if translation_id and _is_uuid(translation_id)
            else None
        )
        if translation is None:
            problems.append(
                Problem(
                    name,
                    1,
                    "no X-WagtailLocalize-TranslationID header naming a translation of this install: export the file again",
                )
            )
            continue
        language = po.metadata.get("Language") or translation.target_locale.language_code
        if language != locale.language_code or translation.target_locale_id != locale.pk:
            problems.append(
                Problem(
                    name,
                    1,
                    f"this file is for '{language}', not '{locale.language_code}'",
                )
            )
            continue
        original = originals.get(translation.source.object_id)
        if original is None:
            problems.append(
                Problem(name, 1, f"this file is not for a page or snippet of {site.hostname}")
            )
            continue
        texts = {
            (segment.context.path, segment.string.data)
            for segment in translation.source.stringsegment_set.select_related("context", "string")
        }
        for entry in po:
            if entry.obsolete:
                continue
            if (entry.msgctxt, entry.msgid) not in texts:
                problems.append(
                    Problem(
                        name,
                        entry.linenum or 1,
                        f"msgid {entry.msgid[:60]!r} is not a text of “{original}” as it stands "
                        "now (was it changed since the export? export again)",
                    )
                )
        checked.append(Checked(path, po, translation, original))
    problems += _untranslated_parents(checked, locale)
    return checked, problems


def _untranslated_parents(checked: list[Checked], locale: Locale) -> list[Problem]:
    """A page needs its parent in the language first: translated already, or in these files."""
    coming = {c.source.pk for c in checked if isinstance(c.source, Page)}
    problems = []
    for item in checked:
        page = item.source
        if not isinstance(page, Page) or page.depth <= 2:
            continue
        parent = page.get_parent()
        if parent.pk not in coming and parent.get_translation_or_none(locale) is None:
            problems.append(
                Problem(
                    str(item.path),
                    1,
                    f"its parent “{parent}” is not translated into '{locale.language_code}' yet: import its file too",
                )
            )
    return problems


@transaction.atomic
def apply(checked: list[Checked], user=None, submit=False) -> list[object]:
    """Import checked files, parents first; pages become drafts (and are submitted, if asked)."""
    done = []
    for item in sorted(checked, key=lambda c: getattr(c.source, "depth", 99)):
        item.translation.import_po(item.po, user=user, tool_name="import_translations")
        if isinstance(item.source, Page):
            item.translation.save_target(user=user, publish=False)
            target = item.source.get_translation(item.translation.target_locale)
            if submit:
                submit_translation(user, target)  # saves the draft again, then starts review
            done.append(target)
        else:
            item.translation.save_target(user=user, publish=True)  # snippets have no drafts
            done.append(item.source.get_translation(item.translation.target_locale))
    return done


def _line_of(message: str) -> int:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else 1


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
