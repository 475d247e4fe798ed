"""Lantern's public delivery API at /api/: anonymous, read-only, site-aware, live content only.

A request answers for the site its host name names, or the one `?site=` names. Only live,
public, unexpired pages appear, in every endpoint, field and nested block.
"""

import functools
from typing import Literal

from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.errors import HttpError

from django.conf import settings
from django.db.models import Count, F, Min, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control

from taggit.models import Tag
from wagtail.models import Page, Site

from blocks.appeals import DonationAppeal
from blocks.hotline import Hotline
from blocks.regions import US_STATES
from sites.api import schemas, serializers
from sites.api.preview import DraftPreview
from sites.api.serializers import TYPE_MODELS, PageSerializer
from sites.api.strict import refuse_unknown_parameters
from sites.caching import memo
from sites.caching.tags import changes_at, depends_on, model, tree
from sites.content.branding import SiteBranding
from sites.content.pages import NewsStoryTag
from sites.content.specific import specific_pages, type_ids
from sites.content.visibility import within
from sites.giving.donate import donate_url
from sites.help.resources import LANGUAGES as HELP_LANGUAGES
from sites.help.resources import Service
from sites.help.search import find_help
from sites.help.zips import (
    ZipError,
    example_zip,
    malformed_zip_message,
    normalise_zip,
    state_for_zip,
)
from sites.serving import chrome
from sites.serving.context_processors import SiteContext
from sites.serving.languages import SOURCE_LANGUAGE, home_pages, home_paths, live_pages, pages_under

MAX_LIMIT = 100
# Every endpoint: 404 for a site or page that is not there, 422 naming each invalid parameter.
ERRORS = {404: schemas.Error, 422: schemas.InvalidInput}
ORDERINGS = {
    "-first_published_at": ("-first_published_at", "-pk"),
    "first_published_at": ("first_published_at", "pk"),
    "-last_published_at": ("-last_published_at", "-pk"),
    "title": ("title", "pk"),
    "path": ("path",),
}

api = NinjaAPI(
    title="Lantern public API",
    version="1",
    description=(
        "A site's live, public content for partners' own front ends. Send the site's host name "
        "as the Host header, or name the site with `?site=`. Read-only; no authentication."
    ),
    urls_namespace="lantern_api",
)
api.add_decorator(refuse_unknown_parameters, mode="view")


def site_for(request: HttpRequest, site: str | None) -> Site:
    if site:
        found = (
            Site.objects.filter(hostname=site.strip().lower()).select_related("root_page").first()
        )
        if found is None:
            raise HttpError(404, f"No site answers on '{site}'.")
        return found
    return chrome.site_for(request)  # a reader's: as the worker keeps it (sites.serving.chrome)


def site_or_network(site: Site, locale: str | None = None) -> Q:
    """Snippets a site may show: its own agency's and the network's, in one language (the
    source language's unless `locale` names another)."""
    return (Q(owner=site) | Q(owner__isnull=True)) & Q(
        locale__language_code=locale or SOURCE_LANGUAGE
    )


def serializer_for(request) -> PageSerializer:
    """A serializer for the request: it looks up sites and languages only if it needs them."""
    return PageSerializer(request)


def branding_for(request, site: Site) -> SiteBranding:
    """The site's branding: the request's own is loaded once a request (Wagtail keeps it)."""
    if site == chrome.site_for(request):
        return SiteBranding.for_request(request)
    return SiteBranding.for_site(site)


def owners_of(items) -> dict[int, str]:
    """Hostname by site id, for the owners of `items` (loaded with their owner)."""
    return {item.owner_id: item.owner.hostname for item in items if item.owner_id}


def cacheable(response: HttpResponse) -> None:
    """Shared caches may keep answers a minute; ETags (ConditionalGetMiddleware) make revalidation cheap.

    Lantern's page cache keeps them too, purged exactly as pages are (sites.caching)."""
    patch_cache_control(response, public=True, max_age=60)


def one_page(request, response: HttpResponse, pages, missing: str):
    """The one page `pages` holds, in detail, or a 404 saying what was not found."""
    found = specific_pages(pages.select_related("locale")[:1])  # one query, whatever its type
    page = found[0] if found else None
    if page is None:
        return Status(404, {"detail": missing})
    cacheable(response)
    return Status(200, serializer_for(request).detail(page))


# Patterns keep every string parameter to what it can be: no control characters (a NUL byte
# would reach the database), with a 422 naming the parameter otherwise.
HOSTNAME = r"^[A-Za-z0-9.-]{1,253}$"
SLUG = r"^[^\x00-\x1f\x7f/?#]{1,255}$"
PATH = r"^[^\x00-\x1f\x7f]{0,2000}$"
PREVIEW_KEY = r"^[A-Za-z0-9_-]{16,64}$"  # the shape of a preview token (noqa: not a secret)
SITE_DESCRIPTION = "Host name of the site, when not the request's own."


class SiteParam(Schema):
    site: str | None = Field(None, pattern=HOSTNAME, description=SITE_DESCRIPTION)


class SnippetParams(Schema):
    site: str | None = Field(None, pattern=HOSTNAME, description=SITE_DESCRIPTION)
    locale: Literal[tuple(code for code, _ in settings.LANGUAGES)] | None = Field(  # type: ignore[valid-type]
        None,
        description="Their translations into this language; the source language's if not given.",
    )


LocaleParam = Literal[tuple(code for code, _ in settings.LANGUAGES)]  # type: ignore[valid-type]


class SiteLanguageParam(SiteParam):
    locale: LocaleParam | None = Field(  # type: ignore[valid-type]
        None, description="The language of the site's words, navigation and help lines."
    )


class Window(Schema):
    """Which part of a listing: `limit` items from `offset`."""

    limit: int = Field(20, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000)


class PageFilters(Window, SiteParam):
    locale: LocaleParam | None = Field(  # type: ignore[valid-type]
        None,
        description="The language of the pages listed (of those the site is published in); "
        "the site's source language when not given.",
    )
    type: Literal[tuple(TYPE_MODELS)] | None = Field(None, description="Only pages of this type.")  # type: ignore[valid-type]
    tag: str | None = Field(
        None, pattern=SLUG, description="Only news stories with this tag (its slug)."
    )
    parent: int | None = Field(None, description="Only children of this page.")
    order: Literal[tuple(ORDERINGS)] = "-first_published_at"  # type: ignore[valid-type]


def absolute_on(home, request, url: str) -> str:
    """`url`, a path on the site of `home`, as a whole address there (as pages' `url`)."""
    parts = home.get_url_parts(request) if url.startswith("/") else None
    return f"{parts[1]}{url}" if parts else url


@api.get(
    "/site",
    response={200: schemas.SiteInfo, **ERRORS},
    tags=["site"],
    summary="The site: branding, navigation and help lines",
)
def site_info(request, response: HttpResponse, params: Query[SiteLanguageParam]):
    site = site_for(request, params.site)
    homes = home_pages(site, request)
    language = params.locale if params.locale in homes else SOURCE_LANGUAGE
    names = dict(settings.LANGUAGES)
    cacheable(response)
    # The chrome a worker keeps for this request (sites.serving.chrome) is the request's own site's in
    # the request's language: for another site or language, the menu and help lines are loaded.
    request_chrome_fits = not params.site and language == translation.get_language()
    with translation.override(language):
        context = SiteContext(request)
        if not request_chrome_fits:
            context.chrome = None
        context.site, context.branding = site, branding_for(request, site)
        context.home = home = homes.get(language, site.root_page).specific
        branding = context.branding
        serializer = serializer_for(request)
        return {
            "hostname": site.hostname,
            "language": language,
            "languages": [
                {
                    "code": code,
                    "name": names.get(code, code),
                    "home": page.get_url_parts(request)[2],
                }
                for code, page in homes.items()
            ],
            "name": branding.display_name or site.site_name,
            "tagline": home.tagline,
            "primary_colour": branding.primary_colour,
            "accent_colour": branding.accent_colour,
            "logo": serializers.image(branding.logo),
            # Where the site's own Donate buttons lead (its donation step, absolute, or the
            # branding's link): a partner's front end gives where the site gives.
            "donate_url": absolute_on(
                home,
                request,
                context.chrome.donate_url if context.chrome else donate_url(site, home, branding),
            ),
            "donate_label": home.donate_label,
            "footer_text": home.footer_text,
            "safety_message": home.safety_message,
            "home": serializer.summary(home),
            "navigation": [
                {"title": item["title"], "path": item["url"]} for item in context.navigation
            ],
            "help_hotlines": [
                serializers.hotline(line, serializer.owners) for line in context.help_hotlines
            ],
        }


def listing(
    filters,
    now,
    parent_path=None,
    parent_depth=None,
    tag=None,
    types=None,
    walk_order=False,
    pages=None,
    **paths,
):
    """The pages `/pages` lists with `filters`, ordered: under the home pages at `paths`
    (path0, path1…), readable at `now`, of content `types`, children of the parent at
    `parent_path` (and `parent_depth`), with a tag. `walk_order` for a window of it, not its
    count (`pages_under`). `pages`: where to start from (`listed_rows`), all pages by default."""
    homes = [paths[f"path{number}"] for number in range(len(paths))]
    pages = pages_under(homes, now, walk_order=walk_order, pages=pages)
    if types is not None:
        pages = pages.filter(content_type_id__in=types)
    if parent_path is not None:
        pages = pages.filter(within(parent_path), depth=parent_depth)
    if tag is not None:
        pages = pages.filter(
            pk__in=NewsStoryTag.objects.filter(tag__slug=tag).values("content_object_id")
        )
    return pages.order_by(*ORDERINGS[filters.order])


def window_query(filters, **values):
    """The rows of one window of a listing (not run yet): Wagtail's page table only."""
    window = listing(filters, walk_order=True, pages=listed_rows(), **values)
    return window[filters.offset : filters.offset + filters.limit]


def depends_on_listing(values: dict) -> None:
    """What a listing with `values` lists (`tags`): every page under its home pages, as
    `home_paths` declares, and with a tag, which stories the tag's slug finds."""
    depends_on(*(tree(value) for name, value in values.items() if name.startswith("path")))
    if "tag" in values:
        depends_on(model(Tag))


def listed_window(filters, values: dict) -> list[dict]:
    """The rows of one window of a listing, kept per worker (`caching.memo`, with the pages'
    own fields and the count) while the listing's tags hold and until the first of its pages
    expires: building and running its query was the costliest part of an uncached listing."""
    key = ("window", filters.order, filters.offset, filters.limit, *count_key(values)[1:])

    def window():
        depends_on_listing(values)
        rows = list(window_query(filters, **values))
        changes_at(min((row["expire_at"] for row in rows if row["expire_at"]), default=None))
        return rows

    return memo.remembered(key, window, entries=memo.LISTED)


def count_key(values: dict) -> tuple:
    """What a listing's count is kept under (`listed_count`): the listing's filters."""
    return ("count", *sorted((name, str(value)) for name, value in values.items() if name != "now"))


def listed_count(filters, kept: dict, **values) -> int:
    """How many pages the listing has in all.

    Counting means reading every page the listing has, not a window's: a worker keeps the
    count (`caching.memo`, found in `kept`) while the listing's tags hold (a page published,
    unpublished, moved or made private anywhere under its home pages, a tag renamed) and until
    the next of its pages expires."""
    key = count_key(values)
    if key in kept:
        return kept[key]

    def count():
        depends_on_listing(values)
        pages = listing(filters, **values).order_by()
        counted = pages.aggregate(n=Count("pk"), next_expiry=Min("expire_at"))
        changes_at(counted["next_expiry"])
        return {key: counted["n"]}

    return memo.remembered_together(count, memo.LISTED)[key]


@functools.cache
def listed_rows():
    """Every page as a row of a listing (never run itself: each request filters a copy).

    Rows, not objects: a page and its specific page made for each were half a listing's time.
    Only Wagtail's page table (and the locale's code): each page type's own fields and the
    stories' tags come after, for the window's pages alone (`PageSerializer.listed`)."""
    return Page.objects.values(
        "content_type_id",
        "expire_at",  # how long a kept window holds (`listed_window`)
        *(column for column in serializers.LISTED.values() if column != "language"),
        language=F("locale__language_code"),
    )


@api.get(
    "/pages",
    response={200: schemas.PageList, **ERRORS},
    tags=["pages"],
    summary="List live pages",
)
def list_pages(request, response: HttpResponse, filters: Query[PageFilters]):
    site = site_for(request, filters.site)
    paths = home_paths(site, request, filters.locale or SOURCE_LANGUAGE)
    values = {f"path{number}": path for number, path in enumerate(paths)}
    values["now"] = timezone.now()
    if filters.parent is not None:
        parent = Page.objects.filter(pk=filters.parent).first()
        if parent is None:
            paths = values = None  # nothing is listed
        else:
            values.update(parent_path=parent.path, parent_depth=parent.depth + 1)
    if filters.tag and values is not None:
        values["tag"] = filters.tag
    if filters.type and values is not None:
        values["types"] = type_ids(TYPE_MODELS[filters.type])
    if values is None:
        count, window, kept = 0, [], {}
    else:
        window = listed_window(filters, values)
        whole = filters.offset == 0 and len(window) < filters.limit  # the whole listing
        # What workers keep of the answer (its count, its pages' summaries), in one read.
        keys = serializers.listed_keys(window) + ([] if whole else [count_key(values)])
        kept = memo.recalled(keys, memo.LISTED)
        count = len(window) if whole else listed_count(filters, kept, **values)
    items = serializer_for(request).listed(window, kept)
    cacheable(response)
    return {"count": count, "limit": filters.limit, "offset": filters.offset, "items": items}


@api.get(
    "/pages/find",
    response={200: schemas.PageDetail, **ERRORS},
    tags=["pages"],
    summary="A page by its path on the site",
)
def find_page(
    request,
    response: HttpResponse,
    path: str = Query(
        ..., pattern=PATH, description="The page's path on the site, e.g. /stories/…/"
    ),
    site: str | None = Query(None, pattern=HOSTNAME, description=SITE_DESCRIPTION),
):
    chosen = site_for(request, site)
    # A page's path starts with its language (/es/historias/…); a path without one is taken
    # to be in the site's source language.
    language, _, rest = path.strip("/").partition("/")
    homes = home_pages(chosen, request)
    if language not in homes:
        language, rest = SOURCE_LANGUAGE, path.strip("/")
    home = homes.get(language, chosen.root_page)
    url_path = f"{home.url_path}{rest}/" if rest else home.url_path
    pages = live_pages(chosen, request).filter(url_path=url_path)
    return one_page(request, response, pages, f"No live page at '{path}' on {chosen.hostname}.")


@api.get(
    "/pages/{page_id}",
    response={200: schemas.PageDetail, **ERRORS},
    tags=["pages"],
    summary="One live page, with its blocks",
)
def page_detail(
    request,
    response: HttpResponse,
    page_id: int,
    site: str | None = Query(None, pattern=HOSTNAME, description=SITE_DESCRIPTION),
):
    chosen = site_for(request, site)
    pages = live_pages(chosen, request).filter(pk=page_id)
    return one_page(request, response, pages, f"No live page {page_id} on {chosen.hostname}.")


@api.get(
    "/preview",
    response={200: schemas.PageDetail, **ERRORS},
    tags=["pages"],
    summary="A draft an editor is previewing, for the holder of its preview token",
)
def preview(request, response: HttpResponse, preview_token: str = Query(..., pattern=PREVIEW_KEY)):
    page = DraftPreview.page_for(preview_token)
    response["Cache-Control"] = "no-store"  # a draft must never sit in a shared cache
    if page is None:
        return Status(404, {"detail": "This preview link has expired or does not exist."})
    return Status(200, serializer_for(request).detail(page))


@api.get(
    "/hotlines",
    response={200: list[schemas.Hotline], **ERRORS},
    tags=["shared"],
    summary="Hotlines the site may show",
)
def hotlines(request, response: HttpResponse, params: Query[SnippetParams]):
    site = site_for(request, params.site)
    depends_on(model(Hotline))  # kept in the page cache until a hotline changes
    lines = Hotline.objects.filter(site_or_network(site, params.locale)).select_related("owner")
    cacheable(response)
    return [serializers.hotline(line, owners_of(lines)) for line in lines]


@api.get(
    "/appeals",
    response={200: list[schemas.Appeal], **ERRORS},
    tags=["shared"],
    summary="Donation appeals the site may show",
)
def appeals(request, response: HttpResponse, params: Query[SnippetParams]):
    site = site_for(request, params.site)
    depends_on(model(DonationAppeal))  # kept in the page cache until an appeal changes
    cacheable(response)
    return [
        serializers.appeal(item)
        for item in DonationAppeal.objects.filter(site_or_network(site, params.locale))
    ]


class HelpParams(Schema):
    zip: str | None = Field(
        None,
        max_length=20,
        pattern=r"^[^\x00-\x1f\x7f]*$",
        description="The reader's ZIP code (5 digits, or ZIP+4). A malformed or unknown one is "
        "not an error: the answer says why in `notice` and still gives the national hotlines.",
    )
    state: Literal[tuple(US_STATES)] | None = Field(  # type: ignore[valid-type]
        None, description="A two-letter state code, when no ZIP code is given."
    )
    service: Literal[tuple(Service.values)] | None = Field(  # type: ignore[valid-type]
        None, description="Only services of this kind."
    )
    language: Literal[tuple(code for code, _ in HELP_LANGUAGES)] | None = Field(  # type: ignore[valid-type]
        None,
        description="Only services that help people in this language (or any, through interpreters).",
    )
    open_now: bool = Field(
        False, description="Only services open now, by their weekly hours or open 24/7."
    )
    locale: LocaleParam | None = Field(  # type: ignore[valid-type]
        None, description="The language of the answer's words (names, hours, descriptions)."
    )


@api.get(
    "/help",
    response={200: schemas.HelpResults, **ERRORS},
    tags=["help directory"],
    summary="Find help for a ZIP code or state: local, then statewide, then national",
)
def find_help_for(request, response: HttpResponse, params: Query[HelpParams]):
    zip_code, notice = "", None
    with translation.override(params.locale or SOURCE_LANGUAGE):
        if params.zip and params.zip.strip():
            try:
                state_for_zip(params.zip)
                zip_code = normalise_zip(params.zip)
            except ZipError as exc:
                notice = str(exc)
                if exc.malformed:  # with an example from the asking site's own state
                    site = chrome.site_for(request)
                    state = branding_for(request, site).state if site else ""
                    notice = malformed_zip_message(example_zip(state))
        found = find_help(
            zip=zip_code,
            state="" if notice else (params.state or ""),
            service=params.service or "",
            language=params.language or "",
            open_now=params.open_now,
        )
    owners = owners_of(
        [*found.local, *found.state_hotlines, *found.statewide, *found.national, *found.hotlines]
    )
    cacheable(response)
    return {
        "zip": found.zip or None,
        "state": found.state or None,
        "notice": notice,
        "local": [serializers.help_resource(item, owners) for item in found.local],
        "state_hotlines": [serializers.hotline(line, owners) for line in found.state_hotlines],
        "statewide": [serializers.help_resource(item, owners) for item in found.statewide],
        "national": [serializers.help_resource(item, owners) for item in found.national],
        "hotlines": [serializers.hotline(line, owners) for line in found.hotlines],
    }
