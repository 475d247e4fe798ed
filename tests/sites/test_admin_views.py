"""Every editing screen an editor opens renders: page editors, snippet editors and site branding."""

import pytest

from django.urls import reverse

from wagtail.models import Page, Site

from blocks.appeals import DonationAppeal
from blocks.hotline import Hotline

pytestmark = pytest.mark.django_db


def test_the_edit_screen_of_every_demo_page_opens(admin_client):
    pages = Page.objects.filter(depth__gt=1)
    assert pages.count() > 25
    for page in pages:
        response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        assert response.status_code == 200, page.url_path


@pytest.mark.parametrize(
    ("model", "parent_type"),
    [
        ("newsstorypage", "newsindexpage"),
        ("awarenessarticlepage", "newsindexpage"),
        ("standardpage", "homepage"),
        ("donationappealpage", "homepage"),
        ("newsindexpage", "homepage"),
    ],
)
def test_the_add_screen_of_every_page_type_opens(admin_client, model, parent_type):
    parent = Page.objects.filter(content_type__model=parent_type).first()
    response = admin_client.get(
        reverse("wagtailadmin_pages:add", args=["agency_sites", model, parent.pk])
    )
    assert response.status_code == 200


@pytest.mark.parametrize("model", [Hotline, DonationAppeal])
def test_snippet_screens_open(admin_client, model):
    name = model._meta.model_name
    assert admin_client.get(reverse(f"wagtailsnippets_blocks_{name}:list")).status_code == 200
    assert admin_client.get(reverse(f"wagtailsnippets_blocks_{name}:add")).status_code == 200
    obj = model.objects.first()
    assert (
        admin_client.get(reverse(f"wagtailsnippets_blocks_{name}:edit", args=[obj.pk])).status_code
        == 200
    )


def test_branding_screen_opens_for_every_site(admin_client):
    for site in Site.objects.all():
        url = reverse("wagtailsettings:edit", args=["agency_sites", "sitebranding", site.pk])
        response = admin_client.get(url)
        assert response.status_code == 200
        assert "Primary colour" in response.content.decode()
