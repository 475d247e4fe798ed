"""Serves anonymous readers' pages from the cache, and stores the ones that may be."""

import time

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control

from sites.caching import store, tags
from sites.edge import keys as edge_keys

# Paths that are never readers' pages or public API answers: no lookup is spent on them. The
# health checks (cms.health) answer above this middleware; named here too, so that an answer
# about this moment is never kept, whatever the order.
NOT_PAGES = (
    "/admin/",
    "/api/manage/",
    "/static/",
    "/media/",
    "/documents/",
    "/django-admin/",
    "/healthz",
    "/readyz",
)
# The public API's answers marked `public` (sites.api.api.cacheable) are kept like pages.
API = "/api/"
# A query string longer than this is no reader's: not worth a place in the cache.
MAX_QUERY = 200
HEADER = "X-Lantern-Cache"


def may_use_cache(request) -> bool:
    """An anonymous reader's GET: no session (editors have one), no credentials, no preview."""
    return (
        request.method in ("GET", "HEAD")
        and not getattr(request, "is_dummy", False)  # Wagtail's previews
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and len(request.META.get("QUERY_STRING", "")) <= MAX_QUERY
        and not request.path_info.startswith(NOT_PAGES)
    )


def may_store(request, response) -> bool:
    """A page served by Wagtail (`mark_cacheable`), or a public API answer, that is the same
    for every reader."""
    cache_control = response.get("Cache-Control", "")
    return (
        request.method == "GET"
        and (
            getattr(request, "lantern_cacheable", False)
            or (request.path_info.startswith(API) and "public" in cache_control)
        )
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and varies_only_by_session(response)
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def varies_only_by_session(response) -> bool:
    """`Vary: Cookie` (the session was looked at) and `Vary: Origin` (CORS, for the API) are
    the variations the cache itself keeps apart: it stores only answers to requests with no
    session, and the Origin is part of the key (`store.page_key`). Anything else (a language
    chosen by Accept-Language, say) is not the same for every reader."""
    varies = {value.strip().lower() for value in response.get("Vary", "").split(",")} - {""}
    return varies <= {"cookie", "origin"}


def mark_cacheable(page, request, serve_args, serve_kwargs):
    """before_serve_page: what Wagtail serves to readers may be stored."""
    request.lantern_cacheable = True


def for_cdn(response, page_tags, until: float | None = None) -> None:
    """A CDN may keep a reader's page a while (LANTERN_CDN_SECONDS), but not past `until` (a
    timestamp: when the page changes by itself, a scheduled story or an expiring count); browsers
    revalidate. The edge cache in front (EDGE_CACHE) gets the tags of what it shows, to purge it
    by (sites.edge): set before the page is stored, so a page served from the cache carries
    them too."""
    cdn_lifetime(response, until)
    edge_keys.tag_response(response, page_tags)


def cdn_lifetime(response, until: float | None) -> None:
    seconds = settings.LANTERN_CDN_SECONDS
    if not seconds:
        return
    if until is not None:
        seconds = max(0, min(seconds, int(until - time.time())))
    patch_cache_control(response, public=True, max_age=0, s_maxage=seconds)


class PageCacheMiddleware:
    """Sits outside the headers' middleware, so a stored page keeps its headers (CSP and all)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not may_use_cache(request):
            return self.get_response(request)
        seconds = settings.LANTERN_PAGE_CACHE_SECONDS
        if not seconds:
            return self.cdn_only(request)

        key = store.page_key(request)
        try:
            store.send_unsent()
            entry = store.load(key)
        except store.Unavailable as error:
            # The cache does not answer (Redis down): the page is rendered, and not stored.
            store.warn_unavailable(error)
            return self.cdn_only(request)
        if entry is not None:
            return self.replay(request, entry)

        started = time.time()
        recording, token = tags.start()
        try:
            response = self.get_response(request)
        finally:
            tags.stop(token)
        if may_store(request, response):
            until = recording.until.timestamp() if recording.until is not None else None
            for_cdn(response, recording.tags, until)
            response[HEADER] = "miss"
            timeout = seconds
            if until is not None:
                timeout = min(timeout, int(until - time.time()))
            try:
                self.keep(key, response, recording.tags, timeout, started, until)
            except store.Unavailable as error:
                store.warn_unavailable(error)  # stored by a later request
        return response

    def keep(self, key, response, page_tags, timeout, started, until) -> None:
        versions = store.versions_for_storing([*page_tags, store.ANY_CHANGE])
        if versions is None or timeout <= 0:
            return
        any_change = versions.pop(store.ANY_CHANGE)
        if store.fresh_since(versions, started):
            store.save(key, self.entry(response, versions, any_change, until), timeout)

    def cdn_only(self, request):
        """The page cache off or out of reach: the page is rendered, for the CDN and the edge
        only. Its tags are recorded only when an edge cache reads them."""
        if not edge_keys.provider():
            response = self.get_response(request)
            page_tags, until = (), None
        else:
            recording, token = tags.start()
            try:
                response = self.get_response(request)
            finally:
                tags.stop(token)
            page_tags = recording.tags
            until = recording.until.timestamp() if recording.until is not None else None
        if may_store(request, response):
            for_cdn(response, page_tags, until)
        return response

    @staticmethod
    def entry(response, versions, any_change, until) -> dict:
        return {
            "status": response.status_code,
            "headers": [(k, v) for k, v in response.items() if k != HEADER],
            "content": response.content,
            "versions": versions,
            "any_change": any_change,
            "until": until,
        }

    @staticmethod
    def replay(request, entry):
        response = HttpResponse(entry["content"], status=entry["status"])
        for header, value in entry["headers"]:
            response[header] = value
        response[HEADER] = "hit"
        if entry.get("until") is not None:  # the CDN's lifetime, counted from now
            cdn_lifetime(response, entry["until"])
        # The reader's own copy is still good: 304, as ConditionalGetMiddleware would say.
        return get_conditional_response(request, etag=response.get("ETag"), response=response)
