"""Which language a reader reads in: the one the URL names (/es/…), among those the site offers.

Wagtail and wagtail-localize treat languages as global; Lantern adds the per-site list (a
site's branding names its languages) and keeps readers to it. A language is offered on a site
once the site's home page is live in it. A page with no live translation is absent in that
language, never shown in English under /es/: the switcher leads to that language's home page
instead, and says so.
"""

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

from wagtail.models import Locale, Page, PageViewRestriction, Site

from sites.caching.tags import depends_on, model, tree
from sites.content.specific import keep_loaded, specific_pages
from sites.content.visibility import privacy, readable, readable_now, within
from sites.serving.addresses import full_page_url, page_url
from sites.serving.chrome import site_for
from sites.serving.routing import known_privacy

SOURCE_LANGUAGE = settings.LANGUAGE_CODE


def installed_languages() -> dict[str, str]:
    return dict(settings.LANGUAGES)


def configured_languages(site: Site, request=None) -> list[str]:
    """The languages the site's branding names, source language first, installed ones only."""
    from sites.content.branding import SiteBranding

    if request is not None and site_for(request) == site:
        return SiteBranding.for_request(request).language_codes  # cached on the request
    return SiteBranding.for_site(site).language_codes


def home_pages(site: Site, request=None) -> dict[str, Page]:
    """The site's home page in each of its languages where that home page is live.

    Asked several times while a page renders (serving, switcher, navigation): kept on the
    request, so it costs one query a request (and the branding's, shared with the page). Each
    home page comes in its specific type with its language, ready for the words every page
    shows.
    """
    cache = getattr(request, "_lantern_home_pages", None) if request is not None else None
    if cache is not None and site.pk in cache:
        return cache[site.pk]
    return _load(site, request)[0]


def _load(site: Site, request=None, page: Page | None = None) -> tuple[dict, dict]:
    """The site's home pages (as home_pages) and, with `page`, the translations of `page`
    readers may see by language (its own included): both in one query."""
    root = site.root_page
    wanted = Q(translation_key=root.translation_key, depth=root.depth, live=True)
    if page is not None:
        wanted |= Q(translation_key=page.translation_key)
    rows = specific_pages(
        Page.objects.filter(wanted).select_related("locale").annotate(**privacy()),
        [root.specific_class],
        others_generic=True,
    )
    by_language = {
        row.locale.language_code: row
        for row in rows
        if row.translation_key == root.translation_key and row.depth == root.depth and row.live
    }
    homes = {
        code: by_language[code]
        for code in configured_languages(site, request)
        if code in by_language
    }
    if request is not None:
        if getattr(request, "_lantern_home_pages", None) is None:
            request._lantern_home_pages = {}
        request._lantern_home_pages.setdefault(site.pk, homes)
    translations = {
        row.locale.language_code: row
        for row in rows
        if page is not None and row.translation_key == page.translation_key and readable_now(row)
    }
    return request._lantern_home_pages[site.pk] if request is not None else homes, translations


def offered_languages(site: Site, request=None) -> list[str]:
    """The languages readers of the site may read it in: configured, with a live home page."""
    return list(home_pages(site, request))


def live_pages(site: Site, request=None, locale: str | None = None, now=None):
    """Every page readers of `site` may see: live, public, not past its expiry (at `now`), in
    the languages the site is published in (or in `locale` only)."""
    return pages_under(home_paths(site, request, locale), now)


def home_paths(site: Site, request=None, locale: str | None = None) -> list[str]:
    """The tree paths of the site's home pages in its languages (or in `locale` only)."""
    paths = []
    for code, home in home_pages(site, request).items():
        if locale is None or code == locale:
            paths.append(home.path)
            depends_on(tree(home))  # a page published anywhere on the site may be listed
    return paths


def pages_under(paths: list[str], now=None, *, walk_order: bool = False, pages=None):
    """The pages readers may see at or under the pages at `paths`.

    Found through the path's index (`within`), as counting them needs. `walk_order` for a
    window of a listing instead: the same pages, matched by prefix, which SQLite does not look
    up in an index, so that it walks the index of the listing's order and stops at the window's
    end, rather than sorting every page of the site first."""
    in_site = Q(pk__in=[])
    for path in paths:
        if walk_order:
            in_site |= Q(path__startswith=path)
        else:
            in_site |= within(path, inclusive=True)
    return readable(Page.objects if pages is None else pages, now).filter(in_site)


def best_language(accept_language: str, offered: list[str]) -> str:
    """The reader's most preferred offered language (es-MX matches es), else the first offered."""
    for code, _quality in parse_accept_lang_header(accept_language or ""):
        code = code.lower()
        for candidate in (code, code.split("-")[0]):
            if candidate in offered:
                return candidate
    return offered[0]


def translations_of(key, now):
    """The live translations of the page whose translation key is `key`, with their locales."""
    return readable(Page.objects.filter(translation_key=key), now).select_related("locale")


def alternates(page: Page, site: Site, request=None) -> list[dict]:
    """Every offered language for the page: its live translation, else that language's home.

    Each entry: code, name, url, current (the language being read), translated (False when
    the link leads to the home page because this page has no translation in that language).
    """
    homes = (getattr(request, "_lantern_home_pages", None) or {}).get(site.pk)
    root = site.root_page
    if homes is None:  # the home pages and the page's translations together: one query
        homes, translations = _load(site, request, page)
    elif page.translation_key == root.translation_key and page.depth == root.depth:
        translations = {code: home for code, home in homes.items() if readable_now(home)}
    else:
        depends_on(model(PageViewRestriction))  # as `readable` says when it builds the query
        found = translations_of(page.translation_key, timezone.now())
        translations = {p.locale.language_code: p for p in found}
    current = page.locale.language_code
    names = installed_languages()
    links = []
    for code, home in homes.items():
        target = translations.get(code)
        links.append(
            {
                "code": code,
                "name": names.get(code, code),
                "url": page_url((target or home).url_path, request, site.pk),
                "full_url": full_page_url((target or home).url_path, request),
                "current": code == current,
                "translated": target is not None,
            }
        )
    return links


class URLLanguageMiddleware:
    """Activates the language the URL's prefix names, the source language otherwise.

    Unlike Django's LocaleMiddleware it reads no cookie and no Accept-Language here: a page's
    address alone decides its language, so every reader of /es/… gets the same (cacheable)
    page. Only the bare / looks at Accept-Language (choose_language below).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        code = translation.get_language_from_path(request.path_info) or SOURCE_LANGUAGE
        translation.activate(code)
        request.LANGUAGE_CODE = code
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", code)
        return response


def choose_language(request):
    """/ : the site's home page in the reader's best language among the site's."""
    site = site_for(request)
    if site is None:
        raise Http404("No site answers on this host name.")
    homes = home_pages(site, request)
    if not homes:
        raise Http404("This site has no live home page.")
    code = best_language(request.headers.get("Accept-Language", ""), list(homes))
    response = HttpResponseRedirect(homes[code].get_url(request))
    patch_vary_headers(response, ["Accept-Language"])
    return response


def to_source_language(request, path):
    """A page address without a language prefix (an old link) leads to it in the source language.

    One that has a language prefix already was not found there: a 404, not a redirect to
    /en/en/… (and on, for ever)."""
    if path.split("/", 1)[0] in installed_languages():
        raise Http404("No page here.")
    return HttpResponseRedirect(f"/{SOURCE_LANGUAGE}/{path}")


def refuse_other_languages(page, request, serve_args, serve_kwargs):
    """before_serve_page: a page is served only in its own language, on a site offering it.

    Wagtail falls back to the source language's home when a language has no home page of its
    own; this turns that fallback into a 404.
    """
    language = translation.get_language()
    site = site_for(request)
    if site is not None and not Page.locale.is_cached(page):
        # The site's home pages carry their language (and the language links need them):
        # the page's own costs no query then.
        for home in home_pages(site, request).values():
            if home.locale_id == page.locale_id:
                page.locale = home.locale
            if home.pk == page.pk:  # a home page: its privacy and hero image came with it too
                known_privacy(page, home)
                keep_loaded(page, home)
    if page.locale.language_code != language:
        raise Http404("This page is not available in this language.")
    if site is not None and language not in configured_languages(site, request):
        raise Http404("This site is not published in this language.")


def ensure_locales(**kwargs):
    """post_migrate (and after a test flush): a Locale for every installed language, so each is
    ready to translate into; and wagtail-localize's "submit translation" permission, which its
    migration made and a flush removes."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    for code in installed_languages():
        Locale.objects.get_or_create(language_code=code)
    content_type, _ = ContentType.objects.get_or_create(
        app_label="wagtail_localize", model="translation"
    )
    Permission.objects.get_or_create(
        content_type=content_type, codename="submit_translation", name="Can submit translations"
    )
