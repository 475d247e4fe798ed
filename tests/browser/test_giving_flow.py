"""A donor on a phone (390 x 844), on Cardinal Ridge (the demo site whose giving is set up: a
provider's page that takes the amount and how often in its address, fixtures/demo/ridge.toml):
the header's Donate, the appeal's amounts, a mistyped amount explained in view, a monthly gift
confirmed with the amount as a donor reads it, the hand-off to the provider (stubbed at its
HTTP boundary: the browser's requests to it are answered here) and back to the thank-you page.
No request leaves the site but the one to the provider, and no script loads but the site's
own. Screenshots in var/artifacts/giving-flow/ (or $LANTERN_ARTIFACTS)."""

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from django.conf import settings

from wagtail.models import Site

from sites.content.pages import DonationAppealPage

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(os.environ.get("LANTERN_ARTIFACTS", Path(settings.BASE_DIR) / "var/artifacts"))
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
RIDGE = "ridge.localhost"
PROVIDER = "https://donate.example.org/"


@pytest.fixture
def shots(request):
    folder = ARTIFACTS / "giving-flow"
    folder.mkdir(parents=True, exist_ok=True)

    def shot(page, step):
        page.screenshot(path=str(folder / f"{step}.png"), full_page=False)

    return shot


def test_a_donor_on_a_phone_gives_monthly_and_comes_back_to_thanks(live_demo, browser, shots):
    port = urlsplit(live_demo.url).port
    site = f"http://{RIDGE}:{port}"
    appeal = (
        DonationAppealPage.objects.live()
        .descendant_of(Site.objects.get(hostname=RIDGE).root_page)
        .get()
        .appeal
    )
    thanks = f"{site}/en/give/{appeal.pk}/thanks/"
    context = browser.new_context(**PHONE)
    requested, handed = [], []
    context.on("request", lambda request: requested.append(request.url))

    def provider(route):
        # The provider's page, as far as Lantern is concerned: it got the gift in its address,
        # and (as a real one would, once paid) sends the donor back.
        handed.append(route.request.url)
        route.fulfill(
            status=200,
            content_type="text/html",
            body=f'<!doctype html><title>Provider</title><a id="back" href="{thanks}">Back</a>',
        )

    context.route(re.compile(re.escape(PROVIDER) + ".*"), provider)
    page = context.new_page()

    # The header's Donate leads to the site's own donation step, the appeal's headline in the
    # first screen.
    page.goto(f"{site}/en/")
    page.locator(".site-nav__donate a").click()
    page.wait_for_url(f"{site}/en/give/{appeal.pk}/")
    assert in_view(page.get_by_role("heading", level=1, name=appeal.headline))
    shots(page, "1-step-choose")

    # A mistyped amount: the step opens at the choices with the field that is wrong focused,
    # saying what is wrong, in the first screen.
    other = page.get_by_label("Or another amount, in dollars")
    other.fill("forty")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"other=forty"))
    error = page.locator(".gift__error")
    assert error.inner_text().strip() == "Type a whole number of dollars, for example 40."
    assert in_view(error.bounding_box()) and in_view(other.bounding_box())
    assert page.evaluate("document.activeElement.name") == "other"
    assert other.get_attribute("aria-invalid") == "true"
    assert other.input_value() == "forty"  # what was typed, to correct
    shots(page, "2-step-error")

    # Too small: the site's smallest gift, in dollars as a donor reads them.
    other.fill("2")
    page.get_by_role("button", name="Continue").click()
    assert error.inner_text().strip() == "The smallest gift here is $5."

    # One of the appeal's amounts, every month: confirmed as the donor reads it, in view.
    other.fill("")
    page.get_by_label("$25").check()
    page.get_by_label("Every month").check()
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".giving-step__summary")
    assert summary.inner_text() == "You are giving $25 every month."
    pay = page.get_by_role("button", name="Continue to payment")
    assert in_view(summary.bounding_box()) and in_view(pay.bounding_box())
    shots(page, "3-step-confirm")

    # Changing it brings back the choice as it was made, opened at the choices.
    page.get_by_role("link", name="Change the amount").click()
    page.wait_for_url(re.compile(r"change=1#gift$"))
    assert in_view(page.get_by_label("$25"))
    assert page.get_by_label("$25").is_checked() and page.get_by_label("Every month").is_checked()

    # Another amount, typed as a donor would: "$1,000".
    other = page.get_by_label("Or another amount, in dollars")
    other.fill("$1,000")
    page.get_by_role("button", name="Continue").click()
    assert summary.inner_text() == "You are giving $1,000 every month."
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(re.compile(re.escape(PROVIDER)))
    assert [parse_qs(urlsplit(url).query) for url in handed] == [
        {"amount": ["1000"], "frequency": ["monthly"]}
    ]

    # The provider sends the donor back: thanks, and nothing of theirs.
    page.locator("#back").click()
    page.wait_for_url(thanks)
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you for your gift"
    shots(page, "4-thanks")

    # Nothing asked of anyone but the site and the provider; no script but the site's own.
    elsewhere = {urlsplit(url).netloc for url in requested} - {f"{RIDGE}:{port}"}
    assert elsewhere == {"donate.example.org"}, elsewhere
    scripts = [url for url in requested if urlsplit(url).path.endswith(".js")]
    assert {urlsplit(url).path for url in scripts} == {"/static/js/quick-exit.js"}
    context.close()


def in_view(box, height=PHONE["viewport"]["height"]) -> bool:
    if not isinstance(box, dict):
        box = box.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height
