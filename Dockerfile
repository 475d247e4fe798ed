# Lantern's production image: gunicorn serving Django/Wagtail, static files served by whitenoise.
# .ci/image-check runs these same steps outside a container; keep the two in step.

# ---- builder: Lantern and its dependencies in a venv (no dev extras, not editable) ----
FROM python:3.11-slim AS builder

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
FROM python:3.11-slim AS runtime

ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=cms.settings.production \
    STATIC_ROOT=/app/var/static \
    MEDIA_ROOT=/app/var/media

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

# slim has no curl. Host localhost must be in ALLOWED_HOSTS (it is by default), and
# X-Forwarded-Proto stops production's HTTPS redirect from bouncing the probe.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; r.urlopen(r.Request('http://127.0.0.1:' + os.environ.get('PORT', '8000') + '/', headers={'Host': 'localhost', 'X-Forwarded-Proto': 'https'}), timeout=4)"]

# Migrate once at start, then exec so gunicorn is PID 1 and gets SIGTERM for a graceful stop.
# With several replicas, run the migration as a one-off release step instead.
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn -c gunicorn.conf.py cms.wsgi"]
