"""Page addresses, as Wagtail works them out, remembered per worker.

Wagtail's `Page.get_url_parts` works a page's address out afresh each time: it picks the site
whose root the page is under, switches to the site's language and back, and reverses the
`wagtail_serve` URL pattern. A story page asks for a dozen addresses (its cards, its links, its
language switcher) and an API listing for twenty: about a tenth of their time.

The answer depends only on the page's `url_path`, the site root it is under (that site's id,
root path, root address and language), the active language and the script prefix: those are
the key. A site given a new host name or port has another root address, so another key, and a
page moved has another `url_path`: nothing kept needs purging. A page under two sites' roots
(two Site records sharing a root page) is worked out each time, as Wagtail picks between them
with the request.
"""

from django.core.signals import setting_changed
from django.urls import get_script_prefix
from django.utils import translation

MAX_KEPT = 20_000  # addresses kept per worker; beyond, the store starts again
_kept: dict[tuple, tuple | None] = {}
_MISSING = object()


def url_parts(page, request, work_out):
    """`page.get_url_parts(request)`: `work_out(request)` (Wagtail's own), or as it last gave
    for the same page address, site root and language."""
    roots = page._get_relevant_site_root_paths(request)
    if not roots or any(root.site_id != roots[0].site_id for root in roots[1:]):
        return work_out(request)
    key = (page.url_path, roots[0], translation.get_language(), get_script_prefix())
    found = _kept.get(key, _MISSING)
    if found is _MISSING:
        found = work_out(request)
        if len(_kept) >= MAX_KEPT:
            _kept.clear()
        _kept[key] = found
    return found


def clear(**kwargs) -> None:
    _kept.clear()


# A setting may change how addresses are made (languages, a trailing slash): tests change them.
setting_changed.connect(clear, dispatch_uid="lantern_addresses")
