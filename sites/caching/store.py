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
"""

import contextlib
import hashlib
import logging
import secrets
import threading
import time

from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import setting_changed
from django.db import connection

from .models import PageCacheTag

logger = logging.getLogger(__name__)

PREFIX = "lantern:page-cache:"

# What a cache that does not answer raises: django-redis's client, Django's own Redis backend,
# any other cache over the network.
CACHE_ERRORS = (ConnectionInterrupted, RedisError, OSError)


class Unavailable(Exception):
    """The cache did not answer: the page is served without it."""


# This thread's page cache backend: Django's `caches[...]` finds it through asgiref's Local, a
# few microseconds asked twice on every page, warm or not.
_backends = threading.local()


def cache():
    try:
        return _backends.pages
    except AttributeError:
        _backends.pages = caches[settings.LANTERN_PAGE_CACHE_ALIAS]
        return _backends.pages


def raising(backend):
    """The cache's operations, raising when it does not answer. django-redis is configured to
    ignore connection errors (IGNORE_EXCEPTIONS, which keeps Wagtail's own cache use soft): it
    then answers a dead server like an empty one, which the page cache must not mistake for an
    evicted version or a purge that was sent. Its client raises."""
    return backend.client if isinstance(backend, RedisCache) else backend


def _ask(operation: str, *args, **kwargs):
    try:
        return getattr(raising(cache()), operation)(*args, **kwargs)
    except CACHE_ERRORS as error:
        raise Unavailable(error_name(error)) from error


def error_name(error: BaseException) -> str:
    """The class of what went wrong underneath (redis' ConnectionError rather than django-redis'
    wrapper), for logs: never the message, which names hosts."""
    if isinstance(error, ConnectionInterrupted) and error.__cause__ is not None:
        error = error.__cause__
    return type(error).__name__


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
# the cache stores it as digits, which django-redis reads back without unpickling anything: a
# warm page reads some thirty of them. (Versions made before were "seconds:hex" strings.)
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
    return {f"{PREFIX}tag:{tag}": tag for tag in tags}


def versions_in_database() -> bool:
    """Whether the cache is each process's own (local memory): see the module's docstring."""
    return isinstance(cache(), LocMemCache)


# In the database, a tag never bumped has no row, and no row is ever evicted: its version is
# this one, made as of long ago.
NEVER_CHANGED = "0"


def current_versions(tags) -> dict:
    """The present version of each tag (left out where the cache has none)."""
    if versions_in_database():
        found = _versions_from_database(list(tags))
        return {tag: found.get(tag, NEVER_CHANGED) for tag in tags}
    tags = tuple(tags)
    if isinstance(cache(), RedisCache):
        return _present(tags, _fetch(_lookup_keys(tags)))
    keys = _tag_keys(tags)
    found = _ask("get_many", list(keys))
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


def versions_for_storing(tags) -> dict[str, str] | None:
    """The present version of each tag, making one for any that has none yet; None when one
    is still missing (the page is then not stored)."""
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
# again. Another process cannot know of them; the error logged says what to do.
_unsent: set[str] = set()
_unsent_lock = threading.Lock()


def bump(tags) -> None:
    """Every stored page that depends on any of `tags` is stale from now on."""
    if not tags:
        return
    if versions_in_database():
        PageCacheTag.objects.bulk_create(
            [PageCacheTag(tag=tag, version=str(_token())) for tag in tags],
            update_conflicts=True,
            unique_fields=["tag"],
            update_fields=["version"],
        )
        return
    with _unsent_lock:
        tags = set(tags) | _unsent
        try:
            _ask("set_many", {key: _token() for key in _tag_keys(tags)}, timeout=None)
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


def send_unsent() -> None:
    """Sends the bumps the cache did not take; raises Unavailable while it still does not (or
    while another thread of this process is sending them)."""
    if not _unsent:
        return
    if not _unsent_lock.acquire(blocking=False):
        raise Unavailable("purges being sent")
    try:
        if _unsent:
            _ask("set_many", {key: _token() for key in _tag_keys(_unsent)}, timeout=None)
            logger.info("Page cache purges sent now that the cache answers: %d tags", len(_unsent))
            _unsent.clear()
    finally:
        _unsent_lock.release()


def page_key(request) -> str:
    # The Origin too: the API's CORS headers differ by it.
    origin = request.META.get("HTTP_ORIGIN", "")
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()} {origin}"
    return PREFIX + "page:" + hashlib.sha256(address.encode()).hexdigest()


# The tags each stored page was built with, as this worker last saw them: a lookup then asks
# a shared cache for the page and the tags' versions at once, in one round trip, not two.
MAX_REMEMBERED_TAGS = 2000  # pages; then it starts again
_page_tags: dict[str, tuple[str, ...]] = {}


def load(key: str):
    """The stored page under `key` if every version it was built with still holds."""
    shared = not versions_in_database()  # Redis: versions beside the pages
    known = _page_tags.get(key) if shared else None
    if known is None:
        entry = _ask("get", key)
        if entry is None:
            return None
        current = current_versions(entry["versions"])
    else:
        values = _fetch(_lookup_keys(known, key), entry_first=True)
        entry = values[0]
        if entry is None:
            return None
        if entry["versions"].keys() == set(known):
            current = _present(known, values[1:])
        else:  # stored again since, showing other things: their versions too
            current = current_versions(entry["versions"])
    versions = entry["versions"]
    if shared:
        remember_tags(key, versions)
    if current != versions:
        return None
    return entry


def _present(tags: tuple[str, ...], versions: list) -> dict:
    """tag → version, as read for `tags` in their order: those the cache holds."""
    return {
        tag: version for tag, version in zip(tags, versions, strict=True) if version is not None
    }


def _lookup_keys(tags: tuple[str, ...], page: str = "") -> tuple[str, ...]:
    """The keys of a lookup: a stored page's if one is named, then its tags' versions'. Worked
    out once per page and set of tags, so each lookup's keys are the same strings, whose hashes
    Python keeps (30-odd new strings a lookup, hashed to find their packed command, were a
    tenth of a warm page's Python)."""
    keys = _lookups.get((page, tags))
    if keys is None:
        keys = (*((page,) if page else ()), *(f"{PREFIX}tag:{tag}" for tag in tags))
        if len(_lookups) >= MAX_PACKED:
            _lookups.clear()
        _lookups[page, tags] = keys
    return keys


_lookups: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = {}


# The keys of each lookup made again and again (a page and its tags' versions, a kept chrome's
# versions) -> its MGET command, packed as Redis reads it: worked out once per worker. About
# 1.5 KB each: as many as the pages whose tags are remembered, and the chromes.
MAX_PACKED = MAX_REMEMBERED_TAGS + 500
_packed: dict[tuple[str, ...], list[bytes]] = {}


def _fetch(keys: tuple[str, ...], entry_first: bool = False) -> list:
    """The values under `keys`, in their order (None for a key the cache does not hold), in
    one round trip. `entry_first`: the first is a stored page, the rest versions.

    From Redis, the command is packed once per worker for each set of keys and sent on a
    pooled connection as it is: redis-py otherwise encodes every key again, and django-redis
    works out each key's full form and builds a dict of them, on every call. That was two
    thirds of a warm page's lookup (83 of 125 µs, against 32 for the same MGET sent packed).
    Versions are read as the integers they are; anything else as django-redis reads it."""
    backend = cache()
    if not isinstance(backend, RedisCache):
        found = _ask("get_many", list(keys))
        return [found.get(key) for key in keys]
    client = backend.client
    try:
        values = _send(client.get_client(write=False).connection_pool, _command(client, keys))
    except CACHE_ERRORS as error:
        raise Unavailable(error_name(error)) from error
    if entry_first:
        entry = None if values[0] is None else client.decode(values[0])
        return [entry, *(_version(client, value) for value in values[1:])]
    return [_version(client, value) for value in values]


def _command(client, keys: tuple[str, ...]) -> list[bytes]:
    """The MGET of `keys`, packed once per worker (as `send_packed_command` takes it: a list,
    as bytes alone would be read as ints)."""
    packed = _packed.get(keys)
    if packed is None:
        packed = [pack("MGET", *(str(client.make_key(key)) for key in keys))]
        if len(_packed) >= MAX_PACKED:
            _packed.clear()
        _packed[keys] = packed
    return packed


class Asked:
    """Versions asked of Redis ahead of their use (`ask_versions`): the command is on its way
    while the request does other work, and its reply is read when it is needed (`versions`),
    likely there already. Whatever happens, the connection goes back to its pool: read, or
    when the request ends (`drop`)."""

    __slots__ = ("_client", "_command", "_connection", "_failed", "_pool", "_tags")

    def __init__(self, client, tags: tuple, command, pool, connection, failed=None):
        self._client = client
        self._tags = tags
        self._command = command
        self._pool = pool
        self._connection = connection
        self._failed = failed  # why it could not be asked: said when read, not tried again

    def versions(self) -> dict:
        """As `current_versions` gives them. Raises Unavailable if Redis does not answer."""
        if self._failed is not None:
            raise Unavailable(error_name(self._failed))
        connection, self._connection = self._connection, None
        if connection is None:
            raise RuntimeError("versions asked for are read once")
        try:
            values = _finish(self._pool, connection, self._command)
        except CACHE_ERRORS as error:
            raise Unavailable(error_name(error)) from error
        return _present(self._tags, [_version(self._client, value) for value in values])

    def drop(self) -> None:
        """Unread: the reply is read and let go, so the connection can serve the next one."""
        if self._connection is not None:
            with contextlib.suppress(Unavailable):
                self.versions()


def ask_versions(tags) -> Asked | None:
    """The present versions of `tags`, asked for now and read later (`Asked.versions`): from
    Redis only (None otherwise: ask `current_versions` then). When Redis cannot be asked, the
    error is said when the versions are read: a Redis that is down is tried once a request."""
    if versions_in_database():
        return None
    backend = cache()
    if not isinstance(backend, RedisCache):
        return None
    tags = tuple(tags)
    client = backend.client
    command = _command(client, _lookup_keys(tags))
    try:
        pool = client.get_client(write=False).connection_pool
        connection = _begin(pool, command)
    except CACHE_ERRORS as error:
        return Asked(client, tags, command, None, None, failed=error)
    return Asked(client, tags, command, pool, connection)


def pack(*words: str) -> bytes:
    """A command as Redis reads it (RESP): how many words, then each with its length."""
    encoded = [word.encode() for word in words]
    return b"".join(
        [b"*%d\r\n" % len(encoded), *(b"$%d\r\n%s\r\n" % (len(word), word) for word in encoded)]
    )


def _send(pool, command: list[bytes]) -> list:
    """The reply to a packed command, on a connection from `pool` (which connects it)."""
    return _finish(pool, _begin(pool, command), command)


def _begin(pool, command: list[bytes]):
    """A connection from `pool` with `command` sent on it (the pool's again if that fails)."""
    connection = pool.get_connection()
    try:
        try:
            connection.send_packed_command(command)
        except (RedisConnectionError, RedisTimeoutError):
            connection.disconnect()  # dropped by the server: opened again, sent once more
            connection.send_packed_command(command)
    except BaseException:
        connection.disconnect()
        pool.release(connection)
        raise
    return connection


def _finish(pool, connection, command: list[bytes]) -> list:
    """The reply to `command`, sent on `connection` by `_begin`; the connection goes back to
    `pool`. One that fails on the way is opened again and the command sent once more, as
    redis-py's own retry would."""
    try:
        try:
            return connection.read_response()
        except (RedisConnectionError, RedisTimeoutError):
            connection.disconnect()
            connection.send_packed_command(command)
            return connection.read_response()
    except BaseException:
        connection.disconnect()
        raise
    finally:
        pool.release(connection)


def _version(client, value):
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return client.decode(value)  # a version made before versions were numbers


def remember_tags(key: str, versions: dict[str, str]) -> None:
    if _page_tags.get(key) != tuple(versions):
        if len(_page_tags) >= MAX_REMEMBERED_TAGS:
            _page_tags.clear()
        _page_tags[key] = tuple(versions)


def forget(**kwargs) -> None:
    """Forget what this process knows of the cache and its keys: it is another cache now."""
    global _backends
    _backends = threading.local()
    _packed.clear()
    _lookups.clear()
    _page_tags.clear()


def _settings_changed(setting, **kwargs) -> None:
    if setting in ("CACHES", "LANTERN_PAGE_CACHE_ALIAS"):  # tests point it elsewhere
        forget()


setting_changed.connect(_settings_changed, dispatch_uid="lantern_page_cache_keys")


def save(key: str, entry: dict, timeout: int) -> None:
    _ask("set", key, entry, timeout=timeout)
    if not versions_in_database():
        remember_tags(key, entry["versions"])
