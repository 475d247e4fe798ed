"""A local number on every home page, at once (#25): the help bar adds a line for the site's
own area where its primary hotline is a national one, and a home page with none offers the
find-help search in its first screen instead. For the demo network, and for a real agency's
site set up from nothing."""

import re

import pytest

from wagtail.models import Site

from blocks.hotline import Hotline
from sites.content.branding import SiteBranding
from tests.conftest import DEMO_HOSTS, committed, site_client

pytestmark = pytest.mark.django_db

# The number for the site's own area in the help bar of every page, or None where the agency
# has no line of its own (nor the network one for its state): there the home page has the search.
LOCAL_NUMBERS = {
    "localhost": None,
    "harbor.localhost": "(213) 555-0142",
    "pines.localhost": "(207) 555-0117",  # its outreach line, beside the national primary one
    "ridge.localhost": None,
    "passage.localhost": "(218) 555-0178",
}


def get(hostname, path="/en/") -> str:
    response = site_client(hostname).get(path, follow=True)
    assert response.status_code == 200, (hostname, path)
    return response.content.decode()


def help_bar(html: str) -> str:
    start = html.index('<aside class="help-bar"')
    return html[start : html.index("</aside>", start)]


@pytest.mark.parametrize("hostname", DEMO_HOSTS)
def test_every_home_page_offers_a_local_number_or_the_search_at_once(hostname):
    html = get(hostname)
    local = LOCAL_NUMBERS[hostname]
    short_form = re.search(
        r'<form class="find-help-short" method="get" action="/en/find-help/#results" '
        r'role="search"[^>]*>(.*?)</form>',
        html,
        re.S,
    )
    if local:
        assert f">Call {local}</a>" in help_bar(html), hostname
        assert short_form is None, "a local number is there already"
    else:
        assert short_form, hostname
        assert (
            '<label class="find-help-short__label" id="find-help-short-label" for="find-help-short-zip">'
            in short_form.group(1)
        )
        assert 'name="zip" inputmode="numeric" autocomplete="postal-code"' in short_form.group(1)
        # Nothing else on the page calls a state line "local".
        assert not [
            line.phone
            for line in Hotline.objects.filter(coverage=Hotline.Coverage.STATE)
            if f">Call {line.phone}</a>" in help_bar(html)
        ]
    # The search sits under the heading, before the rest of the home page's words.
    if short_form:
        assert html.index('class="hero__heading"') < short_form.start() < html.index("hero__text")


def test_the_help_bar_finds_a_line_for_the_agencys_area_where_its_primary_is_national(new_site):
    """A real agency's site, not the demo's data: its own line, else the network's for its state."""
    site = new_site(name="Lone Star Light", hostname="lonestar.localhost", state="TX")
    harbor = Site.objects.get(hostname="harbor.localhost")

    def home():
        html = get("lonestar.localhost")
        return html, help_bar(html)

    html, bar = home()
    assert "Call 1-888-373-7888" in bar
    assert 'class="find-help-short"' in html, "no local line yet: the search instead"

    with committed():
        Hotline.objects.create(
            name="Texas Line", phone="(512) 555-0100", coverage="state", states="NM, TX"
        )
        Hotline.objects.create(  # another agency's, for the same state: never on this site
            name="Harbor Texas Desk",
            phone="(213) 555-0199",
            coverage="state",
            states="TX",
            owner=harbor,
            is_24_7=True,
        )
        Hotline.objects.create(  # the network's for another state
            name="Oklahoma Line", phone="(405) 555-0100", coverage="state", states="OK"
        )
    html, bar = home()
    assert "Call (512) 555-0100" in bar
    assert "555-0199" not in bar and "Oklahoma" not in bar
    assert 'class="find-help-short"' not in html

    with committed():
        for is_24_7 in (False, True):
            Hotline.objects.create(
                name=f"Lone Star {'Night' if is_24_7 else 'Day'} Line",
                phone=f"(512) 555-01{11 if is_24_7 else 10}",
                coverage="state",
                states="TX",
                owner=site,
                is_24_7=is_24_7,
            )
    html, bar = home()
    assert "Call (512) 555-0111" in bar, "the agency's own line, open at any hour, first"
    assert "555-0110" not in bar and "555-0100" not in bar, "one local line, not a list"
    assert bar.index("Call (512) 555-0111") < bar.index("Call 1-888-373-7888")

    # A local primary hotline is the area's line itself: nothing is added beside it.
    branding = SiteBranding.for_site(site)
    branding.primary_hotline = Hotline.objects.get(name="Lone Star Day Line")
    with committed():
        branding.save()
    html, bar = home()
    assert "Call (512) 555-0110" in bar and "555-0111" not in bar
