"""Uploaded pictures are served in production too, from the local media volume."""

import pytest

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client, override_settings
from django.urls import clear_url_caches

import cms.urls
from cms import media


@pytest.fixture
def routes():
    """The URL map made again after a settings change (cms.urls decides at import)."""
    import importlib

    def reload():
        clear_url_caches()
        importlib.reload(cms.urls)

    yield reload
    reload()


@pytest.mark.django_db
def test_an_upload_is_served_with_debug_off(routes, settings):
    settings.DEBUG = False
    routes()
    name = default_storage.save("original_images/lantern-test.txt", ContentFile(b"picture bytes"))
    try:
        response = Client().get(f"/media/{name}")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"picture bytes"
        assert "max-age=86400" in response["Cache-Control"]
        assert "public" in response["Cache-Control"]
        assert response.get("Set-Cookie") is None
        # Conditional requests are answered without the body.
        again = Client().get(f"/media/{name}", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
        assert again.status_code == 304
    finally:
        default_storage.delete(name)


@pytest.mark.django_db
def test_nothing_outside_the_media_folder_is_served(routes, settings, client):
    settings.DEBUG = False
    routes()
    for path in ("/media/../cms/settings/base.py", "/media/%2e%2e/manage.py", "/media/missing.jpg"):
        assert client.get(path).status_code == 404, path


@pytest.mark.django_db
def test_not_routed_when_a_proxy_serves_the_volume_or_media_is_in_a_bucket(routes, settings):
    settings.SERVE_MEDIA = False
    assert media.urlpatterns() == []
    settings.SERVE_MEDIA = True
    with override_settings(
        STORAGES={**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage"}},
        AWS_STORAGE_BUCKET_NAME="lantern-media",
    ):
        assert media.urlpatterns() == []
    assert len(media.urlpatterns()) == 1
