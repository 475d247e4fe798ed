"""A flow that lands on the answer, on a phone (390 x 844), on every demo site (#25): a local
number, or the search for one, in the home page's first screen; the ZIP field in the find-help
page's first screen; after a search, what it found first in view and focused, with JavaScript
and without; a mistyped ZIP code explained in view, with an example from the site's own state.
Screenshots of each are kept in var/artifacts/find-help-flow/ (or $LANTERN_ARTIFACTS)."""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from django.conf import settings

from tests.conftest import DEMO_HOSTS

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(os.environ.get("LANTERN_ARTIFACTS", Path(settings.BASE_DIR) / "var/artifacts"))
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
FIRST_SCREEN = PHONE["viewport"]["height"]

# For each demo site: the tel: link of its own area's line in the help bar (None where it has
# none, and the home page offers the search instead), a ZIP code of its own area to search
# for, and the example ZIP code (of its state) its readers are given ("" for none).
SITES = {
    "localhost": (None, "90012", ""),
    "harbor.localhost": ("tel:+12135550142", "95814", "95814"),
    "pines.localhost": ("tel:+12075550117", "04330", "04330"),
    "ridge.localhost": (None, "27601", "27601"),
    "passage.localhost": ("tel:+12185550178", "55102", "55102"),
}


@pytest.fixture
def shots(request):
    """Save a screenshot of what a phone shows: var/artifacts/find-help-flow/<test>-<step>.png."""
    folder = ARTIFACTS / "find-help-flow"
    folder.mkdir(parents=True, exist_ok=True)

    def shot(page, step):
        path = folder / f"{request.node.name}-{step}.png"
        page.screenshot(path=str(path), full_page=False)
        return path

    return shot


def address(live_demo, hostname, path):
    return f"http://{hostname}:{urlsplit(live_demo.url).port}{path}"


def box_of(locator) -> dict:
    assert locator.is_visible()
    return locator.bounding_box()


def in_view(box, height=FIRST_SCREEN) -> bool:
    """Wholly inside the phone's screen as it is scrolled now."""
    return box["y"] >= 0 and box["y"] + box["height"] <= height


def landed(page, zip_code):
    """Wait for the search's results page, which the form's anchor (#results) leads to."""
    page.wait_for_url(re.compile(rf"/find-help/\?zip={re.escape(zip_code)}[^#]*#results$"))


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_every_site_leads_a_phone_from_its_home_page_to_a_number_near_the_reader(
    live_demo, browser, shots
):
    context = browser.new_context(**PHONE)
    for hostname in DEMO_HOSTS:
        local_tel, zip_code, _ = SITES[hostname]
        page = context.new_page()
        page.goto(address(live_demo, hostname, "/en/"))
        # A local number to tap in the first screen, or the search that finds one.
        target = (
            page.locator(f'.help-bar a[href="{local_tel}"]')
            if local_tel
            else page.get_by_role("search").get_by_label("ZIP code")
        )
        box = box_of(target)
        assert in_view(box), (hostname, box)
        assert box["height"] >= 44, (hostname, box)  # a target a shaking thumb can hit
        shots(page, f"{hostname}-home")

        if local_tel is None:  # the home page's own search lands on the results too
            target.fill(zip_code)
            target.press("Enter")
            landed(page, zip_code)
            assert focused_id(page) == "results", hostname
        else:
            page.goto(address(live_demo, hostname, "/en/find-help/"))
            field = page.get_by_label("ZIP code")
            box = box_of(field)
            assert in_view(box), ("the ZIP field in the first screen", hostname, box)
            assert box["height"] >= 44, (hostname, box)
            shots(page, f"{hostname}-find-help")
            field.fill(zip_code)
            field.press("Enter")
            landed(page, zip_code)

        # What the search found is the first thing in view, and has focus (read out).
        heading = page.locator("#results")
        assert heading.evaluate("node => node.tagName") == "H2"
        assert focused_id(page) == "results", hostname
        assert in_view(box_of(heading)), hostname
        first = page.locator(".find-help__results .hotline").first
        call = first.locator('a[href^="tel:"]').first
        assert in_view(box_of(call)), (hostname, first.locator("h3").inner_text())
        shots(page, f"{hostname}-results")
        page.close()
    context.close()


def test_the_zip_field_is_in_the_first_screen_of_every_find_help_page(live_demo, browser):
    context = browser.new_context(**PHONE)
    for hostname in DEMO_HOSTS:
        for path in ("/en/find-help/", "/es/encontrar-ayuda/"):
            page = context.new_page()
            if page.goto(address(live_demo, hostname, path)).status == 404:
                page.close()  # a site not published in Spanish
                continue
            field = page.locator("#id_zip")
            assert in_view(box_of(field)), (hostname, path, field.bounding_box())
            page.close()
    context.close()


def test_without_javascript_the_results_heading_is_at_the_top_of_the_view(
    live_demo, browser, shots
):
    context = browser.new_context(**PHONE, java_script_enabled=False)
    for hostname in ("harbor.localhost", "ridge.localhost"):
        page = context.new_page()
        page.goto(address(live_demo, hostname, "/en/find-help/"))
        _, zip_code, _ = SITES[hostname]
        page.get_by_label("ZIP code").fill(zip_code)
        page.get_by_label("ZIP code").press("Enter")
        landed(page, zip_code)
        heading = box_of(page.locator("#results"))
        exit_bar = box_of(page.locator(".quick-exit"))  # sticky: it stays over the top
        assert heading["y"] >= exit_bar["y"] + exit_bar["height"], "not hidden under the bar"
        assert heading["y"] < FIRST_SCREEN / 5, ("at the top of the view", hostname, heading)
        shots(page, f"{hostname}-results")
        page.close()
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_mistyped_zip_is_explained_in_view_with_an_example_from_the_sites_state(
    live_demo, browser, shots, javascript
):
    context = browser.new_context(**PHONE, java_script_enabled=javascript)
    for hostname in DEMO_HOSTS:
        example = SITES[hostname][2]
        page = context.new_page()
        page.goto(address(live_demo, hostname, "/en/find-help/"))
        page.get_by_label("ZIP code").fill("9001")
        page.get_by_label("ZIP code").press("Enter")
        landed(page, "9001")
        summary = page.locator("#results")
        assert in_view(box_of(summary)), hostname
        message = page.get_by_role("alert").inner_text()
        expected = f"like {example}." if example else "Enter a 5-digit ZIP code."
        assert expected in message, (hostname, message)
        assert "04101" not in message
        # The field to fix is in view under it, marked and described.
        field = page.get_by_label("ZIP code")
        assert in_view(box_of(field)), hostname
        assert field.get_attribute("aria-invalid") == "true"
        described = field.get_attribute("aria-describedby").split()
        assert expected in page.locator(f"#{described[-1]}").inner_text()
        if javascript:
            assert focused_id(page) == "results", hostname
        if hostname in ("harbor.localhost", "ridge.localhost"):
            shots(page, f"{hostname}-mistyped")
        page.close()
    context.close()
