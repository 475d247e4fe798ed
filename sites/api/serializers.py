"""Pages, blocks and snippets as the public API's plain data (shapes in schemas.py)."""

import functools

from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from django.utils.functional import cached_property

from wagtail.models import Locale, Page, Site
from wagtail.rich_text import expand_db_html

from blocks.appeals import DonationAppeal
from blocks.base import alt_text
from blocks.chosen import site_of
from blocks.hotline import Hotline
from blocks.regions import parse_states
from sites.caching import memo
from sites.caching.tags import depends_on
from sites.caching.tags import page as page_tag
from sites.content.pages import (
    AwarenessArticlePage,
    DonationAppealPage,
    HomePage,
    NewsIndexPage,
    NewsStoryPage,
    StandardPage,
    tags_of,
)
from sites.content.sharing import partner_stories
from sites.help.details import whole_miles
from sites.help.pages import FindHelpPage
from sites.help.resources import HelpResource
from sites.serving.addresses import address_parts

PAGE_TYPES = {
    HomePage: "home",
    NewsIndexPage: "news_index",
    NewsStoryPage: "news_story",
    AwarenessArticlePage: "awareness_article",
    DonationAppealPage: "donation_appeal",
    StandardPage: "standard",
    FindHelpPage: "find_help",
}
TYPE_MODELS = {name: model for model, name in PAGE_TYPES.items()}
RENDITIONS = {"small": "width-640", "large": "width-1200"}


def channels(item) -> list[dict]:
    """Every way to reach a hotline or help resource (blocks.channels.Reachable), with its link."""
    found = []
    if item.phone:
        found.append({"kind": "call", "label": item.phone, "href": item.tel_href})
    if item.sms_number:
        label = f"{item.sms_keyword} to {item.sms_number}" if item.sms_keyword else item.sms_number
        found.append({"kind": "text", "label": label, "href": item.sms_href})
    if item.tty:
        found.append({"kind": "tty", "label": item.tty, "href": item.tty_href})
    if item.chat_url:
        found.append({"kind": "chat", "label": "Chat online", "href": item.chat_url})
    return found


def hotline(line: Hotline, owners: dict[int, str] | None = None) -> dict:
    return {
        "id": line.pk,
        "name": line.name,
        "description": line.description,
        "channels": channels(line),
        "hours": line.hours,
        "open_24_7": line.is_24_7,
        "languages": line.languages,
        "coverage": {
            "kind": line.coverage,
            "states": parse_states(line.states) if line.states else [],
        },
        "owner": (owners or {}).get(line.owner_id) if line.owner_id else None,
    }


def help_resource(resource: HelpResource, owners: dict[int, str] | None = None) -> dict:
    return {
        "id": resource.pk,
        "reference": resource.reference,
        "organisation": resource.organisation,
        "description": resource.description,
        "services": resource.services,
        "channels": channels(resource),
        "email": resource.email,
        "website": resource.website,
        "hours": resource.hours,
        "open_24_7": resource.is_24_7,
        "languages": resource.languages,
        "interpreters": resource.interpreters,
        "language_notes": resource.language_notes,
        "area": {
            "kind": resource.area,
            "states": parse_states(resource.states) if resource.states else [],
            "zip_prefixes": resource.prefix_list,
        },
        "last_verified": resource.last_verified,
        "owner": (owners or {}).get(resource.owner_id) if resource.owner_id else None,
        **reader_details(resource),
    }


def reader_details(resource: HelpResource) -> dict:
    """What the find-help page tells a reader of a resource its search found
    (`sites.help.details`): how far, whether open, how many places free."""
    opening, stale = resource.opening, resource.capacity_stale
    return {
        "distance_miles": whole_miles(resource.distance_miles),
        "distance": resource.distance,
        "opening": {
            "is_open": opening.is_open,
            "text": opening.sentence,
            "changes_at": opening.changes_at,
        }
        if opening is not None
        else None,
        "capacity": {
            "available": None if stale else resource.capacity_available,
            "maximum": resource.capacity_maximum,
            "unit": resource.capacity_unit,
            "counted_at": resource.capacity_updated,
            "stale": stale,
            "text": resource.capacity,
        }
        if resource.capacity
        else None,
    }


def appeal(item: DonationAppeal) -> dict:
    return {
        "id": item.pk,
        "headline": item.headline,
        "text_html": expand_db_html(item.text),
        "goal": item.goal,
        "raised": item.total_raised,  # what readers see: typed, plus given online
        "percent": item.percent,
        "donate_url": item.donate_url,
        "end_date": item.end_date,
        "is_open": item.is_open,
    }


def image(img) -> dict | None:
    if img is None:
        return None
    renditions = img.get_renditions(*RENDITIONS.values())
    return {
        "id": img.pk,
        "title": img.title,
        "alt": alt_text(img),
        "width": img.width,
        "height": img.height,
        "renditions": {name: renditions[spec].url for name, spec in RENDITIONS.items()},
    }


# What a listing reads of each page from Wagtail's page table (sites.api.api.window_query):
# summary field -> column (`language` is its locale's code).
LISTED = {
    "id": "id",
    "title": "title",
    "slug": "slug",
    "url_path": "url_path",
    "locale": "language",
    "first_published_at": "first_published_at",
    "last_published_at": "last_published_at",
}
# What it reads from the page type's own table: summary field -> the first of these fields the
# type has (`own_columns`); None (or "" for a summary) for a type with none of them.
LISTED_OWN = {
    "date": ["date"],
    "summary": ["summary", "intro"],
    "kind": ["kind"],
    "reading_minutes": ["reading_minutes"],
}
NOT_LISTED = {"date": None, "summary": "", "kind": None, "reading_minutes": None}


@functools.cache
def own_columns(model) -> dict[str, str]:
    """`LISTED_OWN` for one page type: summary field -> the type's own field, for those it has."""
    page_fields = {field.name for field in Page._meta.concrete_fields}
    own = {field.name for field in model._meta.concrete_fields} - page_fields
    found = {}
    for name, fields in LISTED_OWN.items():
        field = next((field for field in fields if field in own), None)
        if field is not None:
            found[name] = field
    return found


def listed_keys(rows: list[dict]) -> list[tuple]:
    """What `listed_own` keeps the pages `rows` under."""
    return [("listed", row["id"]) for row in rows]


def listed_own(rows: list[dict], kept: dict) -> dict[int, dict]:
    """What the summaries of the pages `rows` (of `LISTED` columns and `content_type_id`) show
    from beyond Wagtail's page table, by page id: their type, their type's `LISTED_OWN` fields
    and a story's tags.

    Kept per worker while each page and its tags are unchanged (`caching.memo`: `kept` has
    what `memo.recalled` found of `listed_keys`); the others are read together: a query for
    each page type among them that has own fields, and one for the stories' tags. Never a
    query for each page."""
    keys = listed_keys(rows)
    found = {key: kept[key] for key in keys if key in kept}
    missing = [row for row, key in zip(rows, keys, strict=True) if key not in found]
    if missing:
        found.update(memo.remembered_together(lambda: read_own(missing), memo.LISTED))
    return {key[1]: value for key, value in found.items()}


def read_own(rows: list[dict]) -> dict[tuple, dict]:
    """`listed_own` of `rows`, read from the database, under their keys."""
    models = {
        row["id"]: ContentType.objects.get_for_id(row["content_type_id"]).model_class()
        for row in rows
    }
    by_type: dict[type, list[int]] = {}
    for pk, model in models.items():
        depends_on(page_tag(pk))  # read as rows, not loaded: any save of it is a change of it
        if model is not None and own_columns(model):
            by_type.setdefault(model, []).append(pk)
    own = {}
    for model, ids in by_type.items():
        columns = own_columns(model)
        for pk, *values in model._base_manager.filter(pk__in=ids).values_list(
            "pk", *columns.values()
        ):
            own[pk] = dict(zip(columns, values, strict=True))
    stories = [pk for pk, model in models.items() if model and issubclass(model, NewsStoryPage)]
    tags = tags_of(stories)
    found = {}
    for pk, model in models.items():
        fields = {**NOT_LISTED, **own.get(pk, {}), "type": PAGE_TYPES.get(model, "page")}
        fields["summary"] = fields["summary"] or ""
        fields["tags"] = [name for name, _ in tags.get(pk, [])]
        found[("listed", pk)] = fields
    return found


class PageSerializer:
    """Serialises pages for one request, sharing per-request lookups (site roots, tags).

    The sites (owners of snippets, by hostname) and languages are looked up once, and only if
    an answer needs them: a page loaded with its locale needs no lookup for its language."""

    def __init__(self, request, owners: dict[int, str] | None = None, locales=None):
        self.request = request
        if owners is not None:
            self.owners = owners
        if locales is not None:
            self.locales = locales

    @cached_property
    def owners(self) -> dict[int, str]:
        return dict(Site.objects.values_list("pk", "hostname"))

    @cached_property
    def locales(self) -> dict[int, str]:
        return dict(Locale.objects.values_list("pk", "language_code"))

    def language(self, page) -> str:
        if Page.locale.is_cached(page):
            return page.locale.language_code
        return self.locales.get(page.locale_id, "")

    def summary(self, page, tags: dict[int, list[str]] | None = None) -> dict:
        return self._summary(
            page.get_url_parts(self.request),
            {
                "id": page.pk,
                "type": PAGE_TYPES.get(type(page), "page"),
                "title": page.title,
                "slug": page.slug,
                "url_path": page.url_path,
                "locale": self.language(page),
                "date": getattr(page, "date", None),
                "summary": getattr(page, "summary", "") or getattr(page, "intro", "") or "",
                "kind": getattr(page, "kind", None),
                "reading_minutes": getattr(page, "reading_minutes", None),
                "first_published_at": page.first_published_at,
                "last_published_at": page.last_published_at,
            },
            tags,
        )

    def listed(self, rows: list[dict], kept: dict) -> list[dict]:
        """`summary` of each page of a listing read as a row of `LISTED` columns (with its
        `content_type_id`), not as objects, with what `listed_own` adds (`kept`: what workers
        keep of it, as `memo.recalled` found it)."""
        own = listed_own(rows, kept)
        summaries = []
        for row in rows:
            fields = {name: row[column] for name, column in LISTED.items()}
            fields.update(own[row["id"]])
            tags = {row["id"]: fields.pop("tags")}
            parts = address_parts(row["url_path"], self.request)
            summaries.append(self._summary(parts, fields, tags))
        return summaries

    def _summary(self, url_parts, fields: dict, tags) -> dict:
        _, root_url, path = url_parts or (None, "", fields["url_path"])
        data = {
            "path": path,
            "url": f"{root_url}{path}",
            "tags": (tags or {}).get(fields["id"], []),
        }
        data.update(fields)
        del data["url_path"]
        return data

    def detail(self, page) -> dict:
        # Chosen hotlines, appeals and stories in the page's own language where translated.
        with translation.override(self.language(page) if page.locale_id else None):
            return self._detail(page)

    def _detail(self, page) -> dict:
        data = self.summary(
            page, {page.pk: list(page.tags.names())} if isinstance(page, NewsStoryPage) else None
        )
        for field in ("hero_heading", "hero_text", "intro", "names_changed"):
            if hasattr(page, field):
                data[field] = getattr(page, field)
        data["hero_image"] = image(getattr(page, "hero_image", None))
        # Pages chosen in its blocks are given only where readers of its site may follow them.
        site_id = site_of(page, self.request) if page.pk else None
        data["body"] = self.stream(getattr(page, "body", None), site_id)
        data["further_resources"] = self.stream(getattr(page, "further_resources", None), site_id)
        if isinstance(page, DonationAppealPage):
            data["appeal"] = appeal(page.appeal)
        if isinstance(page, HomePage):
            data["featured_stories"] = [self.summary(story) for story in page.featured_stories()]
        if isinstance(page, NewsIndexPage):
            data["partner_stories"] = [self.summary(story) for story, _ in partner_stories(page)]
        return data

    def stream(self, value, site_id: int | None = None) -> list[dict]:
        return [
            {"type": child.block_type, "id": child.id, "value": self.block(child, site_id)}
            for child in value or []
        ]

    def block(self, child, site_id: int | None = None) -> dict:
        kind, value = child.block_type, child.value
        if kind == "text":
            return {"html": expand_db_html(value.source)}
        if kind == "image":
            return {
                "image": image(value["image"]),
                "caption": value["caption"],
                "credit": value["credit"],
            }
        if kind == "hotline_panel":
            lines = [hotline(line, self.owners) for line in value.hotlines_to_show()]
            return {"heading": value["heading"], "hotlines": lines}
        if kind == "donation_appeal":
            chosen = value.appeal_to_show()
            return {
                "appeal": appeal(chosen) if chosen else None,
                "show_progress": value["show_progress"],
            }
        if kind == "call_to_action":
            page = value.page_to_show(site_id, self.request)
            if page is not None:
                url = page.get_url(self.request)
            else:  # no page, or one readers may not follow: nothing of it is told
                url = None if value["page"] else (value["url"] or None)
            return {
                "heading": value["heading"],
                "text": value["text"],
                "button_label": value["button_label"],
                "url": url,
            }
        if kind == "related_stories":
            return {
                "heading": value["heading"],
                "stories": [
                    self.summary(story) for story in value.live_stories(site_id, self.request)
                ],
            }
        if kind == "tips":
            return {"heading": value["heading"], "items": list(value["items"])}
        if kind == "about":
            return {
                "heading": value["heading"],
                "html": expand_db_html(value["text"].source),
                "figures": [dict(figure) for figure in value["figures"]],
                "gifts": [dict(gift) for gift in value["gifts"]],
                "partners": [dict(partner) for partner in value["partners"]],
                "accountability": value["accountability"],
            }
        return dict(value)  # quote, fact: plain text fields
