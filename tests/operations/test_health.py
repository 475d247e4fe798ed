"""/healthz and /readyz as a load balancer sees them, and what readers get while the database
does not answer: a 503 to come back in a minute, never a traceback; and the service back by
itself once the database is."""

import http.client
import io
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from wsgiref.util import setup_testing_defaults

import psycopg
import pytest

from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

from tests.bench.run import free_port
from tests.conftest import load_demo_network, site_client

HARBOR = "harbor.localhost"
STORY = "/en/stories/eight-children-safe-in-two-weeks/"
PROJECT_DIR = Path(__file__).resolve().parent.parent.parent


# A port on this machine where nothing listens.
closed_port = free_port


def body(response) -> dict:
    return json.loads(response.content)


# The health checks.


def test_healthz_answers_a_probe_by_address_over_plain_http_without_the_database(settings):
    """No django_db mark: a query here would fail the test."""
    settings.ALLOWED_HOSTS = [HARBOR]
    settings.SECURE_SSL_REDIRECT = True
    probe = site_client("10.1.2.3")
    response = probe.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert body(response) == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies
    head = probe.head("/healthz")
    assert head.status_code == 200 and head.content == b""
    assert probe.post("/healthz").status_code == 405
    # What the same probe gets anywhere else: refused for its Host, or sent to HTTPS.
    assert probe.get("/en/").status_code == 400
    redirected = site_client(HARBOR).get("/en/")
    assert redirected.status_code == 301
    assert redirected["Location"].startswith("https://")


@pytest.mark.django_db
def test_readyz_says_ready_when_the_database_and_the_cache_answer(settings):
    settings.ALLOWED_HOSTS = [HARBOR]
    settings.SECURE_SSL_REDIRECT = True
    response = site_client("10.1.2.3").get("/readyz")
    assert response.status_code == 200
    assert body(response) == {"status": "ready", "checks": {"database": "ok", "cache": "ok"}}
    assert response["Cache-Control"] == "no-store"
    assert site_client("10.1.2.3").head("/readyz").status_code == 200


@pytest.mark.django_db
def test_the_health_checks_are_never_kept_in_the_page_cache_nor_in_the_sitemap(settings):
    settings.LANTERN_PAGE_CACHE_SECONDS = 600
    cache.clear()
    client = site_client(HARBOR)
    for path in ("/healthz", "/readyz", "/healthz", "/readyz"):
        response = client.get(path)
        assert response.status_code == 200
        assert "X-Lantern-Cache" not in response, path
    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200
    assert "<loc>" in sitemap.content.decode()
    assert "healthz" not in sitemap.content.decode()
    assert "readyz" not in sitemap.content.decode()
    cache.clear()


# The database out of reach.


@contextmanager
def database_unreachable():
    """The default database stops answering until the block ends: its connection is dropped
    and every new one is refused (PostgreSQL: a port where nothing listens; SQLite: a file that
    cannot be opened)."""
    settings_dict = connection.settings_dict
    original = dict(settings_dict)
    kept = None
    if connection.vendor == "sqlite":
        # The test database lives in this connection's memory: put it aside, not closed.
        kept, connection.connection = connection.connection, None
        settings_dict["NAME"] = "/nonexistent/lantern/unreachable.sqlite3"
    else:
        connection.close()
        settings_dict.update(HOST="127.0.0.1", PORT=closed_port())
    try:
        yield
    finally:
        if kept is None:
            connection.close()
        settings_dict.clear()
        settings_dict.update(original)
        if kept is not None:
            connection.connection = kept


def reader_and_api_answers(client) -> dict[str, object]:
    return {
        path: client.get(path)
        for path in (STORY, "/en/", "/es/", "/en/find-help/?zip=90012", "/api/pages?limit=5")
    }


@pytest.mark.django_db(transaction=True)
def test_while_the_database_is_away_readers_get_503_and_the_service_comes_back(settings, caplog):
    load_demo_network()
    settings.LANTERN_PAGE_CACHE_SECONDS = 600
    settings.LANTERN_PAGE_CACHE_CLOCK_SKEW = 0
    cache.clear()
    # As a browser and a load balancer see it: no exception raised into the test.
    reader = site_client(HARBOR)
    reader.raise_request_exception = False
    assert reader.get(STORY).status_code == 200
    assert reader.get(STORY)["X-Lantern-Cache"] == "hit"
    editor = site_client(HARBOR)
    editor.raise_request_exception = False
    editor.cookies["sessionid"] = "an-editors-session"

    caplog.set_level(logging.WARNING)
    with database_unreachable():
        answers = reader_and_api_answers(reader)
        # The stored story too: its versions are in the database with a local-memory cache.
        answers["editor"] = editor.get("/admin/")
        ready = reader.get("/readyz")
        alive = reader.get("/healthz")

    for path, response in answers.items():
        assert response.status_code == 503, path
        assert response["Retry-After"] == "30", path
        assert response["Cache-Control"] == "no-store", path
        text = response.content.decode()
        assert "Traceback" not in text and "OperationalError" not in text, path
        assert "127.0.0.1" not in text and "nonexistent" not in text, path
        if path.startswith("/api/"):
            assert body(response) == {"detail": "Service temporarily unavailable"}
        else:
            assert response["Content-Type"] == "text/html; charset=utf-8"
            if path.startswith("/es/"):  # in the reader's language, as the address names it
                assert '<html lang="es">' in text
                assert "Este sitio no está disponible por un momento." in text
            else:
                assert '<html lang="en">' in text
                assert "This site is briefly unavailable. Please try again in a minute." in text
            assert "1-888-373-7888" in text  # the national hotline, even now
            assert "<script" not in text and "http" not in text  # nothing loaded from anywhere
    assert ready.status_code == 503
    assert ready["Cache-Control"] == "no-store"
    assert body(ready) == {
        "status": "unavailable",
        "checks": {"database": "unavailable", "cache": "ok"},
    }
    assert alive.status_code == 200

    # One warning line per request, naming the error's class and the path, not the query.
    lines = [record for record in caplog.records if record.name == "cms.health"]
    messages = [record.getMessage() for record in lines]
    assert all(record.levelno == logging.WARNING for record in lines)
    assert any(
        "django.db.utils.OperationalError" in message and STORY in message for message in messages
    )
    assert any("/en/find-help/" in message for message in messages)
    assert not any("zip=" in message for message in messages)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]

    # Back by itself: nothing restarted, nothing cleared.
    assert reader.get("/readyz").status_code == 200
    assert reader.get(STORY).status_code == 200
    assert reader.get("/api/pages?limit=5").status_code == 200
    cache.clear()


def wsgi_get(handler, path: str, host: str = HARBOR) -> tuple[str, bytes]:
    """A request the way gunicorn hands it to Django: the request_started and request_finished
    signals included, which check and close the database connection between requests (the
    test client leaves those out)."""
    environ = {"PATH_INFO": path, "HTTP_HOST": host, "wsgi.input": io.BytesIO()}
    setup_testing_defaults(environ)
    status = []
    result = handler(environ, lambda line, headers, exc_info=None: status.append(line))
    try:
        content = b"".join(result)
    finally:
        result.close()
    return status[0], content


@pytest.mark.django_db(transaction=True)
def test_after_postgresql_restarts_the_next_request_is_served_without_restarting_workers():
    """A restart drops every connection a worker keeps between requests (CONN_MAX_AGE); the
    worker's next request must find out before it uses one (CONN_HEALTH_CHECKS)."""
    if connection.vendor != "postgresql":
        pytest.skip("only a database server restarts; CI runs this on PostgreSQL")
    load_demo_network(translated=False)  # the tables may have been emptied; English is enough
    handler = WSGIHandler()
    assert wsgi_get(handler, "/en/")[0].startswith("200")
    kept = connection.connection
    assert kept is not None and not kept.closed, "the connection is kept between requests"
    # What a restart does to it: the server ends its session.
    database = connection.settings_dict
    with psycopg.connect(
        dbname=database["NAME"],
        user=database["USER"] or None,
        password=database["PASSWORD"] or None,
        host=database["HOST"] or None,
        port=database["PORT"] or None,
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [kept.info.backend_pid])

    status, content = wsgi_get(handler, "/en/")
    assert status.startswith("200"), content.decode()[:500]
    assert connection.connection is not kept
    assert wsgi_get(handler, "/readyz")[0].startswith("200")


# Production settings behind gunicorn, as a load balancer and a reader reach them.


def http_get(port: int, path: str, method: str = "GET", **headers: str):
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        client.request(method, path, headers=headers)
        response = client.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        client.close()


@pytest.fixture
def gunicorn_without_its_database():
    """gunicorn with production settings and JSON logs, its PostgreSQL out of reach."""
    port = free_port()
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "REDIS_", "LOG_", "GUNICORN_"))
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": "gunicorn-test-" + "x" * 50,
        "ALLOWED_HOSTS": "lantern.example",
        "DATABASE_URL": f"postgres://lantern:secret-password@127.0.0.1:{closed_port()}/lantern",
        "STATIC_ROOT": tempfile.mkdtemp(prefix="lantern-static-"),
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
    }
    # The production configuration file, as the image runs it, with one worker.
    env |= {"GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "1"}
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "cms.wsgi:application"]
    with tempfile.TemporaryFile() as stderr, tempfile.TemporaryFile() as stdout:
        server = subprocess.Popen(  # noqa: S603 - fixed arguments, the test's own interpreter
            command, cwd=PROJECT_DIR, env=env, stdout=stdout, stderr=stderr
        )
        try:
            for _ in range(300):  # up to 30 s for the worker to boot
                try:
                    if http_get(port, "/healthz")[0] == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            else:
                stderr.seek(0)
                pytest.fail("gunicorn did not start: " + stderr.read().decode()[-3000:])
            yield port, stderr, stdout
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


def test_behind_gunicorn_probes_pass_and_readers_get_503_with_one_json_line_each(
    gunicorn_without_its_database,
):
    port, stderr, stdout = gunicorn_without_its_database
    status, headers, content = http_get(port, "/healthz", Host="10.0.0.9")
    assert status == 200 and json.loads(content) == {"status": "ok"}
    assert headers["Cache-Control"] == "no-store"
    assert http_get(port, "/healthz", method="HEAD", Host="10.0.0.9")[0] == 200

    status, headers, content = http_get(port, "/readyz", Host="10.0.0.9")
    assert status == 503
    assert json.loads(content) == {
        "status": "unavailable",
        "checks": {"database": "unavailable", "cache": "ok"},
    }
    assert b"127.0.0.1" not in content and b"secret-password" not in content

    https = {"Host": "lantern.example", "X-Forwarded-Proto": "https"}
    status, headers, content = http_get(
        port, "/en/stories/?q=what-a-reader-searched", **https, **{"X-Request-ID": "probe-page-1"}
    )
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert headers["Cache-Control"] == "no-store"
    assert headers["X-Request-ID"] == "probe-page-1"
    assert b"This site is briefly unavailable." in content
    assert b"Traceback" not in content and b"127.0.0.1" not in content

    status, headers, content = http_get(port, "/api/pages?limit=5", **https)
    assert status == 503
    assert json.loads(content) == {"detail": "Service temporarily unavailable"}
    assert headers["Retry-After"] == "30"

    # Anything else than the probes still goes to HTTPS first.
    assert http_get(port, "/en/", Host="lantern.example")[0] == 301

    # Each line was written before its answer was sent.
    stderr.seek(0)
    log = stderr.read().decode()
    # Every line is a JSON object: Django's, and gunicorn's own (its start, its workers).
    lines = [json.loads(line) for line in log.splitlines()]
    assert any(line["logger"] == "gunicorn.error" for line in lines)
    [page] = [line for line in lines if line["request_id"] == "probe-page-1"]
    assert page["level"] == "WARNING"
    assert page["logger"] == "cms.health"
    assert page["site"] == "lantern.example"
    assert "OperationalError" in page["message"] and "/en/stories/" in page["message"]
    assert page["time"].endswith("+00:00")
    readiness = [line for line in lines if line["message"].startswith("Readiness")]
    assert readiness and readiness[0]["site"] == "10.0.0.9"
    assert readiness[0]["request_id"]
    assert not [line for line in lines if line["level"] in ("ERROR", "CRITICAL")]
    assert "Traceback" not in log
    assert "what-a-reader-searched" not in log
    assert "secret-password" not in log

    # gunicorn's access lines too, on stdout: no query string, and the request id to find the
    # app's lines about the same request.
    time.sleep(0.5)  # the access line is written after the answer is sent
    stdout.seek(0)
    access = [json.loads(line) for line in stdout.read().decode().splitlines()]
    [line] = [line for line in access if "request_id=probe-page-1" in line["message"]]
    assert line["logger"] == "gunicorn.access"
    assert line["message"] == (
        "GET /en/stories/ 503 " + line["message"].split()[3] + " host=lantern.example"
        " request_id=probe-page-1"
    )


@pytest.mark.django_db
def test_postgresql_connections_do_not_jit_compile_queries():
    """A page's short queries are never JIT-compiled (cms/settings/base.py): with fresh
    statistics one routing query crossed jit_above_cost and was compiled on every request."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's own setting; CI's two PostgreSQL runs check it")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
