"""Tag versions and stored pages, in the configured cache (Redis in production).

Versions sit beside the pages in a shared cache (Redis). A cache that is each process's own
memory cannot carry a change from the process that made it (an editor's worker,
`publish_scheduled`) to the others, so there the versions live in the database
(`PageCacheTag`): one query per page served from the cache.

A tag's version is the moment it was made and random bits, never a counter: a version the
cache has evicted reads as missing, which matches no stored page, so eviction can only cause a
miss, never a stale page. A page is never stored with a missing version either (one is made
first).

A version also says when it was made. A page that rendered while one of its tags was being
bumped may show what came before the change, so it is not stored (`fresh_since`); the
next request stores it. Bumps are sent once the change is committed (`invalidation`), so a
page rendered after a bump always shows the change.

A cache that does not answer (Redis down) raises `Unavailable` here: a lookup that fails is a
miss, a store that fails is skipped, and a version that cannot be read means the page is
neither served from the cache nor stored. A bump that cannot be sent is logged as an error
and sent again before this process next reads from the cache (`send_unsent`).

Every bump also makes a new version of one more tag, `ANY_CHANGE`, after the tags' own. A stored
page carries the one it was stored under, and each worker notes the one under which it last saw
every tag of a page still match: while that has not changed, nothing the page shows has, and the
lookup is the page and that one version, not the thirty or so of the page's own tags. After a
change anywhere, each worker checks a page's tags once more, the first time it serves it.

Everything goes through the cache's own API (django-redis's client for Redis, which reads many
keys with one MGET and writes many with one pipeline), so a page and `ANY_CHANGE` come back in
one round trip.
"""

import hashlib
import logging
import secrets
import threading
import time

from cachetools import LRUCache
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import setting_changed
from django.db import connections, router

from sites.caching.models import PageCacheTag

logger = logging.getLogger(__name__)

PREFIX = "lantern:page-cache:"

# What a cache that does not answer raises: django-redis's client, Django's own Redis backend,
# any other cache over the network.
CACHE_ERRORS = (ConnectionInterrupted, RedisError, OSError)


class Unavailable(Exception):
    """The cache did not answer: the page is served without it."""


def cache():
    """The cache that holds the pages and, when it is shared, the tag versions."""
    return caches[settings.LANTERN_PAGE_CACHE_ALIAS]


def raising(backend):
    """The cache's operations, raising when it does not answer. django-redis is configured to
    ignore connection errors (IGNORE_EXCEPTIONS, which keeps Wagtail's own cache use soft): it
    then answers a dead server like an empty one, which the page cache must not mistake for an
    evicted version or a purge that was sent. Its client raises."""
    return backend.client if isinstance(backend, RedisCache) else backend


def _ask(operation: str, *args, **kwargs):
    """The page cache's `operation`, raising Unavailable when the cache does not answer.

    A connection the server dropped (Redis restarted, a proxy closing idle connections) is
    tried once more on a new one before the cache counts as down: every operation here may be
    sent twice (reads, and writes of values made beforehand)."""
    backend = raising(cache())
    try:
        try:
            return getattr(backend, operation)(*args, **kwargs)
        except CACHE_ERRORS as error:
            if not connection_dropped(error):
                raise
        return getattr(backend, operation)(*args, **kwargs)
    except CACHE_ERRORS as error:
        raise Unavailable(error_name(error)) from error


def underlying(error: BaseException) -> BaseException:
    """redis-py's error rather than django-redis' wrapper around it."""
    if isinstance(error, ConnectionInterrupted) and error.__cause__ is not None:
        return error.__cause__
    return error


def connection_dropped(error: BaseException) -> bool:
    """Whether the connection failed, rather than the server being slow to answer (a timeout,
    which trying again would only make longer)."""
    return isinstance(underlying(error), RedisConnectionError)


def error_name(error: BaseException) -> str:
    """The class of what went wrong underneath (redis' ConnectionError rather than django-redis'
    wrapper), for logs: never the message, which names hosts."""
    return type(underlying(error)).__name__


# A cache that does not answer is said once a minute per process, not on every request.
WARN_EVERY = 60.0
_warned_at = float("-inf")


def warn_unavailable(error: Unavailable) -> None:
    global _warned_at
    now = time.monotonic()
    if now - _warned_at >= WARN_EVERY:
        _warned_at = now
        logger.warning("Page cache unavailable (%s): pages are served without it", error)


def versions_kept() -> bool:
    """Whether changes bump tag versions: while the page cache or the workers' chrome cache
    (`memo`) uses them. Otherwise nothing reads them and no change pays for writing them."""
    return bool(settings.LANTERN_PAGE_CACHE_SECONDS or settings.LANTERN_CHROME_CACHE)


# A version is one integer: the millisecond it was made, then random bits. An integer because
# a Redis cache stores it as its digits and reads it back without unpickling anything.
# (Versions made before were "seconds:hex" strings.)
RANDOM_BITS = 24


def _token(at: float | None = None) -> int:
    made = int((time.time() if at is None else at) * 1000)
    return made << RANDOM_BITS | secrets.randbits(RANDOM_BITS)


def made_at(version) -> float:
    """When `version` was made, in seconds."""
    try:
        return (int(version) >> RANDOM_BITS) / 1000
    except (TypeError, ValueError):
        try:
            return float(version.split(":", 1)[0] or 0)  # one made before versions were numbers
        except (AttributeError, ValueError):
            return float("inf")  # not one of ours: treat as brand new


def fresh_since(versions: dict[str, str], started: float) -> bool:
    """No version changed since a render that started at `started` began."""
    # Allowance for clocks that differ between the machines sharing one cache.
    skew = settings.LANTERN_PAGE_CACHE_CLOCK_SKEW
    return all(made_at(version) < started - skew for version in versions.values())


def _tag_keys(tags) -> dict[str, str]:
    """Cache key → tag, for each of `tags`."""
    return {f"{PREFIX}tag:{tag}": tag for tag in tags}


def versions_in_database() -> bool:
    """Whether the cache is each process's own (local memory): see the module's docstring."""
    return isinstance(cache(), LocMemCache)


# In the database, a tag never bumped has no row, and no row is ever evicted: its version is
# this one, made as of long ago.
NEVER_CHANGED = "0"

# The tag every bump changes too (no page's tag: theirs are "kind:name"), and its cache key.
ANY_CHANGE = "any-change"
ANY_CHANGE_KEY = f"{PREFIX}tag:{ANY_CHANGE}"


def current_versions(tags) -> dict:
    """The present version of each tag (left out where the cache has none)."""
    tags = list(tags)
    if versions_in_database():
        found = _versions_from_database(tags)
        return {tag: found.get(tag, NEVER_CHANGED) for tag in tags}
    keys = _tag_keys(tags)
    return {keys[key]: version for key, version in _ask("get_many", list(keys)).items()}


def _versions_from_database(tags: list[str]) -> dict[str, str]:
    if not tags:
        return {}
    return dict(PageCacheTag.objects.filter(tag__in=tags).values_list("tag", "version"))


def versions_for_storing(tags) -> dict[str, str] | None:
    """The present version of each tag, making one for any that has none yet; None when one
    is still missing (the page is then not stored). `ANY_CHANGE` is read with them, under its
    own name, when asked for among `tags`."""
    tags = list(tags)
    versions = current_versions(tags)
    missing = [tag for tag in tags if tag not in versions]
    if missing:
        # Made as of long ago: nothing changed, they are only new to the cache.
        for tag in missing:
            _ask("add", f"{PREFIX}tag:{tag}", _token(at=0), timeout=None)
        versions.update(current_versions(missing))
    if any(tag not in versions for tag in tags):
        return None
    return versions


# Tags whose bump the cache did not take. Pages stored before it stopped answering may show
# what those bumps purge, and may still be there when it answers again (a network outage, a
# Redis restarted from its saved data): this process sends them before it reads from the cache
# again. Another process cannot know of them; the error logged says what to do. Never bounded:
# a tag dropped from here would leave its pages stale, and there are only so many tags.
_unsent: set[str] = set()
_unsent_lock = threading.Lock()


def bump(tags) -> None:
    """Every stored page that depends on any of `tags` is stale from now on."""
    if not tags:
        return
    if versions_in_database():
        PageCacheTag.objects.bulk_create(
            [PageCacheTag(tag=tag, version=str(_token())) for tag in {*tags, ANY_CHANGE}],
            update_conflicts=True,
            unique_fields=["tag"],
            update_fields=["version"],
        )
        return
    with _unsent_lock:
        tags = set(tags) | _unsent
        try:
            _send(tags)
        except Unavailable as error:
            _unsent.update(tags)
            logger.error(
                "Page cache purge not sent (%s): %d tags wait to be sent by this process. "
                "Until then, other processes may serve pages stored before the cache stopped "
                "answering out of date, until they expire (LANTERN_PAGE_CACHE_SECONDS) or the "
                "page keys are flushed (docs/caching.md).",
                error,
                len(tags),
            )
            return
        _unsent.clear()


def _send(tags) -> None:
    """New versions of `tags` in the shared cache, then of ANY_CHANGE: a lookup that sees the
    new ANY_CHANGE then sees the tags' new versions too."""
    _ask("set_many", {key: _token() for key in _tag_keys(tags)}, timeout=None)
    _ask("set", ANY_CHANGE_KEY, _token(), timeout=None)


def send_unsent() -> None:
    """Sends the bumps the cache did not take; raises Unavailable while it still does not (or
    while another thread of this process is sending them)."""
    if not _unsent:
        return
    if not _unsent_lock.acquire(blocking=False):
        raise Unavailable("purges being sent")
    try:
        if _unsent:
            _send(_unsent)
            logger.info("Page cache purges sent now that the cache answers: %d tags", len(_unsent))
            _unsent.clear()
    finally:
        _unsent_lock.release()


def page_key(request) -> str:
    # The Origin too: the API's CORS headers differ by it.
    origin = request.META.get("HTTP_ORIGIN", "")
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()} {origin}"
    return PREFIX + "page:" + hashlib.sha256(address.encode()).hexdigest()


# Stored page key → (the versions it was stored with, the ANY_CHANGE under which this worker last
# saw them all still hold). The pages least recently looked up are forgotten first; a page
# forgotten has its tags checked again the next time, after a change anywhere.
MAX_CHECKED = 2000
_checked: LRUCache = LRUCache(maxsize=MAX_CHECKED)
_checked_lock = threading.Lock()  # cachetools' caches are not safe across threads


def _checked_under(key: str, versions: dict) -> str | None:
    with _checked_lock:
        checked = _checked.get(key)
    if checked is not None and checked[0] == versions:
        return checked[1]
    return None


def _note_checked(key: str, versions: dict, any_change: str) -> None:
    with _checked_lock:
        _checked[key] = (versions, any_change)


def _page_and_any_change(key: str) -> tuple[dict | None, str | None]:
    if versions_in_database():
        entry = _ask("get", key)
        if entry is None:
            return None, None
        return entry, _any_change_in_database()
    found = _ask("get_many", [key, ANY_CHANGE_KEY])
    return found.get(key), found.get(ANY_CHANGE_KEY)


def _any_change_in_database() -> str:
    """ANY_CHANGE's version in the database, read for every page served from a local-memory
    cache. In SQL through Django's documented cursor: the ORM's building of this one-row query
    cost as much as the rest of serving the stored page."""
    connection = connections[router.db_for_read(PageCacheTag)]
    meta = PageCacheTag._meta
    table = connection.ops.quote_name(meta.db_table)
    version = connection.ops.quote_name(meta.get_field("version").column)
    tag = connection.ops.quote_name(meta.get_field("tag").column)
    with connection.cursor() as cursor:
        # Names from the model, quoted by the backend; the value is a parameter.
        cursor.execute(f"SELECT {version} FROM {table} WHERE {tag} = %s", [ANY_CHANGE])  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else NEVER_CHANGED


def load(key: str):
    """The stored page under `key` if every version it was built with still holds."""
    entry, any_change = _page_and_any_change(key)
    if entry is None:
        return None
    versions = entry["versions"]
    if any_change is not None and any_change in (
        entry.get("any_change"),
        _checked_under(key, versions),
    ):
        return entry  # nothing changed since its versions were last seen to hold
    if current_versions(versions) != versions:
        return None
    if any_change is not None:
        _note_checked(key, versions, any_change)
    return entry


def save(key: str, entry: dict, timeout: int) -> None:
    """Stores `entry` (its "versions" read, with ANY_CHANGE's as "any_change", by
    `versions_for_storing`)."""
    _ask("set", key, entry, timeout=timeout)


def forget(**kwargs) -> None:
    """Forget what this process knows of the cache's keys: it is another cache now."""
    with _checked_lock:
        _checked.clear()


def _settings_changed(setting, **kwargs) -> None:
    if setting in ("CACHES", "LANTERN_PAGE_CACHE_ALIAS"):  # tests point it elsewhere
        forget()


setting_changed.connect(_settings_changed, dispatch_uid="lantern_page_cache_keys")
