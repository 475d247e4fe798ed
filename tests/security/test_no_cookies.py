"""Readers leave no trace: their pages set no cookie, and what they look for is not logged.

A cookie on a shared or watched phone tells someone the site was visited; a search for help
in a log tells whoever reads it what a reader needed. Neither happens: no Set-Cookie on any
reader page (no CSRF cookie, no session), and neither Django's logging nor gunicorn's access
log carries a query string.
"""

import logging
import runpy

import pytest

from django.test import Client

from wagtail.models import Site

from sites.content.pages import NewsStoryPage
from tests.test_settings import PROJECT_DIR

pytestmark = pytest.mark.django_db

HOSTS = ["harbor.localhost", "localhost"]
SECRET_WORDS = "bruised-ribs-passport"


def reader_paths(hostname: str) -> list[str]:
    site = Site.objects.get(hostname=hostname)
    story = NewsStoryPage.objects.live().descendant_of(site.root_page).first()
    return [
        "/en/",
        story.get_url_parts()[2],
        "/en/search/?q=x",
        f"/en/search/?q={SECRET_WORDS}",
        "/en/find-help/?zip=90012",
        "/en/browse-more-safely/",
    ]


@pytest.mark.parametrize("hostname", HOSTS)
def test_reader_pages_set_no_cookie(hostname):
    client = Client(HTTP_HOST=hostname)
    for path in reader_paths(hostname):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Set-Cookie" not in response.headers, path
        assert not response.cookies, (path, response.cookies)
    assert not client.cookies


@pytest.mark.parametrize("hostname", HOSTS)
def test_reader_pages_set_no_cookie_over_https_in_production(hostname, production_security):
    client = Client(HTTP_HOST=hostname)
    for path in reader_paths(hostname):
        response = client.get(path, secure=True)
        assert response.status_code == 200, path
        assert not response.cookies, (path, response.cookies)


def test_an_editors_session_is_not_renewed_by_reader_pages(admin_user):
    """Signed-in editors browse the sites too: reading a page does not rewrite their cookie."""
    client = Client(HTTP_HOST="harbor.localhost")
    client.force_login(admin_user)
    for path in reader_paths("harbor.localhost"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert not response.cookies, (path, response.cookies)


def test_searches_and_zip_codes_are_not_logged(caplog):
    client = Client(HTTP_HOST="harbor.localhost")
    with caplog.at_level(logging.DEBUG):
        client.get(f"/en/search/?q={SECRET_WORDS}")
        client.get("/en/find-help/?zip=90012")
        # Errors are logged (path only); their query strings are not.
        client.get(f"/en/no-such-page/?q={SECRET_WORDS}&zip=90012")
    assert any(record.name == "django.request" for record in caplog.records)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert SECRET_WORDS not in logged
    assert "90012" not in logged


def test_gunicorns_access_log_leaves_out_query_strings_and_who_asked():
    config = runpy.run_path(str(PROJECT_DIR / "gunicorn.conf.py"))
    log_format = config["access_log_format"]
    assert config["accesslog"] == "-"
    # %(U)s is the path alone; %(r)s (request line) and %(q)s (query string) would carry
    # searches and ZIP codes; %(h)s, %(a)s and %(f)s the reader's address, browser, referrer.
    assert "%(U)s" in log_format
    for leak in ["%(r)s", "%(q)s", "%(h)s", "%(a)s", "%(f)s", "%(u)s", "%({cookie}i)s"]:
        assert leak not in log_format
    assert "%({x-forwarded-for}i)s" not in log_format.lower()
