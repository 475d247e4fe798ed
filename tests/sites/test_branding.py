"""Branding: readable colour pairs only, edited per site in the admin, seen by that site's readers alone."""

import importlib
from types import SimpleNamespace

import pytest

from django.apps import apps
from django.urls import reverse

from wagtail.models import Site

from sites.content.branding import SiteBranding
from sites.content.contrast import contrast_ratio
from tests.admin_forms import branding_form
from tests.conftest import site_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#777777", "#ffffff", 4.48),  # the classic grey that just fails AA
        ("#767676", "#ffffff", 4.54),  # and the one that just passes
        ("#1d3557", "#ffd166", 8.57),
    ],
)
def test_contrast_ratio_matches_wcag(first, second, expected):
    assert round(contrast_ratio(first, second), 2) == expected
    assert contrast_ratio(first, second) == contrast_ratio(second, first)


def edit_url(site):
    return reverse("wagtailsettings:edit", args=["agency_sites", "sitebranding", site.pk])


def test_admin_refuses_white_text_on_a_light_primary_colour(admin_client):
    site = Site.objects.get(hostname="harbor.localhost")
    branding = SiteBranding.for_site(site)

    response = admin_client.post(edit_url(site), branding_form(branding, primary_colour="#8ab4f8"))

    assert response.status_code == 200
    assert (
        "White text on #8ab4f8 has a contrast of 2.11:1; it needs at least 4.5:1. "
        "Choose a darker primary colour."
    ) in response.content.decode()
    assert SiteBranding.objects.get(site=site).primary_colour == branding.primary_colour


def test_admin_refuses_an_accent_too_close_to_the_primary(admin_client):
    site = Site.objects.get(hostname="pines.localhost")
    branding = SiteBranding.for_site(site)

    response = admin_client.post(
        edit_url(site), branding_form(branding, primary_colour="#1d3557", accent_colour="#3a5a8c")
    )

    assert response.status_code == 200
    assert "Text in #1d3557 on #3a5a8c has a contrast of" in response.content.decode()
    assert SiteBranding.objects.get(site=site).accent_colour == branding.accent_colour


def test_admin_refuses_a_colour_that_is_not_hex(admin_client):
    site = Site.objects.get(hostname="pines.localhost")
    branding = SiteBranding.for_site(site)

    response = admin_client.post(edit_url(site), branding_form(branding, primary_colour="navy"))

    assert response.status_code == 200
    assert (
        "Enter a colour as # and six hexadecimal digits, e.g. #1d3557." in response.content.decode()
    )


def test_branding_saved_in_the_admin_shows_on_that_site_only(admin_client):
    site = Site.objects.get(hostname="ridge.localhost")
    branding = SiteBranding.for_site(site)

    response = admin_client.post(
        edit_url(site),
        branding_form(
            branding,
            display_name="Cardinal Ridge",
            primary_colour="#3d0c11",
            accent_colour="#ffd6a5",
        ),
    )

    assert response.status_code == 302
    ridge = site_client("ridge.localhost").get("/en/").content.decode()
    assert "--brand-primary:#3d0c11;--brand-accent:#ffd6a5;" in ridge
    assert '<span class="site-brand__name">Cardinal Ridge</span>' in ridge
    harbor = site_client("harbor.localhost").get("/en/").content.decode()
    assert "#3d0c11" not in harbor


def test_changing_the_primary_hotline_changes_the_help_bar(admin_client, national_hotline):
    site = Site.objects.get(hostname="harbor.localhost")
    branding = SiteBranding.for_site(site)
    old = branding.primary_hotline

    admin_client.post(edit_url(site), branding_form(branding, primary_hotline=national_hotline.pk))

    html = site_client("harbor.localhost").get("/en/").content.decode()
    help_bar = html[html.index('<aside class="help-bar"') : html.index("</aside>")]
    assert help_bar.count("Call 1-888-373-7888") == 1
    # The national line comes first now; the agency's own line stays, for a local number at
    # once (sites.serving.context_processors.help_hotlines).
    assert help_bar.index("Call 1-888-373-7888") < help_bar.index(f"Call {old.phone}")


def test_the_sites_state_is_chosen_in_the_admin_and_gives_its_readers_examples(admin_client):
    site = Site.objects.get(hostname="ridge.localhost")
    branding = SiteBranding.for_site(site)
    assert branding.state == "NC"

    response = admin_client.post(edit_url(site), branding_form(branding, state="ZZ"))
    assert response.status_code == 200
    assert SiteBranding.objects.get(site=site).state == "NC", "an unknown state is refused"

    admin_client.post(edit_url(site), branding_form(branding, state="SC"))
    assert SiteBranding.objects.get(site=site).state == "SC"
    html = site_client("ridge.localhost").get("/en/find-help/", {"zip": "9001"}).content.decode()
    assert "Enter a 5-digit ZIP code, like 29201." in html  # Columbia, South Carolina


def test_words_kept_in_branding_before_move_to_the_home_page_and_its_revisions():
    """The data migration that moved tagline, donate label and footer to the home page, run on
    a branding as it was before (a stand-in with the old fields)."""
    migration = importlib.import_module("sites.content.migrations.0009_site_words_on_the_home_page")
    site = Site.objects.get(hostname="ridge.localhost")
    home = site.root_page.specific
    home.save_revision()  # a draft, whose content must get the words too
    old_branding = SimpleNamespace(
        site=site, tagline="Moved tagline", donate_label="Give", footer_text="Moved footer"
    )

    class MigrationApps:
        def get_model(self, app_label, model_name):
            if model_name == "SiteBranding":
                return SimpleNamespace(
                    objects=SimpleNamespace(select_related=lambda *fields: [old_branding])
                )
            return apps.get_model(app_label, model_name)

    migration.move_words_to_home_pages(MigrationApps(), None)
    home.refresh_from_db()
    assert (home.tagline, home.donate_label, home.footer_text) == (
        "Moved tagline",
        "Give",
        "Moved footer",
    )
    draft = home.get_latest_revision_as_object()
    assert (draft.tagline, draft.footer_text) == ("Moved tagline", "Moved footer")
