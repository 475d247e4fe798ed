"""Tag versions and stored pages, in the configured cache (Redis in production).

Versions sit beside the pages in a shared cache (Redis). A cache that is each process's own
memory cannot carry a change from the process that made it (an editor's worker,
`publish_scheduled`) to the others, so there the versions live in the database
(`PageCacheTag`): one query per page served from the cache.

A tag's version is a random token, never a counter: a version the cache has evicted reads as
missing, which matches no stored page, so eviction can only cause a miss, never a stale page.
A page is never stored with a missing version either (one is made first).

A version also says when it was made. A page that rendered while one of its tags was being
bumped may show what came before the change, so it is not stored (`fresh_since`); the
next request stores it. Bumps are sent once the change is committed (`invalidation`), so a
page rendered after a bump always shows the change.
"""

import hashlib
import secrets
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection

from .models import PageCacheTag

PREFIX = "lantern:page-cache:"


def cache():
    return caches[settings.LANTERN_PAGE_CACHE_ALIAS]


def _token() -> str:
    return f"{time.time():.3f}:{secrets.token_hex(6)}"


def made_at(version: str) -> float:
    try:
        return float(version.split(":", 1)[0] or 0)
    except (AttributeError, ValueError):
        return float("inf")  # not one of ours: treat as brand new


def fresh_since(versions: dict[str, str], started: float) -> bool:
    """No version changed since a render that started at `started` began."""
    # Allowance for clocks that differ between the machines sharing one cache.
    skew = settings.LANTERN_PAGE_CACHE_CLOCK_SKEW
    return all(made_at(version) < started - skew for version in versions.values())


def _tag_keys(tags) -> dict[str, str]:
    return {f"{PREFIX}tag:{tag}": tag for tag in tags}


def versions_in_database() -> bool:
    """Whether the cache is each process's own (local memory): see the module's docstring."""
    return isinstance(cache(), LocMemCache)


# In the database, a tag never bumped has no row, and no row is ever evicted: its version is
# this one, made as of long ago.
NEVER_CHANGED = "0:"


def current_versions(tags) -> dict[str, str]:
    """The present version of each tag (left out where the cache has none)."""
    if versions_in_database():
        found = _versions_from_database(list(tags))
        return {tag: found.get(tag, NEVER_CHANGED) for tag in tags}
    keys = _tag_keys(tags)
    found = cache().get_many(list(keys))
    return {keys[key]: version for key, version in found.items()}


def _versions_from_database(tags: list[str]) -> dict[str, str]:
    """One plain query, on every page served from the cache: the ORM's own work building an
    `IN` of a hundred tags would cost more than the query."""
    if not tags:
        return {}
    table = connection.ops.quote_name(PageCacheTag._meta.db_table)
    marks = ", ".join(["%s"] * len(tags))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tag, version FROM {table} WHERE tag IN ({marks})", tags)  # noqa: S608
        return dict(cursor.fetchall())


def versions_for_storing(tags) -> dict[str, str]:
    """The present version of each tag, making one for any that has none yet."""
    versions = current_versions(tags)
    missing = [tag for tag in tags if tag not in versions]
    if missing:
        # Made as of long ago: nothing changed, they are only new to the cache.
        for tag in missing:
            cache().add(f"{PREFIX}tag:{tag}", f"0:{secrets.token_hex(6)}", timeout=None)
        versions.update(current_versions(missing))
    return versions


def bump(tags) -> None:
    """Every stored page that depends on any of `tags` is stale from now on."""
    if not tags:
        return
    if versions_in_database():
        PageCacheTag.objects.bulk_create(
            [PageCacheTag(tag=tag, version=_token()) for tag in tags],
            update_conflicts=True,
            unique_fields=["tag"],
            update_fields=["version"],
        )
        return
    cache().set_many({key: _token() for key in _tag_keys(tags)}, timeout=None)


def page_key(request) -> str:
    # The Origin too: the API's CORS headers differ by it.
    origin = request.META.get("HTTP_ORIGIN", "")
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()} {origin}"
    return PREFIX + "page:" + hashlib.sha256(address.encode()).hexdigest()


def load(key: str):
    """The stored page under `key` if every version it was built with still holds."""
    entry = cache().get(key)
    if entry is None:
        return None
    versions = entry["versions"]
    if current_versions(versions) != versions:
        return None
    return entry


def save(key: str, entry: dict, timeout: int) -> None:
    cache().set(key, entry, timeout=timeout)
