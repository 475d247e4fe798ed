"""A site's logo replaced in the admin shows on every page at the very next request, with the
chrome and page caches on as in production.

The logo's `{% image %}` is part of the markup each worker keeps with the site's chrome, though
the chrome never loads the logo itself: this holds that a new file reaches readers anyway.
"""

import io
import re

import pytest
from PIL import Image as PILImage

from django.core.cache import cache
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.images.models import Image
from wagtail.models import Site

from sites.agencies.tenancy import Agency
from sites.content.branding import SiteBranding
from tests.conftest import logged_in, site_client

pytestmark = pytest.mark.django_db

HARBOR = "harbor.localhost"
PAGES = ["/en/", "/en/stories/", "/en/stories/eight-children-safe-in-two-weeks/"]
LOGO = re.compile(r'<img[^>]*class="site-brand__logo"[^>]*src="([^"]+)"')


@pytest.fixture(autouse=True)
def caches_on(settings):
    """The chrome and page caches on, as in production and the test settings."""
    settings.LANTERN_PAGE_CACHE_SECONDS = 600
    settings.LANTERN_CHROME_CACHE = True
    settings.LANTERN_PAGE_CACHE_CLOCK_SKEW = 0
    cache.clear()
    yield
    cache.clear()


def png(width, height, colour) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def logo_on(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    found = LOGO.search(response.content.decode())
    assert found, f"no logo on {path}"
    return found.group(1)


def test_a_replaced_logo_file_shows_on_every_page_at_the_next_request(moderator_a, change):
    site = Site.objects.get(hostname=HARBOR)
    logo = Image.objects.create(
        title="Harbor Light logo",
        file=ImageFile(io.BytesIO(png(64, 64, (29, 53, 87))), name="harbor-logo.png"),
        collection=Agency.objects.get(site=site).collection,
    )
    branding = SiteBranding.for_site(site)
    branding.logo = logo
    change(branding.save)

    reader = site_client(HARBOR)
    before = {path: logo_on(reader, path) for path in PAGES}
    assert len(set(before.values())) == 1
    # Kept: the second visit is served from the page cache, the first logo in it.
    assert all(logo_on(reader, path) == before[path] for path in PAGES)

    # The agency's moderator uploads a new file for the same image, through the admin.
    response = change(
        logged_in(moderator_a).post,
        reverse("wagtailimages:edit", args=[logo.pk]),
        {
            "title": logo.title,
            "file": SimpleUploadedFile("new-logo.png", png(128, 64, (230, 57, 70))),
            "collection": str(logo.collection_id),
            "tags": "",
            "description": "",
            "focal_point_x": "",
            "focal_point_y": "",
            "focal_point_width": "",
            "focal_point_height": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    logo.refresh_from_db()
    assert logo.width == 128

    after = {path: logo_on(reader, path) for path in PAGES}
    for path in PAGES:
        assert after[path] != before[path], f"{path} still shows the old logo"
    # The new address is the new file's: it answers with the new picture.
    rendition = logo.get_rendition("height-96")
    assert set(after.values()) == {rendition.url}
