"""A site's chrome: what every page of a site shows or is found through, kept by each worker.

Every reader page needs its site, the site's branding, its home page (whose words every page
shows, and where routing starts), the home page's translations (the language links), the help
lines at the top, the menu and every site's root (which links are worked out from); routing
to any page goes through one of the home page's children; and the hotlines that pages' blocks
choose, which any page of any site may show. Loaded for each page, these were 7
of a story's 13 queries and about half of its rendering time. Each worker keeps them per host
name and language instead (`caching.memo`), checked on every request against the versions of
the tags they were built from: one query (or one Redis call) instead of seven, and an
editor's change reaches the very next reader as it does through the page cache.

Only anonymous readers' requests use it (`caching.middleware.may_use_cache`): editors,
previews and the admin load everything afresh, as before. `LANTERN_CHROME_CACHE=False` turns
it off.

What is kept is shared by every request of the worker, so a request gets copies (`request_copy`) of
what it may change: the pages it is served or routed through, the site and the branding.
"""

from contextvars import ContextVar

from django.apps import apps
from django.http.request import split_domain_port
from django.utils import translation

from wagtail.models import Site

from sites.caching import memo
from sites.caching.copies import request_copy
from sites.caching.middleware import may_use_cache
from sites.serving.addresses import keep_site_root_paths

REQUEST_ATTRIBUTE = "_lantern_chrome"

# The chrome of the request being served, for what has no request at hand (a block turning
# its stored ids into objects): a holder ChromeMiddleware gives each request, which
# `chrome_for` fills. Outside a request (a test rendering blocks) there is none.
_serving: ContextVar[list | None] = ContextVar("lantern_chrome", default=None)


def kept_snippet_models() -> tuple:
    """Snippets that blocks choose and the chrome keeps once loaded (`Chrome.chosen`): each
    chrome depends on every change to them (their model's tag), as it does for the help lines."""
    return (apps.get_model("blocks", "Hotline"),)


# What builds a chrome for a request (None where no site answers): registered when the app is
# ready (sites.serving.context_processors.build_chrome), which needs everything a page shows.
_builder = None


def builds_with(builder) -> None:
    global _builder
    _builder = builder


class Chrome:
    """One site's chrome in one language (built by `build`, shared: never changed)."""

    def __init__(
        self,
        site,
        branding,
        homes,
        root,
        root_children,
        home,
        navigation,
        hotlines,
        site_roots,
        donate_url="",
    ):
        self.site = site
        self.branding = branding
        self.homes = (
            homes  # language code → the live home page (sites.serving.languages.home_pages)
        )
        self.root = root  # where routing starts: Wagtail's site.root_page.localized.specific
        self.root_children = root_children  # slug → the root's child, as routing.child_at finds it
        self.home = home  # the home page whose words every page shows (SiteContext.home)
        self.navigation = navigation  # (title, url) of each menu item
        self.help_hotlines = hotlines
        # Every site's root path and address (Wagtail's Site.get_site_root_paths), which links
        # are worked out from (sites.serving.addresses): otherwise read from the cache for each request.
        self.site_roots = site_roots
        # Where the Donate buttons lead in this language (sites.giving.donate): "" for none.
        self.donate_url = donate_url
        # Markup that shows only this chrome ({% keep_with_site %}, sites.serving.templatetags.
        # lantern_kept), by where it stands and the language: gone with the chrome.
        self.fragments: dict[tuple, str] = {}
        # Snippets pages' blocks chose (`kept_snippet_models`), by model, language and id, as
        # they were loaded (None for an id that no longer exists): gone with the chrome, which
        # any change to one of them replaces.
        self.chosen: dict[tuple, object] = {}


def kept_chosen(model_class) -> dict | None:
    """Where the request's chrome keeps the snippets of `model_class` that blocks chose (by
    (label, language, id)), or None when it has no chrome or does not keep them. What is in it
    is shared by every request of the worker: hand out copies (`request_copy`)."""
    holder = _serving.get()
    chrome = holder[0] if holder is not None else None
    if chrome is None or model_class not in kept_snippet_models():
        return None
    return chrome.chosen


def chrome_for(request) -> Chrome | None:
    """The chrome of the request's site in the request's language, for an anonymous reader's
    request (None otherwise, or where no site answers). Kept on the request: checked once."""
    if hasattr(request, REQUEST_ATTRIBUTE):
        return getattr(request, REQUEST_ATTRIBUTE)
    chrome = None
    if memo.enabled() and may_use_cache(request):
        chrome = memo.remembered(chrome_key(request), lambda: _builder(request))
    setattr(request, REQUEST_ATTRIBUTE, chrome)
    if chrome is not None:
        holder = _serving.get()
        if holder is not None:
            holder[0] = chrome
        hand_over(request, chrome)
    return chrome


def site_for(request) -> Site | None:
    """The request's site, as Wagtail's `Site.find_for_request` finds it: for a reader's
    request, the one its chrome keeps (shared: never changed), with no query."""
    chrome = chrome_for(request)
    return chrome.site if chrome is not None else Site.find_for_request(request)


def chrome_key(request) -> tuple:
    """What a chrome is kept under: the host name and port, and the language being read."""
    hostname = split_domain_port(request.get_host())[0]
    return ("chrome", hostname, request.get_port(), translation.get_language())


def hand_over(request, chrome: Chrome) -> None:
    """Give the request what Lantern would otherwise load for it: every site's root
    (`addresses.site_root_paths`), the branding (`SiteBranding.for_request` reads it from where
    Wagtail's settings keep it on the request) and the home pages (`languages.home_pages`)."""
    keep_site_root_paths(request, chrome.site_roots)
    attribute = apps.get_model("agency_sites", "SiteBranding").get_cache_attr_name()
    if not hasattr(request, attribute):
        setattr(request, attribute, request_copy(chrome.branding))
    homes = getattr(request, "_lantern_home_pages", None)
    if homes is None:
        request._lantern_home_pages = homes = {}
    homes.setdefault(chrome.site.pk, chrome.homes)


_roots: list = []


def shared_roots(roots: list) -> list:
    """`roots`, or the equal list a chrome built before holds: one copy per worker, not one for
    each site and language (each a list of every site in every language)."""
    global _roots
    if roots != _roots:
        _roots = roots
    return _roots


class ChromeMiddleware:
    """Gives each request a holder for its chrome, which `kept_chosen` reads."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _serving.set([None])
        try:
            return self.get_response(request)
        finally:
            _serving.reset(token)
