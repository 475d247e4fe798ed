"""Where a site's translations stand: missing, in progress, behind its source, or up to date.

A translation is behind when its English page has been published since the translation last
took in the source's text (wagtail-localize's TranslationSource), or when it has texts still
untranslated. The report, the warning on a translation's editor and export_translations all ask
this module.
"""

from dataclasses import dataclass

from django.db.models import Model

from wagtail.models import Locale, Page, Site
from wagtail_localize.models import Translation

from blocks.appeals import DonationAppeal
from blocks.hotline import Hotline
from sites.serving.languages import SOURCE_LANGUAGE, configured_languages

MISSING, DRAFT, BEHIND, UP_TO_DATE = "missing", "draft", "behind", "up to date"


@dataclass
class Status:
    source: Model
    language: str
    state: str  # one of MISSING, DRAFT, BEHIND, UP_TO_DATE
    reason: str
    target: Model | None = None
    translation: Translation | None = None

    @property
    def needs_work(self) -> bool:
        return self.state != UP_TO_DATE


def source_objects(site: Site) -> list[Model]:
    """What a site translates: its pages in the source language, and the hotlines and appeals
    it owns (the network's, for the network's own site)."""
    owner = None if site.is_default_site else site
    pages = list(site.root_page.get_descendants(inclusive=True).order_by("path").specific())
    snippets = [
        *Hotline.objects.filter(owner=owner, locale__language_code=SOURCE_LANGUAGE),
        *DonationAppeal.objects.filter(owner=owner, locale__language_code=SOURCE_LANGUAGE),
    ]
    return pages + snippets


def status_of(obj: Model, locale: Locale) -> Status:
    language = locale.language_code
    target = obj.get_translation_or_none(locale)
    translation = (
        Translation.objects.filter(
            source__object_id=obj.translation_key,
            source__specific_content_type__model=type(obj)._meta.model_name,
            target_locale__language_code=language,
        )
        .select_related("source")
        .first()
    )
    if target is None:
        return Status(obj, language, MISSING, "not translated", None, translation)
    if isinstance(target, Page) and not target.live:
        reason = "in review" if target.workflow_in_progress else "a draft, not published"
        return Status(obj, language, DRAFT, reason, target, translation)
    if translation is not None:
        published = getattr(obj, "last_published_at", None)
        if published and published > translation.source.last_updated_at:
            return Status(
                obj, language, BEHIND,
                f"the source changed on {published:%Y-%m-%d} after it was translated",
                target, translation,
            )  # fmt: skip
        total, done = translation.get_progress()
        if done < total:
            return Status(
                obj, language, BEHIND, f"{total - done} of {total} texts untranslated",
                target, translation,
            )  # fmt: skip
    return Status(obj, language, UP_TO_DATE, "up to date", target, translation)


def site_status(site: Site, languages: list[str] | None = None) -> list[Status]:
    """Every source object of the site, in each of its other languages."""
    languages = languages or configured_languages(site)[1:]
    locales = list(Locale.objects.filter(language_code__in=languages))
    return [status_of(obj, locale) for obj in source_objects(site) for locale in locales]


def source_behind(translation_page: Page) -> Status | None:
    """For a translated page: its status when it needs work, else None."""
    source = (
        translation_page.get_translations().filter(locale__language_code=SOURCE_LANGUAGE).first()
    )
    if source is None:
        return None
    status = status_of(source.specific, translation_page.locale)
    return status if status.state == BEHIND else None
