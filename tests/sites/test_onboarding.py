"""Creating an agency site: everything in one step, or nothing at all."""

import pytest

from django.core.exceptions import ValidationError

from wagtail.models import Collection, Page, Site

from sites.branding import SiteBranding
from sites.onboarding import SiteExists, create_agency_site
from sites.pages import HomePage
from tests.conftest import site_client

pytestmark = pytest.mark.django_db


def counts():
    return (
        Site.objects.count(),
        Page.objects.count(),
        SiteBranding.objects.count(),
        Collection.objects.count(),
    )


def test_a_new_site_has_a_home_page_branding_and_collection_and_answers_on_its_host():
    site = create_agency_site(
        name="Bright Path",
        hostname="Bright.localhost",
        primary_colour="#2b2d42",
        accent_colour="#edf2f4",
    )

    assert site.hostname == "bright.localhost"
    assert isinstance(site.root_page.specific, HomePage)
    assert site.root_page.live
    assert SiteBranding.for_site(site).display_name == "Bright Path"
    assert Collection.objects.filter(name="Bright Path").exists()
    html = site_client("bright.localhost").get("/").content.decode()
    assert '<span class="site-brand__name">Bright Path</span>' in html
    assert "--brand-primary:#2b2d42;" in html


def test_the_same_host_name_twice_is_refused_and_changes_nothing():
    before = counts()
    with pytest.raises(
        SiteExists, match=r"A site already answers on harbor.localhost:80; nothing was changed."
    ):
        create_agency_site(name="Imposter", hostname="harbor.localhost")
    assert counts() == before


@pytest.mark.parametrize(
    "hostname", ["http://x.org", "x.org/path", "bad host", "-x.org", "x..org", "", "x.org:8000"]
)
def test_a_malformed_host_name_is_refused(hostname):
    before = counts()
    with pytest.raises(ValidationError, match="is not a host name"):
        create_agency_site(name="Agency", hostname=hostname)
    assert counts() == before


def test_a_blank_name_is_refused():
    with pytest.raises(ValidationError, match=r"An agency site needs a name\."):
        create_agency_site(name="  ", hostname="blank.localhost")


def test_an_unreadable_colour_pair_rolls_back_the_whole_site():
    before = counts()
    with pytest.raises(ValidationError) as error:
        create_agency_site(
            name="Pale",
            hostname="pale.localhost",
            primary_colour="#dddddd",
            accent_colour="#ffffff",
        )
    assert "primary_colour" in error.value.message_dict
    assert counts() == before
    assert not HomePage.objects.filter(title="Pale").exists()
