"""Tests for cms.settings: production refuses unsafe configuration and reads its services from the environment."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SETUP = "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = '{module}'; django.setup()"
PRINT = (
    "; from django.conf import settings; print(json.dumps({'DEBUG': settings.DEBUG,"
    " 'ENGINE': settings.DATABASES['default']['ENGINE'],"
    " 'DB_NAME': settings.DATABASES['default']['NAME'],"
    " 'DB_HOST': settings.DATABASES['default']['HOST'],"
    " 'CACHE': settings.CACHES['default']['BACKEND'],"
    " 'CACHE_LOCATION': settings.CACHES['default'].get('LOCATION', '')}))"
)


def clean_env(**variables: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name
        not in {
            "DEBUG",
            "SECRET_KEY",
            "DJANGO_SETTINGS_MODULE",
            "DATABASE_URL",
            "REDIS_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return env | variables


def run(args: list[str], **variables: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed arguments, the test's own interpreter
        [sys.executable, *args],
        cwd=PROJECT_DIR,
        env=clean_env(**variables),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def start(module: str, **variables: str) -> subprocess.CompletedProcess:
    return run(["-c", "import json; " + SETUP.format(module=module) + PRINT], **variables)


def loaded(module: str, **variables: str) -> dict:
    result = start(module, **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def a_secret() -> str:
    return secrets.token_urlsafe(64)


def test_production_refuses_to_start_without_a_secret_key():
    result = start("cms.settings.production")
    assert result.returncode != 0
    assert (
        "django.core.exceptions.ImproperlyConfigured: "
        "SECRET_KEY must be set in the environment for production."
    ) in result.stderr


def test_production_refuses_to_start_with_debug_on():
    result = start("cms.settings.production", SECRET_KEY=a_secret(), DEBUG="true")
    assert result.returncode != 0
    assert (
        "django.core.exceptions.ImproperlyConfigured: "
        "DEBUG must not be on with cms.settings.production."
    ) in result.stderr


def test_production_starts_with_a_secret_key_and_debug_off():
    values = loaded("cms.settings.production", SECRET_KEY=a_secret())
    assert values["DEBUG"] is False


def test_debug_is_off_unless_asked_for():
    assert loaded("cms.settings.base")["DEBUG"] is False
    assert loaded("cms.settings.base", DEBUG="true")["DEBUG"] is True


def test_without_services_the_site_uses_sqlite_and_local_memory():
    values = loaded("cms.settings.production", SECRET_KEY=a_secret())
    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert values["DB_NAME"] == str(PROJECT_DIR / "var" / "lantern.sqlite3")
    assert values["CACHE"] == "django.core.cache.backends.locmem.LocMemCache"


def test_database_url_selects_postgresql():
    values = loaded(
        "cms.settings.production",
        SECRET_KEY=a_secret(),
        DATABASE_URL="postgres://lantern:pw@db.internal:5432/lantern",
    )
    assert values["ENGINE"] == "django.db.backends.postgresql"
    assert values["DB_NAME"] == "lantern"
    assert values["DB_HOST"] == "db.internal"


def test_redis_url_selects_the_redis_cache():
    values = loaded(
        "cms.settings.production",
        SECRET_KEY=a_secret(),
        REDIS_URL="redis://cache.internal:6379/1",
    )
    assert values["CACHE"] == "django_redis.cache.RedisCache"
    assert values["CACHE_LOCATION"] == "redis://cache.internal:6379/1"


def test_production_passes_djangos_deployment_checks():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY=a_secret(),
    )
    assert result.returncode == 0, result.stderr


def test_a_cdn_is_purged_and_told_how_long_to_keep_pages_when_configured():
    script = (
        "import json; " + SETUP.format(module="cms.settings.production") + "; "
        "from django.conf import settings; print(json.dumps({"
        "'apps': 'wagtail.contrib.frontend_cache' in settings.INSTALLED_APPS,"
        "'backends': {k: v['BACKEND'].rsplit('.', 1)[1] for k, v in settings.WAGTAILFRONTENDCACHE.items()},"
        "'cdn': settings.LANTERN_CDN_SECONDS, 'pages': settings.LANTERN_PAGE_CACHE_SECONDS}))"
    )

    def settings_with(**variables):
        result = run(["-c", script], SECRET_KEY=a_secret(), **variables)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])

    plain = settings_with()
    assert plain == {"apps": False, "backends": {}, "cdn": 0, "pages": 600}
    cdn = settings_with(
        FRONTEND_CACHE_PURGE_URL="http://varnish.internal:6081",
        CLOUDFLARE_API_TOKEN="token",
        CLOUDFLARE_ZONE_ID="zone",
        LANTERN_CDN_SECONDS="120",
        LANTERN_PAGE_CACHE_SECONDS="0",
    )
    assert cdn["apps"] is True
    assert cdn["backends"] == {"http": "HTTPBackend", "cloudflare": "CloudflareBackend"}
    assert (cdn["cdn"], cdn["pages"]) == (120, 0)
