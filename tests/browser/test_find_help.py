"""Finding help on a phone: from any page to a number to call, by ZIP code, in two taps and a
few keys; with JavaScript off too; and in Spanish at a tap. Screenshots of each step are kept
(var/artifacts/find-help/, or $LANTERN_ARTIFACTS) for people to look at."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from django.conf import settings

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(os.environ.get("LANTERN_ARTIFACTS", Path(settings.BASE_DIR) / "var/artifacts"))


@pytest.fixture
def shots(request):
    """Save a screenshot of a step: var/artifacts/find-help/<test>-<n>-<step>.png."""
    folder = ARTIFACTS / "find-help"
    folder.mkdir(parents=True, exist_ok=True)
    taken = []

    def shot(page, step):
        path = folder / f"{request.node.name}-{len(taken) + 1}-{step}.png"
        page.screenshot(path=str(path), full_page=False)
        taken.append(path)
        return path

    yield shot
    assert all(path.stat().st_size > 0 for path in taken)


def address(live_demo, path, hostname="harbor.localhost"):
    return f"http://{hostname}:{urlsplit(live_demo.url).port}{path}"


def test_a_reader_on_a_phone_finds_a_number_to_call_by_zip_code(live_demo, phone, shots):
    page = phone.new_page()
    page.goto(address(live_demo, "/en/stories/mayas-story/"))
    shots(page, "story")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Find help near you"
    ).click()
    page.wait_for_url("**/en/find-help/")
    shots(page, "form")
    page.get_by_label("ZIP code").fill("90012")
    page.get_by_label("ZIP code").press("Enter")
    page.wait_for_url("**/en/find-help/?zip=90012*")
    assert page.get_by_role("heading", name="Help for 90012 (California)").is_visible()
    shots(page, "results")
    # The first service near the reader, with a button a phone dials.
    near = page.locator(".find-help__results .help-resource").first
    near.scroll_into_view_if_needed()
    assert near.locator("h3").inner_text() == "Bayview Counselling Collective"
    call = near.get_by_role("link", name="Call (323) 555-0119")
    assert call.get_attribute("href") == "tel:+13235550119"
    box = call.bounding_box()
    assert box["height"] >= 44, "a target a shaking thumb can hit"
    shots(page, "call-button")
    page.close()


def test_the_form_works_with_javascript_off(live_demo, browser, shots):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(address(live_demo, "/en/find-help/", hostname="pines.localhost"))
    page.get_by_label("ZIP code").fill("04101")
    page.get_by_label("Kind of help").select_option("shelter")
    page.get_by_role("button", name="Find help").click()
    page.wait_for_url("**/en/find-help/?zip=04101*")
    results = page.locator(".find-help__results")
    assert "Northern Pines Safe Beds" in results.inner_text()
    assert "Casco Bay Youth Drop-in" not in results.inner_text()
    shots(page, "no-javascript")
    context.close()


def test_a_mistyped_zip_gets_a_message_and_the_national_hotline(live_demo, phone, shots):
    page = phone.new_page()
    page.goto(address(live_demo, "/en/find-help/?zip=9001"))
    alert = page.get_by_role("alert")
    # Harbor Light serves California: its readers' example is a Californian ZIP code.
    assert "Enter a 5-digit ZIP code, like 95814." in alert.inner_text()
    hotlines = page.locator(".find-help__results")
    assert hotlines.get_by_role("link", name="Call 1-888-373-7888").first.is_visible()
    shots(page, "bad-zip")
    page.close()


def test_switching_to_spanish_keeps_the_readers_search(live_demo, phone, shots):
    page = phone.new_page()
    page.goto(address(live_demo, "/en/find-help/?zip=90012&service=shelter"))
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Español").click()
    page.wait_for_url("**/es/encontrar-ayuda/?zip=90012&service=shelter")
    assert page.evaluate("document.documentElement.lang") == "es"
    assert page.get_by_role("heading", name="Ayuda para 90012 (California)").is_visible()
    assert "Casa Segura Harbor Light" in page.locator(".find-help__results").inner_text()
    assert page.get_by_label("Tipo de ayuda").input_value() == "shelter"
    shots(page, "spanish")
    # And back: the switcher names English in English.
    page.get_by_role("navigation", name="Idioma").get_by_role("link", name="English").click()
    page.wait_for_url("**/en/find-help/?zip=90012&service=shelter")
    page.close()
