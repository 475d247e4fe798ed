# Lantern's production image: gunicorn serving Django/Wagtail, static files served by whitenoise.
# .ci/image-check runs these same steps outside a container; keep the two in step.
# The Debian release is named, not left to the `3.11-slim` alias (which moved from bookworm to
# trixie in August 2025): it decides postgresql-client's major version below.

# ---- builder: Lantern and its dependencies in a venv (no dev extras, not editable) ----
FROM python:3.11-slim-trixie AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

WORKDIR /src
# Only what `pip install .` reads; templates and static files are copied into the runtime stage.
COPY pyproject.toml ./
COPY cms ./cms
COPY sites ./sites
COPY blocks ./blocks
# Every dependency ships manylinux wheels, so no compiler (and no apt) is needed.
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install .

# ---- runtime: the venv and the source, run as an unprivileged user ----
FROM python:3.11-slim-trixie AS runtime

ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=cms.settings.production \
    STATIC_ROOT=/app/var/static \
    MEDIA_ROOT=/app/var/media

# pg_dump and pg_restore for `manage.py backup` / `restore` in the app container. pg_dump
# refuses a server newer than itself: the PostgreSQL in compose.yaml (postgres:17) must not be
# of a newer major version than this client (trixie's is 17). The major is named in the package
# so a base image of another Debian release fails here rather than shipping another client;
# exact Debian revisions are not pinned, as the archive drops them on each security update.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-17 \
    && rm -rf /var/lib/apt/lists/*

# A fixed uid/gid, so volume ownership is predictable across hosts and rebuilds.
RUN groupadd --system --gid 10001 lantern \
    && useradd --system --uid 10001 --gid lantern --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin lantern

WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
# The source stays root-owned: the app user can read it but not change it.
COPY cms ./cms
COPY sites ./sites
COPY blocks ./blocks
COPY templates ./templates
COPY static ./static
COPY fixtures ./fixtures
COPY manage.py gunicorn.conf.py ./
# Lantern's own bytecode, compiled once here: PYTHONDONTWRITEBYTECODE keeps the workers from
# writing it, and each would otherwise compile the app's modules as it starts (and again each
# time gunicorn replaces it). pip compiled the venv's packages when it installed them.
RUN python -m compileall -q cms sites blocks

# Hashed, compressed static files are made once, at build time. collectstatic needs no real
# secret; this throwaway one exists for this RUN only and never reaches the image's ENV.
# var/ (the default SQLite home) and var/media (uploads) belong to the app user; var/static
# stays root-owned and read-only.
RUN SECRET_KEY=collectstatic-build-only-not-a-secret python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media \
    && chown lantern:lantern /app/var /app/var/media

# Numeric, so Kubernetes runAsNonRoot can verify it without reading /etc/passwd.
USER 10001:10001
VOLUME ["/app/var/media"]
EXPOSE 8000

# Liveness: /healthz answers 200 for any Host, over plain HTTP, without touching the database
# or the cache, so an orchestrator that replaces unhealthy containers does not replace them all
# for a database outage (readiness, database and cache included, is /readyz). slim has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; r.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '8000') + '/healthz', timeout=4)"]

# gunicorn alone, as PID 1, so it gets SIGTERM for a graceful stop. Migrations are not run here:
# once per deploy, before the new containers start (compose.yaml's `migrate` service, or
# `python manage.py migrate --noinput` as a release step), never in each container.
CMD ["gunicorn", "-c", "gunicorn.conf.py", "cms.wsgi"]
