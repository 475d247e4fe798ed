"""Every kind of answer carries the headers it should, over real requests on a demo site's host.

Reader pages: a strict Content-Security-Policy (nothing from anyone else, no inline code but the
site's colours, allowed by their hash), no framing, no referrer, nosniff, and HSTS over
HTTPS. The admin: no CSP (its own scripts are inline), same-origin referrers, DENY framing.
The API: JSON under the same strict policy; its docs (Swagger UI) served from this site.
"""

import base64
import hashlib
import re

import pytest

from django.test import Client

from wagtail.models import Site

from sites.accounts import headers
from sites.content.pages import NewsStoryPage
from tests.admin_forms import story_form

pytestmark = pytest.mark.django_db

HOST = "harbor.localhost"
STRICT_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "media-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
    "frame-ancestors": ["'none'"],
}


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


def a_story_path() -> str:
    site = Site.objects.get(hostname=HOST)
    story = NewsStoryPage.objects.live().descendant_of(site.root_page).first()
    return story.get_url_parts()[2]


def reader_paths() -> list[str]:
    return ["/en/", a_story_path(), "/en/search/?q=x", "/en/find-help/?zip=90012"]


def assert_reader_headers(response):
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    csp = policy(response)
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    assert {name: csp[name] for name in STRICT_POLICY} == STRICT_POLICY
    return csp


def test_reader_pages_carry_the_strict_policy_and_their_style_its_hash():
    client = Client(HTTP_HOST=HOST)
    for path in reader_paths():
        response = client.get(path)
        assert response.status_code == 200, path
        csp = assert_reader_headers(response)
        # style-src: this site's files, and the one inline <style> (the site's colours), by
        # the hash of exactly what it holds: a changed or injected style does not match.
        assert csp["style-src"][0] == "'self'"
        [hash_source] = csp["style-src"][1:]
        digest = re.fullmatch(r"'sha256-([A-Za-z0-9+/=]{44})'", hash_source).group(1)
        [css] = re.findall(r"<style>(.*?)</style>", response.content.decode(), re.S)
        assert css.startswith(":root{--brand-primary:")
        assert base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() == digest
        # The same answer each time, so browsers revalidate it with a 304.
        again = client.get(path, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304, path


def test_reader_pages_have_no_inline_code_the_policy_would_block():
    client = Client(HTTP_HOST=HOST)
    for path in reader_paths():
        html = client.get(path).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert not re.search(r"\son[a-z]+=", html), path
        assert " style=" not in html, path
        assert len(re.findall(r"<style\b", html)) == 1, path
        # Nothing is loaded from another host.
        for url in re.findall(
            r'<(?:script|link|img|source)\b[^>]*\b(?:src|href|srcset)="([^"]+)"', html
        ):
            if url.startswith(("http://", "https://", "//")):
                assert url.startswith(f"http://{HOST}/"), (path, url)


def test_not_found_pages_carry_the_strict_policy_too():
    response = Client(HTTP_HOST=HOST).get("/en/no-such-page/")
    assert response.status_code == 404
    assert_reader_headers(response)


def test_https_answers_carry_hsts(production_security):
    response = Client(HTTP_HOST=HOST).get("/en/", secure=True)
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert_reader_headers(response)


def test_production_redirects_plain_http_to_https(production_security):
    response = Client(HTTP_HOST=HOST).get("/en/")
    assert response.status_code == 301
    assert response.headers["Location"] == f"https://{HOST}/en/"
    forwarded = Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https").get("/en/")
    assert forwarded.status_code == 200
    assert "Strict-Transport-Security" in forwarded.headers


def test_the_admin_keeps_its_inline_scripts_same_origin_referrers_and_no_framing(admin_user):
    client = Client(HTTP_HOST=HOST)
    client.force_login(admin_user)
    for path in ["/admin/", "/admin/pages/", "/admin/account/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Content-Security-Policy" not in response.headers
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_admin_sign_in_page_is_the_admins(production_security):
    response = Client(HTTP_HOST=HOST).get("/admin/login/", secure=True)
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response.headers
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_admin_previews_may_be_framed_by_the_admin_itself(admin_user):
    """Wagtail's live preview shows the reader page in a frame of the editor: not 'none' there."""
    client = Client(HTTP_HOST=HOST)
    client.force_login(admin_user)
    story = NewsStoryPage.objects.get(url_path__endswith=a_story_path().removeprefix("/en"))
    preview_url = f"/admin/pages/{story.pk}/edit/preview/"
    posted = client.post(preview_url, story_form(story.title, story.slug, "A preview."))
    assert posted.json()["is_valid"] is True
    response = client.get(preview_url, {"in_preview_panel": "true"})
    assert response.status_code == 200
    assert b"A preview." in response.content
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "Content-Security-Policy" not in response.headers


def test_session_and_csrf_cookies_are_secure_and_http_only(production_security, admin_user):
    admin_user.set_password("a-long-unusual-passphrase-42")
    admin_user.save()
    client = Client(HTTP_HOST=HOST)
    sign_in_page = client.get("/admin/login/", secure=True)
    csrf = sign_in_page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    response = client.post(
        "/admin/login/",
        {"username": admin_user.username, "password": "a-long-unusual-passphrase-42"},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def test_the_api_answers_under_the_strict_policy():
    response = Client(HTTP_HOST=HOST).get("/api/pages")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    csp = assert_reader_headers(response)
    assert csp["style-src"] == ["'self'"], "no nonce where nothing asked for one"
    assert not response.cookies


def test_the_api_docs_load_only_this_sites_files():
    """Swagger UI from django-ninja's own static files, not its default CDN."""
    response = Client(HTTP_HOST=HOST).get("/api/docs")
    assert response.status_code == 200
    assert_reader_headers(response)
    html = response.content.decode()
    assert "cdn" not in html.lower()
    for url in re.findall(r'\b(?:src|href)="([^"]+)"', html):
        assert url.startswith("/static/ninja/"), url
    # Its only inline script is data (JSON), which no policy blocks.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline == [' type="application/json" id="swagger-settings"']
    assert not response.cookies


def test_the_admin_under_a_script_prefix_keeps_same_origin_referrers(admin_user, monkeypatch):
    """Lantern served under a path (SCRIPT_NAME, a proxy's /lantern/): the admin's forms still
    say where they post from, and readers' pages still send no referrer."""
    from django.core.handlers.base import BaseHandler
    from django.urls import clear_script_prefix, set_script_prefix

    handle = BaseHandler.get_response

    def under_a_prefix(handler, request):  # as gunicorn's WSGIHandler sets it; the client does not
        set_script_prefix("/lantern/")
        try:
            return handle(handler, request)
        finally:
            clear_script_prefix()

    monkeypatch.setattr(BaseHandler, "get_response", under_a_prefix)
    headers._admin_path.clear()  # worked out afresh, under the prefix
    client = Client(HTTP_HOST=HOST, SCRIPT_NAME="/lantern")
    assert client.get("/admin/login/").headers["Referrer-Policy"] == "same-origin"
    client.force_login(admin_user)
    assert client.get("/admin/").headers["Referrer-Policy"] == "same-origin"
    reader = Client(HTTP_HOST=HOST, SCRIPT_NAME="/lantern").get("/en/")
    assert reader.headers["Referrer-Policy"] == "no-referrer"
