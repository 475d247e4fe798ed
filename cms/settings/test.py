"""Test settings: fast hashing, plain static storage, local-memory cache, temp media."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.bench"]  # noqa: F405 (generate_content, for tests)
DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The page cache and each worker's chrome cache on, at production's defaults (base.py's
# `env` schema, whatever a local .env says), so tests run what production runs. tests/conftest.py
# empties the cache and what workers keep after each test, as a restart would; a test that
# needs one off says so itself (override_settings or a fixture, with its reason).
LANTERN_PAGE_CACHE_SECONDS = env.scheme["LANTERN_PAGE_CACHE_SECONDS"][1]  # noqa: F405
LANTERN_CHROME_CACHE = env.scheme["LANTERN_CHROME_CACHE"][1]  # noqa: F405
# One machine, one clock: no allowance for others' (base.py). With base.py's second, whether a
# page rendered within a second of a change is stored would depend on how fast the test runs.
LANTERN_PAGE_CACHE_CLOCK_SKEW = 0
MEDIA_ROOT = tempfile.mkdtemp(prefix="lantern-test-media-")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # The test database in a file rather than in memory, so that another process can open it: a
    # real task worker (tests/tasks) runs against the tests' own database. Not synced to disk:
    # nothing in it outlives the run. In WAL mode, as PostgreSQL does, a test's open transaction
    # does not stop the live server's thread (browser tests) from writing its own (the page
    # cache's tag versions, a session): SQLite's default journal would hold it "locked".
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.mkdtemp(prefix="lantern-test-db-")) / "test.sqlite3")
    }
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (  # noqa: F405
        "PRAGMA synchronous=OFF; PRAGMA journal_mode=WAL"
    )
STATIC_ROOT = tempfile.mkdtemp(prefix="lantern-test-static-")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Lines go to pytest's capture; Django's line for a 503 already explained is left out, as in
# production (cms.observability.AlreadyLoggedFilter).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"already_logged": {"()": "cms.observability.AlreadyLoggedFilter"}},
    "loggers": {"django.request": {"filters": ["already_logged"]}},
}
# Sign-in throttling (django-axes) stays on, as in production. Client.force_login() is not
# affected; Client.login() must pass the request django-axes checks each sign-in against:
# client.login(request=RequestFactory().post("/admin/login/"), username=..., password=...).
