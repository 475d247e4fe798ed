"""Health checks for load balancers (/healthz, /readyz), and what readers get while the
database does not answer: a 503 that says to come back in a minute, never a traceback."""

import logging
import sqlite3
import sys
import uuid

import psycopg
from django_redis.exceptions import ConnectionInterrupted

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.template import loader
from django.utils import translation
from django.views import defaults

from cms.observability import class_name, logged_already
from sites.caching.store import raising

logger = logging.getLogger(__name__)

# The database's server stopped, restarting, out of connections or out of reach; raised through
# Django (its own classes) or straight from the driver.
DATABASE_DOWN = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    sqlite3.OperationalError,
)
RETRY_AFTER_SECONDS = 30


class HealthCheckMiddleware:
    """Answers /healthz and /readyz before anything else looks at the request: load balancers
    probe by address (any Host), over plain HTTP, with no session or language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        check = CHECKS.get(request.path_info)
        if check is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = HttpResponseNotAllowed(["GET", "HEAD"])
        else:
            body, status = check()
            response = JsonResponse(body, status=status)
            if request.method == "HEAD":
                response.content = b""
            # A failing check has said which part, at WARNING; Django's own error line for a
            # 503 would repeat it at ERROR for every probe, every few seconds.
            logged_already(request)
        response["Cache-Control"] = "no-store"
        return response


def healthz():
    """The process is up and answers: touches neither the database nor the cache."""
    return {"status": "ok"}, 200


def readyz():
    """The database and the cache answer, each named when it does not."""
    checks = {
        "database": outcome("database", database_answers),
        "cache": outcome("cache", cache_answers),
    }
    if all(state == "ok" for state in checks.values()):
        return {"status": "ready", "checks": checks}, 200
    return {"status": "unavailable", "checks": checks}, 503


CHECKS = {"/healthz": healthz, "/readyz": readyz}


def outcome(part: str, check) -> str:
    try:
        check()
    except Exception as error:  # whatever it is, the part is not ready
        # The class only: messages name hosts, ports and users.
        logger.warning("Readiness: the %s is unavailable (%s)", part, qualified_name(error))
        return "unavailable"
    return "ok"


def database_answers() -> None:
    """A trivial query on the default database. A connection the server dropped (a restart) is
    replaced first (CONN_HEALTH_CHECKS), and connecting gives up after `connect_timeout`."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone()[0] != 1:
            raise OperationalError("SELECT 1 did not answer 1")


def cache_answers() -> None:
    """A throwaway value set and read back in the default cache, asked so that a cache that does
    not answer raises rather than reading as empty (django-redis' IGNORE_EXCEPTIONS)."""
    cache = raising(caches[DEFAULT_CACHE_ALIAS])
    key, value = f"lantern:readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise LookupError("the cache did not keep a value")
    finally:
        cache.delete(key)


def qualified_name(error: BaseException) -> str:
    if isinstance(error, ConnectionInterrupted) and error.__cause__ is not None:
        error = error.__cause__  # redis' own error, under django-redis' wrapper
    return class_name(type(error))


def database_down(error: BaseException | None) -> bool:
    while error is not None:  # the error itself, or what it was raised from
        if isinstance(error, DATABASE_DOWN):
            return True
        error = error.__cause__
    return False


def server_error(request):
    """handler500: any error a view or a middleware did not handle. The database not answering
    is no bug in a page: 503 and one warning line; anything else, Django's own 500 page."""
    error = sys.exc_info()[1]
    if database_down(error):
        return database_unavailable(request, error)
    return defaults.server_error(request)


def database_unavailable(request, error) -> HttpResponse:
    # The path without its query string, which may be what a reader searched for.
    logger.warning(
        "Database unavailable (%s): %s %s answered 503",
        qualified_name(error),
        request.method,
        request.path,
    )
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": "Service temporarily unavailable"}, status=503)
    else:
        response = HttpResponse(unavailable_page(request), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # The line above is the whole story: Django's own "Service Unavailable" error line, with its
    # traceback, would say it again at ERROR on every request while the database is away.
    logged_already(request)
    return response


def unavailable_page(request) -> str:
    """The 503 page in the language the address names (/es/…), made without the database: no
    request context, so no context processor looks anything up."""
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        return loader.render_to_string("503.html")
