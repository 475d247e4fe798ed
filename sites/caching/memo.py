"""Objects a worker keeps between requests, good only while the tags they were built from hold.

What every page of a site shows (its site, home page, branding, menu, help lines: `sites.serving.chrome`)
is the same from one request to the next until an editor changes one of them, yet loading it
takes a good share of an uncached page's queries. A worker keeps it in its own memory instead,
under a key, with the versions of the tags it was built from (`tags`, recorded the same way as
a page's): before each use the versions are read again (one query, or one Redis call), and a
changed version means it is built afresh. A purge that reaches the page cache therefore
reaches what workers keep too, in every process.

A use passes the kept object's tags on to the page being recorded, so a stored page that
showed it is purged when it changes, as if it had loaded the objects itself.

`LANTERN_CHROME_CACHE` (on by default) turns it on, and with it the bumping of tag versions
that the page cache does too (`store.versions_kept`). A value built while one of its tags was
being bumped is used once and not kept (as a page is not stored then: `store.fresh_since`).
A worker keeps at most `MAX_ENTRIES`, dropping the least recently used.
"""

import threading
import time
from datetime import datetime

from cachetools import LRUCache

from django.conf import settings
from django.core.signals import setting_changed
from django.utils import timezone

from sites.caching import store, tags

# Keys are a site and a language: a network's worth is a few hundred entries at most. Past
# this many (host names nobody serves, say) the least recently used is dropped.
MAX_ENTRIES = 2000


class Entry:
    __slots__ = ("until", "value", "versions")

    def __init__(self, value, versions: dict[str, str], until: datetime | None):
        self.value = value
        self.versions = versions
        self.until = until


_entries: LRUCache = LRUCache(maxsize=MAX_ENTRIES)
# Pages' rendered bodies (sites.serving.templatetags.lantern_kept.include_body), a few KB each: the
# pages read most, kept apart so that they never push the chromes out.
BODIES: LRUCache = LRUCache(maxsize=500)
# What the API's listings show of each page beyond Wagtail's page table, and their counts
# (sites.api): small, and as many as the pages listed.
LISTED: LRUCache = LRUCache(maxsize=5000)
# The help directory's answers to readers' searches (sites.help.search.find_help), by question and
# language: a few hundred ZIP codes and filters make most of a network's searches.
SEARCHES: LRUCache = LRUCache(maxsize=1000)
# Pages found by routing below a site's home page (sites.serving.routing), by parent and slug:
# the stories being read now. A page is a few KB without its rendered body (kept in BODIES).
ROUTED: LRUCache = LRUCache(maxsize=500)
_lock = threading.Lock()  # every use of either store: cachetools' caches are not thread-safe


def enabled() -> bool:
    return bool(settings.LANTERN_CHROME_CACHE)


def remembered(key, build, keep=None, entries=None):
    """`build()`'s value, kept under `key` while the tags recorded building it hold.

    `build` returns None for nothing to keep (a host name no site answers on): that is never
    kept. The value is shared by every request of this process: what uses it must not change
    it (`sites.serving.chrome.request_copy` copies what a request may change). `keep(value)` False:
    used this once, not kept. `entries`: a bounded store of its own (`BODIES`), not the chromes'.
    """
    entries = _entries if entries is None else entries
    if not enabled():
        return build()
    with _lock:
        entry = entries.get(key)
    if entry is not None:
        if _holds(entry):
            tags.depends_on(*entry.versions)
            tags.changes_at(entry.until)
            return entry.value
        with _lock:
            if entries.get(key) is entry:
                del entries[key]

    started = time.time()
    recording, token = tags.start()
    try:
        value = build()
    finally:
        tags.stop(token)
    tags.depends_on(*recording.tags)
    tags.changes_at(recording.until)
    if value is not None and (keep is None or keep(value)):
        _keep({key: value}, recording, started, entries)
    return value


def recalled(keys, entries=None) -> dict:
    """What is kept under each of `keys` and still good, by key (the others left out): as
    `remembered` uses it, with the versions of all their tags read in one go (one query, or one
    Redis call) rather than one read a key. Build the others with `remembered_together`."""
    entries = _entries if entries is None else entries
    if not enabled():
        return {}
    with _lock:
        kept = {key: entry for key in keys if (entry := entries.get(key)) is not None}
    now = timezone.now()
    kept = {key: entry for key, entry in kept.items() if entry.until is None or entry.until > now}
    if not kept:
        return {}
    try:
        current = store.current_versions({tag for entry in kept.values() for tag in entry.versions})
    except store.Unavailable as error:
        store.warn_unavailable(error)
        return {}
    found = {}
    for key, entry in kept.items():
        if all(current.get(tag) == version for tag, version in entry.versions.items()):
            tags.depends_on(*entry.versions)
            tags.changes_at(entry.until)
            found[key] = entry.value
    return found


def remembered_together(build, entries=None) -> dict:
    """`build()`'s values (key -> value), built together in one go (one query for many) and
    each kept under its key with every tag recorded building them all: a change to what any of
    them showed builds them again. Kept values are found with `recalled`."""
    entries = _entries if entries is None else entries
    if not enabled():
        return build()
    started = time.time()
    recording, token = tags.start()
    try:
        values = build()
    finally:
        tags.stop(token)
    tags.depends_on(*recording.tags)
    tags.changes_at(recording.until)
    _keep(values, recording, started, entries)
    return values


def _holds(entry: Entry) -> bool:
    if entry.until is not None and entry.until <= timezone.now():
        return False
    try:
        return store.current_versions(entry.versions) == entry.versions
    except store.Unavailable as error:  # Redis down: nothing can be checked, so nothing kept
        store.warn_unavailable(error)
        return False


def _keep(values: dict, recording, started: float, entries) -> None:
    try:
        versions = store.versions_for_storing(recording.tags)
    except store.Unavailable as error:
        store.warn_unavailable(error)
        return
    if versions is None or not store.fresh_since(versions, started):
        return  # changed while it was being built: the next request builds it again
    with _lock:
        for key, value in values.items():
            entries[key] = Entry(value, versions, recording.until)


def clear() -> None:
    with _lock:
        _entries.clear()
        BODIES.clear()
        LISTED.clear()
        SEARCHES.clear()
        ROUTED.clear()


def _settings_changed(setting, **kwargs) -> None:
    # Tests turn the caches on and off: what was kept while versions were not bumped is stale.
    if setting in ("LANTERN_CHROME_CACHE", "LANTERN_PAGE_CACHE_SECONDS", "CACHES"):
        clear()


setting_changed.connect(_settings_changed, dispatch_uid="lantern_memo_settings")
