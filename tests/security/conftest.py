"""Shared by the security tests: production's own security settings, read from production."""

import json
import secrets
import subprocess
import sys

import pytest

from tests.test_settings import PROJECT_DIR, clean_env

PRODUCTION_SECURITY = [
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
    "AUTH_PASSWORD_VALIDATORS",
]


def settings_of(module: str, names: list[str], **variables: str) -> dict:
    """The values `module` gives the named settings in a fresh process with this environment."""
    script = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}, default=str))"
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments, the test's own interpreter
        [sys.executable, "-c", script],
        cwd=PROJECT_DIR,
        env=clean_env(DJANGO_SETTINGS_MODULE=module, **variables),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def production_values():
    """The values cms.settings.production gives the security settings."""
    return settings_of(
        "cms.settings.production",
        PRODUCTION_SECURITY,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.org",
    )


@pytest.fixture
def production_security(settings, production_values):
    """Test settings with production's security settings on top (create clients after this)."""
    for name, value in production_values.items():
        setattr(settings, name, tuple(value) if name == "SECURE_PROXY_SSL_HEADER" else value)
    return production_values
