"""Page addresses, as Wagtail works them out, remembered per worker.

Wagtail's `Page.get_url_parts` works a page's address out afresh each time: it picks the site
whose root the page is under, switches to the site's language and back, and reverses the
`wagtail_serve` URL pattern. A story page asks for a dozen addresses (its cards, its links, its
language switcher) and an API listing for twenty.

The answer depends only on the page's `url_path`, the site root it is under (that site's id,
root path, root address and language), the active language and the script prefix: those are
the key. A site given a new host name or port has another root address, so another key, and a
page moved has another `url_path`: nothing kept needs purging. A page under two sites' roots
(two Site records sharing a root page) is worked out each time, as Wagtail picks between them
with the request.
"""

import threading

from cachetools import LRUCache

from django.core.signals import setting_changed
from django.urls import get_script_prefix
from django.utils import translation

from wagtail.models import Page, Site

kept: LRUCache = LRUCache(maxsize=20_000)  # addresses a worker keeps, the least used dropped
lock = threading.Lock()  # cachetools' caches are not thread-safe
_MISSING = object()
REQUEST_ATTRIBUTE = "lantern_site_root_paths"


def site_root_paths(request=None) -> list:
    """Every site's root (Wagtail's `Site.get_site_root_paths`, which it keeps in the cache),
    read once per request."""
    if request is None:
        return Site.get_site_root_paths()
    found = getattr(request, REQUEST_ATTRIBUTE, None)
    if found is None:
        found = Site.get_site_root_paths()
        keep_site_root_paths(request, found)
    return found


def keep_site_root_paths(request, roots: list) -> None:
    """The roots the request's addresses are worked out from (the site's chrome has them)."""
    setattr(request, REQUEST_ATTRIBUTE, roots)


def url_parts(url_path: str, request, work_out):
    """`get_url_parts(request)` of the page at `url_path`: `work_out(request)` (Wagtail's own),
    or as it last gave for the same page address, site root and language."""
    roots = [root for root in site_root_paths(request) if url_path.startswith(root.root_path)]
    if not roots or any(root.site_id != roots[0].site_id for root in roots[1:]):
        return work_out(request)
    key = (url_path, roots[0], translation.get_language(), get_script_prefix())
    with lock:
        found = kept.get(key, _MISSING)
    if found is _MISSING:
        found = work_out(request)
        with lock:
            kept[key] = found
    return found


def address_parts(url_path: str, request=None):
    """`get_url_parts` of the page at `url_path`, for a page read as a row (no page object made
    unless the address is not known yet)."""
    return url_parts(
        url_path, request, lambda request: Page(url_path=url_path).get_url_parts(request)
    )


def routable_parts(url_path: str, request):
    """`address_parts`, or None for a page with no address (as `Page.get_url` tells)."""
    parts = address_parts(url_path, request)
    if parts is None or (parts[1] is None and parts[2] is None):
        return None
    return parts


def page_url(url_path: str, request, site_id: int | None) -> str | None:
    """The address of the page at `url_path` as `Page.get_url(request)` gives it, for a page
    shown on the site `site_id`: relative on that site, full on another; None if it has none."""
    parts = routable_parts(url_path, request)
    if parts is None:
        return None
    found_site, root_url, path = parts
    if found_site == site_id or len({root.site_id for root in site_root_paths(request)}) == 1:
        return path
    return root_url + path


def full_page_url(url_path: str, request) -> str | None:
    """The full address of the page at `url_path`, as `Page.get_full_url(request)` gives it."""
    parts = routable_parts(url_path, request)
    return None if parts is None else parts[1] + parts[2]


def clear(**kwargs) -> None:
    with lock:
        kept.clear()


# A setting may change how addresses are made (languages, a trailing slash): tests change them.
setting_changed.connect(clear, dispatch_uid="lantern_addresses")
