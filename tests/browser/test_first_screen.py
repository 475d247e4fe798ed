"""On a phone, in the first screen of every demo site: the site's hotline and the national one, tappable."""

from urllib.parse import urlsplit

import pytest

from sites.content.branding import SiteBranding
from tests.conftest import DEMO_HOSTS

pytestmark = pytest.mark.django_db


def test_hotlines_are_in_the_first_screen_on_a_phone_and_nothing_loads_from_elsewhere(
    live_demo, phone
):
    port = urlsplit(live_demo.url).port
    for hostname in DEMO_HOSTS:
        branding = SiteBranding.objects.select_related("primary_hotline").get(
            site__hostname=hostname
        )
        page = phone.new_page()
        requested = []
        page.on(
            "request", lambda request, seen=requested: seen.append(urlsplit(request.url).hostname)
        )

        response = page.goto(f"http://{hostname}:{port}/")

        assert response.status == 200
        height = page.viewport_size["height"]
        for href in (
            branding.primary_hotline.tel_href,
            "tel:+18883737888",
            "sms:233733?&body=BEFREE",
        ):
            link = page.locator(f'.help-bar a[href="{href}"]')
            assert link.is_visible(), (hostname, href)
            box = link.bounding_box()
            assert box["y"] + box["height"] <= height, (hostname, href, box)
            assert box["height"] >= 44, (hostname, href, box)  # a target a thumb can hit
        assert set(requested) == {hostname}, (hostname, requested)
        page.close()
