"""Settings shared by every environment, read from environment variables.

Every variable Lantern reads is declared in ENV_SCHEMA below with its default; the
meaning of each is in `.env.example`. DEBUG is off unless asked for.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env(
    DEBUG=(bool, False),
    SECRET_KEY=(str, ""),
    ALLOWED_HOSTS=(list, ["localhost", ".localhost", "127.0.0.1"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
    DATABASE_URL=(str, f"sqlite:///{VAR_DIR / 'lantern.sqlite3'}"),
    REDIS_URL=(str, ""),
    MEDIA_ROOT=(str, str(VAR_DIR / "media")),
    MEDIA_URL=(str, "/media/"),
    SERVE_MEDIA=(bool, True),
    STATIC_ROOT=(str, str(VAR_DIR / "static")),
    AWS_STORAGE_BUCKET_NAME=(str, ""),
    WAGTAILADMIN_BASE_URL=(str, "http://localhost:8000"),
    LOG_LEVEL=(str, "INFO"),
    LOG_FORMAT=(str, "text"),
    CORS_ALLOWED_ORIGINS=(list, []),
    LANTERN_LANGUAGES=(list, ["en", "es"]),
    QUICK_EXIT_URL=(str, "https://www.weather.gov/"),
    LOGIN_FAILURE_LIMIT=(int, 5),
    LOGIN_LOCKOUT_MINUTES=(int, 30),
    LOGIN_PROXY_COUNT=(int, 0),
    CSP_MEDIA_ORIGINS=(list, []),
    LANTERN_PAGE_CACHE_SECONDS=(int, 600),
    LANTERN_CHROME_CACHE=(bool, True),
    LANTERN_CDN_SECONDS=(int, 0),
    LANTERN_HELP_REVERIFY_MONTHS=(int, 12),
    LANTERN_HELP_HIDE_UNVERIFIED_MONTHS=(int, 15),
    FRONTEND_CACHE_PURGE_URL=(str, ""),
    CLOUDFLARE_API_TOKEN=(str, ""),
    CLOUDFLARE_ZONE_ID=(str, ""),
    CLOUDFRONT_DISTRIBUTION_ID=(str, ""),
    EDGE_CACHE=(str, ""),
    EDGE_CACHE_URL=(str, ""),
    FASTLY_SERVICE_ID=(str, ""),
    FASTLY_API_TOKEN=(str, ""),
    LANTERN_HELP_CAPACITY_STALE_HOURS=(int, 24),
    TASKS_BACKEND=(str, "immediate"),
    TASK_RESULTS_KEEP_DAYS=(int, 7),
    TASK_FAILURES_KEEP_DAYS=(int, 30),
)
# A local `.env` (git-ignored) may set any of the above for development.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env("DEBUG")
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Lantern's own apps, one a capability (sites/__init__.py maps them), and the shared blocks.
    # Serving's hooks come before caching's: a page is kept only once it may be served.
    "sites.content",
    "sites.serving",
    "sites.caching",
    "sites.edge",
    "sites.agencies",
    "sites.privacy",
    "sites.help",
    "sites.translation",
    "sites.api",
    "sites.backups",
    "sites.giving",
    "sites.tasks",
    "blocks",
    # Translation (wagtail-localize) comes before wagtail so its templates win.
    "wagtail_localize",
    # Wagtail's own language admin, not wagtail_localize.locales: its "sync from" would fill
    # other languages with aliases that show English text under /es/.
    "wagtail.locales",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "sites.agencies.apps.LanternUsersConfig",  # wagtail.users, per agency
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "ninja",  # serves its API docs' scripts itself rather than from a CDN
    "corsheaders",
    # The task queue's table (django-tasks-db), migrated whichever backend runs the tasks: one
    # table, so switching TASKS_BACKEND needs no migration.
    "django_tasks_db",
    # Hardening (sites.accounts): the Content-Security-Policy, sign-in throttling, and
    # optional two-factor codes (TOTP) for editors.
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "sites.accounts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # A request id on every answer and log line, outside the page cache so none is stored
    # with a page (cms.observability).
    "cms.observability.RequestIdMiddleware",
    # /healthz and /readyz, answered before the host is checked, HTTPS is required, a session
    # is opened or a language is chosen: load balancers probe by address (cms.health).
    "cms.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The admin's own Referrer-Policy; SecurityMiddleware gives every other answer no-referrer.
    "sites.accounts.headers.AdminReferrerPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous readers' pages from the cache; outside the headers' middleware, so a stored
    # page keeps its headers (sites.caching).
    "sites.caching.middleware.PageCacheMiddleware",
    # django-csp, but for Wagtail's previews: CONTENT_SECURITY_POLICY below.
    "sites.accounts.headers.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language a URL's prefix names (/es/…), without cookies or Accept-Language.
    "sites.serving.languages.URLLanguageMiddleware",
    # A reader's page is routed from the site's chrome each worker keeps (sites.serving.chrome).
    "sites.serving.chrome.ChromeMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETags on every GET, and 304 Not Modified when the client already has the answer.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which two-factor device, if any, verified this session; then the code step for editors
    # who have one and have not given it yet (sites.accounts.two_factor).
    "django_otp.middleware.OTPMiddleware",
    "sites.accounts.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Every admin address naming another agency's object answers 404 (sites.agencies.walls).
    "sites.agencies.walls.AgencyWallMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "sites.serving.context_processors.site_context",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default lives under var/ (git-ignored); make sure the folder is there.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
# Connections are kept between requests, and checked before reuse: after PostgreSQL restarts,
# each worker reconnects on its next request, with no restart of gunicorn.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Wagtail's search index uses PostgreSQL's full-text fields, which Django 6.0's system
    # checks refuse without this app (postgres.E005).
    INSTALLED_APPS.append("django.contrib.postgres")
    options = DATABASES["default"].setdefault("OPTIONS", {})
    # A server out of reach fails a request (503, cms.health) in seconds rather than holding a
    # worker; `?connect_timeout=N` in DATABASE_URL says otherwise.
    options.setdefault("connect_timeout", 3)
    if not env.bool("DB_JIT", default=False) and "options" not in options:
        # No JIT compiling of queries (libpq's `options` at connect). It is for long analytic
        # queries; a page's queries are short, and a join over page types with a pessimistic
        # row estimate (fresh statistics) crossed jit_above_cost and spent far longer compiling
        # than running, on every uncached page. DB_JIT=true leaves the server's setting: for a
        # pooler that refuses startup options (PgBouncer without
        # `ignore_startup_parameters = options`), where `ALTER DATABASE … SET jit = off` does it.
        options["options"] = "-c jit=off"
    if env.bool("DB_SERVER_SIDE_BINDING", default=False):
        # Django's documented option: values sent apart from the SQL, and psycopg's own
        # default of preparing a query run five times on a connection, parsed and planned
        # once. Off by default: some of Django's SQL needs client-side binding (Django
        # ticket #34255), and a pooler must be able to keep statements prepared.
        options["server_side_binding"] = True
        options.setdefault("prepare_threshold", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis when REDIS_URL is set (production), local memory otherwise (demo, tests).
if env("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": env("REDIS_URL"),
            "KEY_PREFIX": "lantern",
            # Redis down: reads miss and writes are skipped (the page cache asks its client
            # directly, sites.caching.store), and each try gives up in half a second.
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            # Room for a demo network's pages (each worker holds its own copy).
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# The full-page cache for anonymous readers (sites.caching): how long a page is kept at most
# (0 turns it off), in which cache, and the allowance for clocks differing between machines.
LANTERN_PAGE_CACHE_SECONDS = env("LANTERN_PAGE_CACHE_SECONDS")
LANTERN_PAGE_CACHE_ALIAS = "default"
LANTERN_PAGE_CACHE_CLOCK_SKEW = 1.0
# Each worker keeps every site's chrome (site, branding, home page, menu, help lines), checked
# against the same tags' versions on every request (sites.serving.chrome), and each picture's markup
# (sites.serving.templatetags.lantern_images): False loads and writes them for every page.
LANTERN_CHROME_CACHE = env("LANTERN_CHROME_CACHE")

# A CDN in front (optional): readers' pages say it may keep them LANTERN_CDN_SECONDS (browsers
# revalidate each time), and wagtail.contrib.frontend_cache purges a page's addresses there
# when it is published, unpublished or moved. Without EDGE_CACHE below, pages that only show it
# (listings, teasers) wait out those seconds at the CDN; Lantern's own cache is purged at once.
LANTERN_CDN_SECONDS = env("LANTERN_CDN_SECONDS")
# The edge cache in front, purged by tag (sites.edge, docs/caching.md): `varnish` (xkey, an HTTP
# PURGE to EDGE_CACHE_URL), `fastly` (FASTLY_SERVICE_ID, FASTLY_API_TOKEN) or `cloudflare`
# (CLOUDFLARE_ZONE_ID, CLOUDFLARE_API_TOKEN); empty for none. Every cacheable reader response
# then carries its tags, and every change purges the tags it touches there, as it does in
# Lantern's own cache. A system check refuses a name it does not know or missing credentials.
EDGE_CACHE = env("EDGE_CACHE").strip().lower()
EDGE_CACHE_URL = env("EDGE_CACHE_URL")
FASTLY_SERVICE_ID = env("FASTLY_SERVICE_ID")
FASTLY_API_TOKEN = env("FASTLY_API_TOKEN")
CLOUDFLARE_ZONE_ID = env("CLOUDFLARE_ZONE_ID")
CLOUDFLARE_API_TOKEN = env("CLOUDFLARE_API_TOKEN")
# The providers' purge APIs (tests point them at a local server).
FASTLY_API_URL = "https://api.fastly.com"
CLOUDFLARE_API_URL = "https://api.cloudflare.com/client/v4"
WAGTAILFRONTENDCACHE = {}
if env("FRONTEND_CACHE_PURGE_URL"):  # Varnish, Fastly-style PURGE to a cache server
    WAGTAILFRONTENDCACHE["http"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": env("FRONTEND_CACHE_PURGE_URL"),
    }
# Cloudflare purged by tag (EDGE_CACHE) purges a page's addresses too: no purge by URL then.
if env("CLOUDFLARE_API_TOKEN") and EDGE_CACHE != "cloudflare":
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "BEARER_TOKEN": env("CLOUDFLARE_API_TOKEN"),
        "ZONEID": env("CLOUDFLARE_ZONE_ID"),
    }
if env("CLOUDFRONT_DISTRIBUTION_ID"):
    WAGTAILFRONTENDCACHE["cloudfront"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        "DISTRIBUTION_ID": env("CLOUDFRONT_DISTRIBUTION_ID"),
    }
if WAGTAILFRONTENDCACHE:
    INSTALLED_APPS.append("wagtail.contrib.frontend_cache")

# Background work (sites.tasks): Wagtail's tasks (search and reference indexes) and Lantern's
# (renditions on publish, help directory imports, scheduled publishing, edge purges).
# "immediate": each runs at once in the process that asks for it, as `make demo` and the tests
# do. "database": each is written to the database and run by `manage.py run_worker` (compose's
# `worker` service), which also publishes scheduled pages every minute.
TASKS_BACKEND = env("TASKS_BACKEND")
TASK_QUEUES = ["default"]
if TASKS_BACKEND == "database":
    TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES},
    }
elif TASKS_BACKEND == "immediate":
    TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": TASK_QUEUES,
        },
    }
else:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be 'immediate' or 'database', not '{TASKS_BACKEND}'."
    )
# Finished tasks' results (the queue's table) are deleted daily by the worker after this many
# days, those of failed tasks after this many (sites.tasks.tasks.prune_task_results).
TASK_RESULTS_KEEP_DAYS = env("TASK_RESULTS_KEEP_DAYS")
TASK_FAILURES_KEEP_DAYS = env("TASK_FAILURES_KEEP_DAYS")
if TASK_RESULTS_KEEP_DAYS < 0 or TASK_FAILURES_KEEP_DAYS < 0:
    raise ImproperlyConfigured("TASK_RESULTS_KEEP_DAYS and TASK_FAILURES_KEEP_DAYS are 0 or more.")
# A published page's renditions made by a task (sites.content.tasks) only where a worker makes
# them: in process, each publish would wait for every size of every image it shows (about a
# third longer to load the demo network), which readers otherwise make as they ask.
LANTERN_RENDITIONS_ON_PUBLISH = TASKS_BACKEND == "database"

# The help directory: a count of places free (beds tonight) older than this many hours is not
# shown to readers as a number, only its age and a call to check; moderators see it as stale.
LANTERN_HELP_CAPACITY_STALE_HOURS = env("LANTERN_HELP_CAPACITY_STALE_HOURS")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes checks each sign-in before the password is: first in line.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Sign-in throttling (django-axes): LOGIN_FAILURE_LIMIT wrong passwords for one user name from
# one address lock that pair out for LOGIN_LOCKOUT_MINUTES. Unlock early with
# `manage.py axes_reset_username NAME` (or axes_reset_ip / axes_reset; sites.accounts).
AXES_FAILURE_LIMIT = env("LOGIN_FAILURE_LIMIT")
AXES_COOLOFF_TIME = timedelta(minutes=env("LOGIN_LOCKOUT_MINUTES"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "sites.accounts.throttling.locked_out"
# Only failed attempts are kept; no log of every editor's sign-in, address and browser.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# The address a sign-in comes from: the connection's own, or behind LOGIN_PROXY_COUNT reverse
# proxies you run, the one the outermost of them saw (sites.accounts.throttling).
LOGIN_PROXY_COUNT = env("LOGIN_PROXY_COUNT")
AXES_CLIENT_IP_CALLABLE = "sites.accounts.throttling.client_address"

# Optional two-factor sign-in (django-otp): the name authenticator apps show for the code.
OTP_TOTP_ISSUER = "Lantern"


def language_name(code: str) -> str:
    """A language's name in itself ("Español"), as readers choosing it look for it."""
    if code not in LANG_INFO or "name_local" not in LANG_INFO[code]:
        raise ImproperlyConfigured(
            f"LANTERN_LANGUAGES: '{code}' is not a language code Django knows."
        )
    return LANG_INFO[code]["name_local"]


# Languages the install offers, the first being the source language content is written in
# (LANTERN_LANGUAGES=en,es,vi). Each site chooses among them in its branding settings.
LANGUAGE_CODE = env("LANTERN_LANGUAGES")[0]
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = [
    (code, language_name(code)) for code in env("LANTERN_LANGUAGES")
]
WAGTAIL_I18N_ENABLED = True
# A translation of a live page starts as a draft and goes through review like any page.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
USE_I18N = True
# The interface strings of every app under sites/ and of templates/, translated in one catalogue.
LOCALE_PATHS = [BASE_DIR / "sites" / "locale"]
TIME_ZONE = "UTC"
USE_TZ = True

STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT")
STATIC_URL = "/static/"
MEDIA_ROOT = env("MEDIA_ROOT")
MEDIA_URL = env("MEDIA_URL")
# The app serves uploads from MEDIA_ROOT itself (cms.media); off when a proxy serves the volume.
SERVE_MEDIA = env("SERVE_MEDIA")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names so browsers and CDNs may cache static files forever.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if env("AWS_STORAGE_BUCKET_NAME"):
    # S3-compatible media (django-storages), read from AWS_* variables by the backend itself:
    # AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL, AWS_S3_REGION_NAME, AWS_ACCESS_KEY_ID, ...
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default=None)
    AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default=None)
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = False
    AWS_S3_FILE_OVERWRITE = False

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Partners' front ends may read the public API from their browsers; nothing else is shared.
CORS_ALLOWED_ORIGINS = env("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False

# Wagtail
WAGTAIL_SITE_NAME = "Lantern"

# Where "Exit this page" goes: an ordinary, neutral site that raises no suspicion.
QUICK_EXIT_URL = env("QUICK_EXIT_URL")
# The help directory's re-verification (sites.help.verification): a resource last verified this
# many months ago is listed for its agency to check again; this many, and readers no longer see
# it (national hotlines excepted). Moderators are told before readers lose it.
LANTERN_HELP_REVERIFY_MONTHS = env("LANTERN_HELP_REVERIFY_MONTHS")
LANTERN_HELP_HIDE_UNVERIFIED_MONTHS = env("LANTERN_HELP_HIDE_UNVERIFIED_MONTHS")
if not 1 <= LANTERN_HELP_REVERIFY_MONTHS <= LANTERN_HELP_HIDE_UNVERIFIED_MONTHS:
    raise ImproperlyConfigured(
        "LANTERN_HELP_REVERIFY_MONTHS must be at least 1 and at most "
        f"LANTERN_HELP_HIDE_UNVERIFIED_MONTHS (they are {LANTERN_HELP_REVERIFY_MONTHS} and "
        f"{LANTERN_HELP_HIDE_UNVERIFIED_MONTHS}): agencies are told before readers lose a resource."
    )
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Uploads: a damaged image is a form error, never a 500 (sites.privacy.media.ImageForm).
WAGTAILIMAGES_IMAGE_FORM_BASE = "sites.privacy.media.ImageForm"
# Wagtail's own, and SVG for logos drawn as vectors: only an SVG that draws and does nothing
# else (no script, handler or outside reference) is accepted (sites.privacy.svg). Every
# {% image %} and {% picture %} of an editor's image says preserve-svg, so an SVG is served as
# itself, resized, where a raster is converted (https://docs.wagtail.org/en/stable/topics/images.html#svg-images).
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp", "svg"]
# The admin's avatars would come from Gravatar: a third-party request that leaks who is
# logged in. Lantern makes none.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor does the dashboard ask releases.wagtail.org for Wagtail's latest version.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILEMBEDS_RESPONSIVE_HTML = True

# Response headers. Readers may be watched: pages send no referrer to the sites they link to,
# cannot be framed, and load nothing from anyone else. The admin (/admin/) keeps same-origin
# referrers, which its form posts need (sites.accounts.headers).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Wagtail's admin scripts take the CSRF token from the page, never from the cookie.
CSRF_COOKIE_HTTPONLY = True


def origin(url: str) -> str | None:
    """The scheme and host of an absolute URL ("https://media.example.org"), else None."""
    scheme, separator, rest = url.partition("//")
    if not separator or (scheme and not scheme.endswith(":")):
        return None
    return f"{scheme or 'https:'}//{rest.split('/', 1)[0]}"


def s3_media_origins() -> list[str]:
    """Where django-storages' S3 backend makes image and document URLs point."""
    if AWS_S3_CUSTOM_DOMAIN:
        return [f"https://{AWS_S3_CUSTOM_DOMAIN}"]
    bucket = AWS_STORAGE_BUCKET_NAME
    if AWS_S3_ENDPOINT_URL:
        # Path-style (host/bucket/…) or virtual-hosted (bucket.host/…), as the service does.
        scheme, _, host = origin(AWS_S3_ENDPOINT_URL).partition("//")
        return [f"{scheme}//{host}", f"{scheme}//{bucket}.{host}"]
    hosts = [f"https://{bucket}.s3.amazonaws.com"]
    if AWS_S3_REGION_NAME:
        hosts.append(f"https://{bucket}.s3.{AWS_S3_REGION_NAME}.amazonaws.com")
    return hosts


# Content-Security-Policy (django-csp 4) on every answer but the admin's, whose own scripts
# and styles are inline. The one inline <style> in base.html (each site's colours) carries
# the request's nonce. Images may come from the media host when it is another one: an
# absolute MEDIA_URL, or S3 (CSP_MEDIA_ORIGINS adds any other, e.g. a CDN in front).
MEDIA_ORIGINS = [
    *filter(None, [origin(MEDIA_URL)]),
    *(s3_media_origins() if env("AWS_STORAGE_BUCKET_NAME") else []),
    *env("CSP_MEDIA_ORIGINS"),
]
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # and inline styles by their hashes ({% inline_style %}); NONCE for any that asks one
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", *MEDIA_ORIGINS],
        "media-src": [SELF, *MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
    },
}

# LOG_FORMAT=text: "LEVEL logger message" lines; json: one JSON object a line with time, level,
# logger, message, request_id, site (and exc_type, exc), for a log collector (cms.observability).
# No line carries a query string, a client's address, a user agent or an e-mail address.
LOG_FORMAT = env("LOG_FORMAT")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'text' or 'json', not '{LOG_FORMAT}'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(levelname)s %(name)s %(message)s"},
        "json": {"()": "cms.observability.JsonFormatter"},
    },
    "filters": {
        "request": {"()": "cms.observability.RequestContextFilter"},
        "already_logged": {"()": "cms.observability.AlreadyLoggedFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL")},
    # Wagtail runs its search-index and reference-index updates as tasks: one line per save.
    "loggers": {
        "django_tasks": {"level": "WARNING"},
        # A 503 that cms.health has explained once is not logged again with a traceback.
        "django.request": {"filters": ["already_logged"]},
    },
}
