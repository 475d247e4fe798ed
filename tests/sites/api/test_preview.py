"""Headless preview: an editor sees a draft in the partner's own front end; no one else ever does."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from django.urls import reverse

from wagtail.models import Site

from sites.api.preview import PREVIEW_LIFETIME, DraftPreview
from sites.content.branding import SiteBranding
from sites.content.pages import NewsStoryPage
from tests.admin_forms import story_form
from tests.conftest import logged_in, site_client

pytestmark = pytest.mark.django_db
FRONT_END = "https://front.example.org/preview"


@pytest.fixture
def harbor_front_end(db):
    branding = SiteBranding.for_site(Site.objects.get(hostname="harbor.localhost"))
    branding.frontend_url = FRONT_END
    branding.save()


def story():
    return NewsStoryPage.objects.get(slug="mayas-story")


def preview_in_front_end(user, page, title):
    """Preview an unsaved edit through the admin's own preview views, in the partner mode."""
    client = logged_in(user)
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    form = story_form(title, page.slug, date=str(page.date), kind=page.kind, summary=page.summary)
    assert client.post(url, form).json()["is_valid"]
    return client.get(url, {"mode": "partner"})


def token_of(response):
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == FRONT_END
    return parse_qs(location.query)["preview_token"][0]


def test_only_sites_with_a_front_end_offer_the_partner_preview(harbor_front_end):
    assert ("partner", "Partner front end") in story().preview_modes
    ridge_page = (
        NewsStoryPage.objects.live()
        .exclude(pk=story().pk)
        .filter(path__startswith=Site.objects.get(hostname="ridge.localhost").root_page.path)
        .first()
    )
    assert [mode for mode, _ in ridge_page.preview_modes] == [""]


def test_the_front_end_gets_the_draft_with_the_token_and_never_caches_it(
    harbor_front_end, editor_a
):
    token = token_of(preview_in_front_end(editor_a, story(), "Maya's story, edited"))

    response = site_client("front.example.org").get("/api/preview", {"preview_token": token})

    assert response.status_code == 200
    assert response.json()["title"] == "Maya's story, edited"
    assert response["Cache-Control"] == "no-store"
    # Readers and the public API still see what is published.
    assert (
        site_client("harbor.localhost").get(f"/api/pages/{story().pk}").json()["title"]
        != "Maya's story, edited"
    )


def test_a_preview_token_expires_and_a_guess_finds_nothing(harbor_front_end, editor_a):
    token = token_of(preview_in_front_end(editor_a, story(), "Soon gone"))
    DraftPreview.objects.filter(token=token).update(
        created_at=DraftPreview.objects.get(token=token).created_at
        - PREVIEW_LIFETIME
        - datetime.timedelta(seconds=1)
    )

    for attempt in (token, "A" * 43):  # an expired token, and a well-formed guess
        response = site_client("harbor.localhost").get("/api/preview", {"preview_token": attempt})
        assert response.status_code == 404
        assert response.json() == {"detail": "This preview link has expired or does not exist."}
    assert site_client("harbor.localhost").get("/api/preview").status_code == 422


def test_another_agencys_editor_cannot_preview_the_draft(harbor_front_end, editor_b):
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[story().pk])
    response = logged_in(editor_b).get(url, {"mode": "partner"})
    assert response.status_code in (302, 403, 404)
    assert not response.get("Location", "").startswith(FRONT_END)
    assert not DraftPreview.objects.exists()
