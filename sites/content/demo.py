"""Loads the demo network from `fixtures/demo/*.toml`: sites, hotlines, appeals, pages and
pictures (`fixtures/demo/images/`, drawn by its `draw.py`).

Idempotent: what exists (a site by host name, a hotline by name, a page by slug, an image by
title) is kept as it is, so a second run creates nothing and never overwrites an editor's changes.
"""

import csv
import datetime
import io
import json
import logging
import tomllib
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Site

from blocks.appeals import DonationAppeal
from blocks.hotline import Hotline
from sites.agencies.onboarding import FIND_HELP_PAGE
from sites.content.branding import SiteBranding
from sites.content.pages import (
    AwarenessArticlePage,
    DonationAppealPage,
    NewsIndexPage,
    NewsStoryPage,
    StandardPage,
)
from sites.content.sharing import SharedStory
from sites.giving.models import GivingSettings
from sites.help.importer import import_resources
from sites.help.pages import FindHelpPage
from sites.help.resources import HelpResource
from sites.privacy.gate import open_findings, record_override

logger = logging.getLogger(__name__)

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
BRANDING_FIELDS = ["primary_colour", "accent_colour", "donate_url", "state", "theme"]
HOME_WORDS = ["tagline", "donate_label", "footer_text"]
HOTLINE_FIELDS = [
    "phone", "sms_number", "sms_keyword", "tty", "chat_url", "hours", "is_24_7",
    "coverage", "description", "pinned",
]  # fmt: skip


# The day the demo's help directory was written. Its last-verified dates are moved forward by
# the days since, so the demo's resources are as recently checked on every machine as they were
# then, and are never hidden as unverified (after LANTERN_HELP_HIDE_UNVERIFIED_MONTHS).
DEMO_WRITTEN_ON = datetime.date(2026, 11, 15)

DEMO_OVERRIDE_REASON = (
    "Demo content: the people, numbers and places in it are invented, and it is published by "
    "the demo loader (sites.content.demo)."
)


class DemoError(Exception):
    """A fixture file refers to something that does not exist."""


def publish(revision) -> None:
    """Publish a demo page's revision. Demo stories are written like real ones (names with ages,
    survivors without a consent record), so the privacy gate would hold some: the loader records
    an override for them, with its reason, in each page's history, as a moderator would."""
    findings = open_findings(revision)
    if findings:
        record_override(revision, None, DEMO_OVERRIDE_REASON, findings=findings)
    revision.publish()


def read_network(directory: Path = DEMO_DIR) -> list[dict]:
    """Every site file, the default (network) site first so its hotlines exist for the others."""
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise DemoError(f"No demo files in {directory}.")
    network = [
        tomllib.loads(path.read_text(encoding="utf-8")) | {"_file": path.name} for path in files
    ]
    return sorted(network, key=lambda data: not data["site"].get("is_default", False))


@transaction.atomic
def load_network(directory: Path = DEMO_DIR, *, translated: bool = True) -> list[Site]:
    """The demo network from `directory`: its sites, hotlines, help directory and partner
    stories, and (`translated`) each site in the languages its files give."""
    network = read_network(directory)
    hotlines = {}
    for data in network:
        hotlines |= {entry["key"]: upsert_hotline(entry) for entry in data.get("hotlines", [])}
    sites = [SiteLoader(data, hotlines).load() for data in network]
    load_help_resources(directory / "help_resources.csv")
    for data in network:
        place_partner_stories(data)
    for path in sorted(directory.glob("*/*.toml")) if translated else ():
        translate_site(path)
    return sites


def translate_site(path: Path) -> None:
    """`<language>/<site>.toml`: the site published in that language, through wagtail-localize.

    Every page of the site (and its own hotlines and appeal; the network's for the network
    home) is translated from the file's strings, keyed by the English they translate. A text
    with no translation in the file is an error, never English left under /es/. Translations
    that already exist are kept as they are.
    """
    from wagtail_localize.models import StringTranslation, Translation
    from wagtail_localize.operations import translate_object

    from sites.translation.trees import add_site_language

    data = tomllib.loads(path.read_text(encoding="utf-8"))
    language = path.parent.name
    strings = data["strings"]
    site = Site.objects.get(hostname=data["site"])
    locale = Locale.objects.get(language_code=language)
    owner = None if site.is_default_site else site
    objects = [
        *site.root_page.get_descendants(inclusive=True).live().order_by("path").specific(),
        *Hotline.objects.filter(owner=owner, locale__language_code=settings.LANGUAGE_CODE),
        *DonationAppeal.objects.filter(owner=owner, locale__language_code=settings.LANGUAGE_CODE),
        *HelpResource.objects.filter(owner=owner, locale__language_code=settings.LANGUAGE_CODE),
    ]
    for obj in objects:
        existing = obj.get_translation_or_none(locale)
        translation = Translation.objects.filter(
            source__object_id=obj.translation_key, target_locale=locale
        ).first()
        if existing is not None and getattr(existing, "live", True) and translation:
            total, done = translation.get_progress()
            if done == total:
                continue  # translated already (and perhaps edited since): kept as it is
        if isinstance(obj, Page) and obj.pk == site.root_page_id:
            add_site_language(site, language)
        elif existing is None:
            translate_object(obj, [locale])
        if translation is None:  # just made by the translation above
            translation = Translation.objects.get(
                source__object_id=obj.translation_key, target_locale=locale
            )
        missing = []
        for segment in translation.source.stringsegment_set.select_related("string", "context"):
            text = strings.get(segment.string.data)
            if text is None:
                missing.append(segment.string.data)
                continue
            StringTranslation.objects.update_or_create(
                translation_of=segment.string,
                locale=locale,
                context=segment.context,
                defaults={"data": text},
            )
        if missing:
            raise DemoError(
                f"{path.parent.name}/{path.name}: no translation of {len(missing)} texts of "
                f"“{obj}”, e.g. {missing[0]!r}."
            )
        publish_translation(translation, obj, locale)


def publish_translation(translation, source, locale) -> None:
    """Save the translation and publish it now, not when the transaction commits (where
    wagtail-localize puts it, with a page object that no longer knows its new children)."""
    if not isinstance(source, Page):
        translation.save_target(publish=True)  # snippets have no drafts
        return
    translation.save_target(publish=False)
    target = source.get_translation(locale)
    publish(target.get_latest_revision())


def place_partner_stories(data: dict) -> None:
    """`partner_stories = ["host/path", ...]` in a stories index: partners' shared stories shown there."""
    index_data = data["stories_index"]
    if not index_data.get("partner_stories"):
        return
    home = Site.objects.get(hostname=data["site"]["hostname"]).root_page
    index = home.get_children().get(slug=index_data["slug"]).specific
    for address in index_data["partner_stories"]:
        hostname, path = address.split("/", 1)
        partner_home = Site.objects.get(hostname=hostname).root_page
        story = Page.objects.get(url_path=f"{partner_home.url_path}{path.strip('/')}/").specific
        if not getattr(story, "share_with_network", False):
            raise DemoError(
                f"{data['_file']}: {address} is not a news story shared with the network."
            )
        if not index.shared_stories.filter(story=story).exists():
            SharedStory.objects.create(index=index, story=story, show_from=timezone.now())


def list_items(values: list) -> list[dict]:
    """A list block's items in the block format (with ids), as the admin saves them: only then
    does wagtail-localize offer each one for translation."""
    return [{"type": "item", "value": value, "id": str(uuid.uuid4())} for value in values]


def upsert_hotline(entry: dict) -> Hotline:
    hotline = Hotline.objects.filter(name=entry["name"]).first()
    if hotline:
        return hotline
    hotline = Hotline(
        name=entry["name"], **{field: entry.get(field, "") for field in HOTLINE_FIELDS}
    )
    languages = entry.get("languages", [])
    hotline.languages = languages if isinstance(languages, str) else ", ".join(languages)
    hotline.states = ", ".join(entry.get("states", []))
    hotline.is_24_7 = bool(entry.get("is_24_7"))
    hotline.pinned = bool(entry.get("pinned"))
    hotline.full_clean()
    hotline.save()
    return hotline


def demo_image(entry: dict | None, site: Site | None, directory: Path = DEMO_DIR):
    """The image `entry` names (`{file = "…", title = "…"}` in a site's file), in the agency's
    own media collection (the network's in the root one), created from `images/<file>` if no
    image has its title yet. Its renditions are made by the pages that show it."""
    if not entry:
        return None
    Image = get_image_model()
    title = entry.get("title") or entry["file"]
    image = Image.objects.filter(title=title).first()
    if image is not None:
        return image
    path = directory / "images" / entry["file"]
    if not path.exists():
        raise DemoError(f"No demo image {path.name} in {path.parent}.")
    agency = getattr(site, "agency", None) if site is not None else None
    collection = agency.collection if agency is not None else Collection.get_first_root_node()
    with path.open("rb") as file:
        # Saved through Lantern's metadata cleaning (sites.privacy.media), as an upload is.
        image = Image(
            title=title,
            collection=collection,
            description=entry.get("alt", ""),
            file=ImageFile(file, name=path.name),
        )
        image.save()
    return image


def load_help_resources(path: Path) -> None:
    """The demo's help directory, through the same import editors use; resources that exist
    already are left as they are (an editor may have changed them)."""
    if not path.exists():
        return
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header, rows = rows[0], rows[1:]
    known = set(HelpResource.objects.values_list("reference", flat=True))
    new = [row for row in rows if row[header.index("reference")] not in known]
    if not new:
        return
    column = header.index("last_verified")
    for row in new:
        row[column] = as_of_today(datetime.date.fromisoformat(row[column])).isoformat()
    text = io.StringIO()
    csv.writer(text).writerows([header, *new])
    result = import_resources(text.getvalue())
    if result.errors:
        raise DemoError(f"{path.name}: " + "; ".join(str(error) for error in result.errors))
    add_help_details(
        path.with_name("help_details.json"), {row[header.index("reference")] for row in new}
    )


def as_of_today(day: datetime.date) -> datetime.date:
    """`day`, written in the demo on DEMO_WRITTEN_ON, moved forward to stand as far from today."""
    return day + (timezone.localdate() - DEMO_WRITTEN_ON)


def add_help_details(path: Path, references: set[str]) -> None:
    """Places, weekly opening hours and counts of places free for the demo's new resources
    `references` (`help_details.json`, by reference), which the spreadsheet does not carry. A
    count is dated `counted_hours_ago` before loading, so the demo shows a recent one (and
    Northern Pines' a stale one)."""
    if not path.exists():
        return
    details = json.loads(path.read_text(encoding="utf-8"))
    now = timezone.now()
    for resource in HelpResource.objects.filter(
        reference__in=details.keys() & references, locale__language_code=settings.LANGUAGE_CODE
    ):
        entry = details[resource.reference]
        for name in ("street_address", "city", "postcode", "address_public", "time_zone"):
            if name in entry:
                setattr(resource, name, entry[name])
        resource.opening_hours = [
            {"type": "weekly", "value": rule} for rule in entry.get("opening_hours", [])
        ]
        if count := entry.get("capacity"):
            resource.capacity_available = count["available"]
            resource.capacity_maximum = count.get("maximum")
            resource.capacity_unit = count.get("unit", "")
            resource.capacity_updated = now - datetime.timedelta(hours=count["counted_hours_ago"])
        resource.full_clean()
        resource.save()


def release_wagtail_welcome_site(hostname: str) -> None:
    """A fresh install's default site shows Wagtail's welcome page; the network home replaces it."""
    for site in Site.objects.filter(hostname=hostname).select_related("root_page"):
        if site.root_page.specific_class is Page:
            welcome = site.root_page
            site.delete()
            welcome.delete()


class SiteLoader:
    def __init__(self, data: dict, hotlines: dict[str, Hotline]):
        self.data = data
        self.hotlines = hotlines
        self.pages: dict[str, Page] = {}
        self.new_pages: list[tuple[Page, dict]] = []

    def load(self) -> Site:
        info = self.data["site"]
        release_wagtail_welcome_site(info["hostname"])
        site = Site.objects.filter(hostname=info["hostname"]).first()
        if site is None:
            # The same command a network administrator runs for a new partner agency.
            call_command(
                "create_agency_site",
                name=info["name"],
                hostname=info["hostname"],
                default=info.get("is_default", False),
                colour=info["primary_colour"],
                accent=info["accent_colour"],
                stdout=io.StringIO(),
            )
            site = Site.objects.get(hostname=info["hostname"])
            self.site = site
            branding = SiteBranding.for_site(site)
            for field in BRANDING_FIELDS:
                setattr(branding, field, info.get(field, getattr(branding, field)))
            branding.primary_hotline = self.hotline(info["primary_hotline"])
            branding.logo = demo_image(info.get("logo"), site)
            branding.share_image = demo_image(info.get("share_image"), site)
            branding.full_clean()
            branding.save()
            home = site.root_page.specific
            home.hero_heading = self.data["home"]["hero_heading"]
            home.hero_text = self.data["home"].get("hero_text", "")
            self.set_hero_image(home, self.data["home"])
            for field in HOME_WORDS:
                setattr(home, field, info.get(field, getattr(home, field)))
            self.new_pages.append((home, {"body": self.data["home"].get("body", [])}))
        self.site = site
        self.home = site.root_page.specific
        self.owner = None if info.get("is_default") else site  # the network's own are everyone's
        own_hotlines = [self.hotline(entry["key"]).pk for entry in self.data.get("hotlines", [])]
        Hotline.objects.filter(pk__in=own_hotlines, owner__isnull=True).update(owner=self.owner)
        self.appeal = self.load_appeal(SiteBranding.for_site(site))
        self.load_giving(site)
        self.load_pages()
        # Second pass: bodies may point at any page of the site, so they are set once all exist.
        for page, streams in self.new_pages:
            for name, stream in streams.items():
                setattr(page, name, [self.block(entry) for entry in stream])
            publish(page.save_revision())
        return site

    def load_appeal(self, branding: SiteBranding) -> DonationAppeal:
        entry = self.data["appeal"]
        appeal = DonationAppeal.objects.filter(headline=entry["headline"]).first()
        if appeal is None:
            appeal = DonationAppeal(
                headline=entry["headline"],
                text=entry["text"],
                goal=entry["goal"],
                raised=entry.get("raised", 0),
                amounts=entry.get("amounts", ""),
                monthly=entry.get("monthly", True),
                donate_url=entry.get("donate_url") or branding.donate_url,
                end_date=entry.get("end_date"),
                owner=self.owner,
            )
            appeal.full_clean()
            appeal.save()
        return appeal

    def load_giving(self, site: Site) -> None:
        """The site's processor, where its file names one (a provider's address; never keys)."""
        entry = self.data.get("giving")
        if entry:
            giving = GivingSettings.for_site(site)
            giving.processor = entry["processor"]
            giving.provider_url = entry.get("provider_url", "")
            giving.full_clean()
            giving.save()

    def load_pages(self) -> None:
        # Made with the site (onboarding), unless the site's file words it differently.
        find_help = self.data.get("find_help", FIND_HELP_PAGE)
        self.child(self.home, FindHelpPage, find_help, intro=find_help.get("intro", ""))
        index_data = self.data["stories_index"]
        index = self.child(self.home, NewsIndexPage, index_data, intro=index_data.get("intro", ""))
        for entry in self.data.get("stories", []):
            fields = {"date": entry["date"], "summary": entry["summary"]}
            streams = {"body": entry.get("body", [])}
            if entry["type"] == "news_story":
                model = NewsStoryPage
                fields |= {
                    "kind": entry.get("kind", "news"),
                    "names_changed": entry.get("names_changed", False),
                    "share_with_network": entry.get("share_with_network", False),
                    # The consent a story about a survivor rests on (sites.privacy.consent).
                    "consent_given_by": entry.get("consent_given_by", ""),
                    "consent_given_on": entry.get("consent_given_on"),
                    "consent_expires_on": entry.get("consent_expires_on"),
                    "consent_withdrawn_on": entry.get("consent_withdrawn_on"),
                }
            else:
                model = AwarenessArticlePage
                streams["further_resources"] = entry.get("further_resources", [])
            if entry.get("hero_image"):
                fields |= self.hero_image_fields(entry["hero_image"])
            story = self.child(index, model, entry, streams=streams, show_in_menus=False, **fields)
            if isinstance(story, NewsStoryPage) and not story.tags.exists():
                story.tags.add(*entry.get("tags", []))
        give = self.data["give_page"]
        self.child(
            self.home, DonationAppealPage, give, appeal=self.appeal, intro=give.get("intro", "")
        )
        about = self.data["about"]
        self.child(self.home, StandardPage, about, streams={"body": about.get("body", [])})

    def hero_image_fields(self, entry: dict) -> dict:
        """A page's hero image and what it shows (its alt text), or that it is decorative."""
        return {
            "hero_image": demo_image(entry, self.site),
            "hero_image_alt": entry.get("alt", ""),
            "hero_image_decorative": entry.get("decorative", False),
        }

    def set_hero_image(self, page: Page, data: dict) -> None:
        if data.get("hero_image"):
            for name, value in self.hero_image_fields(data["hero_image"]).items():
                setattr(page, name, value)

    def child(
        self, parent: Page, model, entry: dict, streams=None, show_in_menus=True, **fields
    ) -> Page:
        """The page at `entry['slug']` under `parent`, created (unpublished until pass two) if missing."""
        page = parent.get_children().filter(slug=entry["slug"]).specific().first()
        if page is None:
            page = model(
                title=entry["title"], slug=entry["slug"], show_in_menus=show_in_menus, **fields
            )
            for name, stream in (streams or {}).items():
                # First pass: blocks that point at pages not created yet are left out for now.
                setattr(
                    page, name, [block for e in stream if (block := self.block(e, missing_ok=True))]
                )
            parent.add_child(instance=page)
            self.new_pages.append((page, streams or {}))
        path = page.url_path.removeprefix(self.home.url_path).strip("/")
        self.pages[path] = page
        return page

    def hotline(self, key: str) -> Hotline:
        try:
            return self.hotlines[key]
        except KeyError:
            raise DemoError(f"{self.data['_file']}: no hotline with key '{key}'.") from None

    def page(self, path: str, missing_ok: bool) -> Page | None:
        page = self.pages.get(path.strip("/"))
        if page is None and not missing_ok:
            raise DemoError(f"{self.data['_file']}: no page at '{path}'.")
        return page

    def block(self, entry: dict, missing_ok: bool = False) -> dict | None:
        """One fixture block as StreamField raw data, with keys turned into database ids."""
        kind = entry["type"]
        if kind == "text":
            value = entry["html"]
        elif kind == "quote":
            value = {"quote": entry["quote"], "attribution": entry.get("attribution", "")}
        elif kind == "tips":
            value = {"heading": entry["heading"], "items": list_items(entry["items"])}
        elif kind == "fact":
            value = {key: entry.get(key, "") for key in ("figure", "label", "source")}
        elif kind == "hotline_panel":
            value = {
                "heading": entry.get("heading", ""),
                "hotlines": [self.hotline(k).pk for k in entry["hotlines"]],
            }
        elif kind == "donation_appeal":
            value = {"appeal": self.appeal.pk, "show_progress": True}
        elif kind == "call_to_action":
            page = self.page(entry["page"], missing_ok) if entry.get("page") else None
            if entry.get("page") and page is None:
                return None
            value = {
                "heading": entry["heading"],
                "text": entry.get("text", ""),
                "button_label": entry["button_label"],
                "page": page.pk if page else None,
                "url": entry.get("url", ""),
            }
        elif kind == "related_stories":
            stories = [self.page(path, missing_ok) for path in entry["stories"]]
            if None in stories:
                return None
            value = {
                "heading": entry.get("heading", ""),
                "stories": [story.pk for story in stories],
            }
        elif kind == "about":
            figures = [{"figure": f, "label": label} for f, label in entry.get("figures", [])]
            gifts = [{"percent": p, "label": label} for p, label in entry.get("gifts", [])]
            partners = [{"name": name, "url": ""} for name in entry.get("partners", [])]
            value = {
                "heading": entry["heading"],
                "text": entry["html"],
                "figures": list_items(figures),
                "gifts": list_items(gifts),
                "partners": list_items(partners),
                "accountability": entry.get("accountability", ""),
            }
        else:
            raise DemoError(f"{self.data['_file']}: unknown block type '{kind}'.")
        return {"type": kind, "value": value}
