"""Request ids and structured logs: every answer names its request, every log line written
while answering names the request and the site, and no line carries what a reader searched
for or who they are."""

import io
import json
import logging
import re
from datetime import datetime

import pytest

from django.core.cache import cache

from cms.observability import JsonFormatter, RequestContextFilter
from tests.conftest import site_client
from tests.test_settings import start

pytestmark = pytest.mark.django_db

HARBOR = "harbor.localhost"
STORY = "/en/stories/eight-children-safe-in-two-weeks/"
NEW_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def json_log():
    """The root logger writing JSON lines, as LOG_FORMAT=json configures it; the lines read."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_a_proxys_request_id_is_kept_and_anything_odd_is_replaced():
    client = site_client(HARBOR)
    assert client.get("/en/", HTTP_X_REQUEST_ID="lb-7f3a.2_Z")["X-Request-ID"] == "lb-7f3a.2_Z"
    for odd in ("x" * 65, "two words", "<script>", "id\nforged: line", ""):
        given = client.get("/en/", HTTP_X_REQUEST_ID=odd)["X-Request-ID"]
        assert NEW_ID.fullmatch(given), odd
    first, second = client.get("/en/")["X-Request-ID"], client.get("/en/")["X-Request-ID"]
    assert NEW_ID.fullmatch(first) and NEW_ID.fullmatch(second) and first != second


def test_a_page_from_the_cache_carries_the_id_of_the_request_it_answers(settings):
    settings.LANTERN_PAGE_CACHE_SECONDS = 600
    settings.LANTERN_PAGE_CACHE_CLOCK_SKEW = 0
    cache.clear()
    client = site_client(HARBOR)
    first = client.get(STORY, HTTP_X_REQUEST_ID="first-1")
    assert first["X-Lantern-Cache"] == "miss" and first["X-Request-ID"] == "first-1"
    again = client.get(STORY, HTTP_X_REQUEST_ID="second-2")
    assert again["X-Lantern-Cache"] == "hit" and again["X-Request-ID"] == "second-2"
    third = client.get(STORY)
    assert third["X-Lantern-Cache"] == "hit" and NEW_ID.fullmatch(third["X-Request-ID"])
    unchanged = client.get(STORY, HTTP_IF_NONE_MATCH=first["ETag"], HTTP_X_REQUEST_ID="third-3")
    assert unchanged.status_code == 304 and unchanged["X-Request-ID"] == "third-3"
    cache.clear()


def test_json_lines_name_the_request_and_the_site_and_never_the_query(json_log):
    client = site_client(HARBOR)
    response = client.get(
        "/en/no-such-story/?email=reader%40example.org&q=safe+house",
        HTTP_X_REQUEST_ID="trace-404",
        HTTP_USER_AGENT="Reader's Phone/1.0",
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 404
    lines = json_log()
    [line] = [line for line in lines if line["request_id"] == "trace-404"]
    assert line["level"] == "WARNING"
    assert line["logger"] == "django.request"
    assert line["message"] == "Not Found: /en/no-such-story/"
    assert line["site"] == HARBOR  # the Wagtail site the page was looked for in
    assert datetime.fromisoformat(line["time"]).utcoffset().total_seconds() == 0
    assert "exc_type" not in line
    text = json.dumps(lines)
    for private in ("reader", "example.org", "safe", "203.0.113.7", "Phone"):
        assert private not in text, private


def test_a_line_written_during_a_request_names_the_host_asked_for_when_no_site_is_known(
    settings, json_log
):
    """A cache that does not answer, found by /readyz: the probe came by address."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"IGNORE_EXCEPTIONS": True},
        }
    }
    response = site_client("10.0.0.7:8000").get("/readyz", HTTP_X_REQUEST_ID="probe-9")
    assert response.status_code == 503
    [line] = [line for line in json_log() if line["request_id"] == "probe-9"]
    assert line["logger"] == "cms.health"
    assert line["site"] == "10.0.0.7"
    assert (
        line["message"] == "Readiness: the cache is unavailable (redis.exceptions.ConnectionError)"
    )


def test_an_exception_is_logged_with_its_class_and_traceback(json_log):
    try:
        {}["missing"]
    except KeyError:
        logging.getLogger("sites.example").exception("Could not read a setting")
    [line] = json_log()
    assert line["message"] == "Could not read a setting"
    assert line["level"] == "ERROR"
    assert line["exc_type"] == "KeyError"
    assert line["exc"].startswith("Traceback (most recent call last):")
    assert line["exc"].endswith("KeyError: 'missing'")
    assert line["request_id"] is None and line["site"] is None  # written outside any request


def test_log_format_is_text_or_json_and_nothing_else():
    result = start("cms.settings.base", LOG_FORMAT="yaml")
    assert result.returncode != 0
    assert "LOG_FORMAT must be 'text' or 'json', not 'yaml'." in result.stderr
