"""Request ids and structured logs: every log line written while a request is answered names
the request (`request_id`) and the site (`site`), and with LOG_FORMAT=json is one JSON object.

No log line carries the query string, the client's address, its user agent or an e-mail
address: readers may be people in danger, and what they searched for is theirs.
"""

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from django.http import HttpRequest
from django.http.request import split_domain_port

HEADER = "X-Request-ID"
# An id a proxy or load balancer in front already gave the request is kept, so its lines and
# ours can be matched; anything else (too long, odd characters) is replaced.
SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

# The request being answered in this thread (or task), for the log lines written meanwhile.
_current: ContextVar[HttpRequest | None] = ContextVar("lantern_request", default=None)


def request_id_from(request) -> str:
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    return given if SANE_ID.fullmatch(given) else uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE: names the request before anything can log, and sets the header on
    every answer, a page replayed from the page cache included (it sits outside that cache, so
    no id is ever stored with a page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request)
        token = _current.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request.request_id
        return response


def class_name(kind: type) -> str:
    """An exception's class as logs name it: `KeyError`, `django.db.utils.OperationalError`."""
    return (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )


def site_of(request) -> str | None:
    """The host name the request asked for (never a client's address): the site it reads.
    Read from the request alone: a log line must not query."""
    host = request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", "")
    return split_domain_port(host)[0] or None


def request_context(record: logging.LogRecord) -> tuple[str | None, str | None]:
    # django.request's own lines (404s, 500s) are written after the middleware has returned,
    # with the request attached to the record.
    request = getattr(record, "request", None)
    if not isinstance(request, HttpRequest):
        request = _current.get()
    if request is None:
        return None, None
    return getattr(request, "request_id", None), site_of(request)


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `site` to every record, for any formatter that names them."""

    def filter(self, record):
        record.request_id, record.site = request_context(record)
        return True


# Set on a request whose answer has been logged already, with the reason (cms.health).
LOGGED = "lantern_answer_logged"


def logged_already(request) -> None:
    """The request's answer is explained by a line already written: Django's own
    `django.request` line for it (an ERROR with a traceback for a 503) is left out."""
    setattr(request, LOGGED, True)


class AlreadyLoggedFilter(logging.Filter):
    """On `django.request`: drops the line for a request marked `logged_already`."""

    def filter(self, record):
        return not getattr(getattr(record, "request", None), LOGGED, False)


class JsonFormatter(logging.Formatter):
    """One JSON object a line, with these fields only. Not python-json-logger: it copies every
    `extra` of a record into the line, and Django's `django.request` passes the request itself,
    whose text includes the query string."""

    def format(self, record):
        if hasattr(record, "request_id"):
            request_id, site = record.request_id, record.site
        else:
            request_id, site = request_context(record)
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id,
            "site": site,
        }
        if record.exc_info and record.exc_info[0] is not None:
            line["exc_type"] = class_name(record.exc_info[0])
            line["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str, ensure_ascii=False)
