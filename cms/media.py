"""Uploaded media on the local volume, served by the app itself when no bucket is configured.

WhiteNoise serves only what existed when the process started (static files); uploads arrive
while it runs. A single-host install keeps them on the `media` volume and this view serves
them, with the path checked against MEDIA_ROOT and conditional requests answered (Django's
static file view). Behind a proxy that serves the volume itself, or with S3 media, it is not
routed at all (see `routed`)."""

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import Http404
from django.urls import re_path
from django.utils.cache import patch_cache_control
from django.views.static import serve

# Renditions and originals get a new file name when they change; a day keeps a reader's second
# visit quick without pinning a replaced picture for long.
MAX_AGE = 60 * 60 * 24


def serve_media(request, path):
    try:
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except SuspiciousFileOperation:  # a path that climbs out of MEDIA_ROOT names no upload
        raise Http404 from None
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def routed() -> bool:
    """Uploads live on this machine's disk and have a path of this site (not a CDN's URL)."""
    local = isinstance(default_storage, FileSystemStorage)
    return local and settings.MEDIA_URL.startswith("/") and settings.SERVE_MEDIA


def urlpatterns():
    prefix = settings.MEDIA_URL.strip("/")
    return [re_path(rf"^{prefix}/(?P<path>.+)$", serve_media, name="media")] if routed() else []
