"""A donor's way through an appeal, over HTTP on the site's own host: the amounts offered in the
(cached) page, the donation step that confirms them, and the hand-off to the processor (Stripe
stubbed at its HTTP boundary), then thanks. Another agency's appeal is not there."""

import re

import pytest

from django.test import Client
from django.urls import reverse

from wagtail.models import Locale, Site
from wagtail.test.utils.form_data import rich_text

from sites.caching.middleware import HEADER
from sites.giving.models import GivingSettings
from tests.conftest import logged_in, site_client

from .conftest import HARBOR, HARBOR_KEY, give_page
from .stripe_stub import CHECKOUT_URL

pytestmark = pytest.mark.django_db


def step(appeal) -> str:
    return f"/en/give/{appeal.pk}/"


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def give(appeal, **chosen):
    """A donor's browser: the step as the appeal's GET form sends it, then its confirm button,
    posted with the CSRF token and the Origin header a browser sends."""
    donor = Client(HTTP_HOST=HARBOR, enforce_csrf_checks=True)
    confirm = donor.get(step(appeal), chosen)
    assert confirm.status_code == 200, confirm.content.decode()
    html = confirm.content.decode()
    hidden = dict(
        re.findall(r'<input type="hidden" name="(amount|frequency)" value="([^"]*)">', html)
    )
    return confirm, donor.post(
        step(appeal),
        {**hidden, "csrfmiddlewaretoken": csrf_token(html)},
        headers={"origin": f"http://{HARBOR}"},
    )


def appeal_form(appeal, **changes) -> dict:
    data = {
        "owner": appeal.owner_id or "",
        "headline": appeal.headline,
        "text": rich_text(appeal.text),
        "goal": appeal.goal,
        "raised": appeal.raised,
        "amounts": appeal.amounts,
        "monthly": "on" if appeal.monthly else "",
        "donate_url": appeal.donate_url,
        "end_date": appeal.end_date or "",
    }
    return data | changes


def test_amounts_set_in_the_snippet_admin_are_offered_on_the_cached_page(
    harbor_appeal, moderator_a
):
    editor = logged_in(moderator_a)
    edit = reverse("wagtailsnippets_blocks_donationappeal:edit", args=[harbor_appeal.pk])
    refused = editor.post(edit, appeal_form(harbor_appeal, amounts="20, 40, ten"))
    assert refused.status_code == 200
    assert refused.context["form"].errors["amounts"] == [
        "“ten” is not an amount: give whole dollars from 1 to 999,999, separated by commas, "
        "e.g. 25, 50, 100, 250."
    ]
    twice = editor.post(edit, appeal_form(harbor_appeal, amounts="20, 40, 20"))
    assert twice.context["form"].errors["amounts"] == [
        "Each amount once: an amount is listed twice."
    ]

    saved = editor.post(edit, appeal_form(harbor_appeal, amounts="$75, 20, 40", monthly=""))
    assert saved.status_code == 302
    harbor_appeal.refresh_from_db()
    assert harbor_appeal.preset_amounts == [20, 40, 75]

    page = give_page(HARBOR)
    reader = site_client(HARBOR)
    first = reader.get(page.url)
    again = reader.get(page.url)
    assert (first[HEADER], again[HEADER]) == ("miss", "hit")
    html = again.content.decode()
    assert f'<form class="gift" method="get" action="/en/give/{harbor_appeal.pk}/">' in html
    offered = re.findall(r'<input type="radio" name="amount" value="(\d+)">', html)
    assert offered == ["20", "40", "75"]
    assert 'name="other"' in html
    assert 'name="frequency"' not in html  # monthly giving switched off for this appeal
    assert "stripe" not in html.lower()  # no processor script, no processor address
    assert not again.cookies


def test_the_appeal_offers_one_time_or_monthly(harbor_appeal):
    html = site_client(HARBOR).get(give_page(HARBOR).url).content.decode()
    assert '<input type="radio" name="frequency" value="once" checked> Once' in html
    assert '<input type="radio" name="frequency" value="monthly"> Every month' in html


@pytest.mark.parametrize(
    ("chosen", "field", "message"),
    [
        ({}, "amount", "Choose an amount, or type another."),
        ({"frequency": "once"}, "amount", "Choose an amount, or type another."),
        ({"other": "forty"}, "other", "Type a whole number of dollars, for example 40."),
        ({"other": "12.50"}, "other", "Type a whole number of dollars, for example 40."),
        ({"other": "-5"}, "other", "Type a whole number of dollars, for example 40."),
        ({"other": "2"}, "other", "The smallest gift here is $5."),
        (
            {"other": "$25,000"},
            "other",
            "The largest gift online is $10,000. For a larger gift, please contact us.",
        ),
        ({"amount": "1"}, "amount", "The smallest gift here is $5."),
        ({"amount": "x" * 30}, "amount", "Choose one of the amounts, or type another."),
        ({"amount": "50", "frequency": "weekly"}, "frequency", "Select a valid choice."),
    ],
)
def test_a_wrong_amount_is_asked_again_with_what_is_wrong(harbor_appeal, chosen, field, message):
    response = site_client(HARBOR).get(step(harbor_appeal), chosen or {"amount": ""})
    assert response.status_code == 400
    form = response.context["gift_form"]
    assert any(error.startswith(message) for error in form.errors[field]), form.errors
    html = response.content.decode()
    assert 'class="gift__error"' in html
    assert "csrfmiddlewaretoken" not in html  # nothing to confirm yet


def test_a_forged_post_is_refused_with_its_errors_not_a_server_error(harbor_appeal, harbor_stripe):
    donor = site_client(HARBOR)
    for data in ({"amount": "0"}, {"other": "9999999999999"}, {"amount": "50", "frequency": "x"}):
        assert donor.post(step(harbor_appeal), data).status_code == 400


def test_monthly_is_refused_where_the_appeal_takes_one_time_gifts(harbor_appeal):
    harbor_appeal.monthly = False
    harbor_appeal.save()
    response = site_client(HARBOR).get(
        step(harbor_appeal), {"amount": "50", "frequency": "monthly"}
    )
    assert response.status_code == 400
    assert response.context["gift_form"].errors["frequency"] == [
        "This appeal takes one-time gifts only."
    ]


def test_the_step_confirms_and_is_never_stored(harbor_appeal, harbor_stripe):
    reader = site_client(HARBOR)
    first = reader.get(step(harbor_appeal), {"other": "$1,200", "frequency": "monthly"})
    again = reader.get(step(harbor_appeal), {"other": "$1,200", "frequency": "monthly"})
    assert first.status_code == again.status_code == 200
    assert HEADER not in again or again[HEADER] != "hit"
    for directive in ("private", "no-store"):
        assert directive in first["Cache-Control"]
    html = first.content.decode()
    assert "You are giving <strong>$1,200 every month</strong>." in html
    assert '<input type="hidden" name="amount" value="1200">' in html
    assert '<input type="hidden" name="frequency" value="monthly">' in html
    assert "Continue to payment" in html
    # The browser's post carries the site's Origin (CSRF), and may end at Stripe's page.
    assert first["Referrer-Policy"] == "same-origin"
    assert "form-action 'self' https://checkout.stripe.com" in first["Content-Security-Policy"]
    assert "<script" not in html.replace(
        '<script src="/static/js/quick-exit.js" defer></script>', ""
    )
    assert HARBOR_KEY not in html


def test_a_one_time_gift_goes_to_stripe_checkout_with_the_agencys_own_key(
    harbor_appeal, harbor_stripe, stripe_api
):
    _confirm, handed = give(harbor_appeal, amount="50", frequency="once")
    assert handed.status_code == 303
    assert handed["Location"] == CHECKOUT_URL
    [sent] = stripe_api.sent
    assert sent["method"] == "post"
    assert sent["url"] == "https://api.stripe.com/v1/checkout/sessions"
    assert sent["headers"]["Authorization"] == f"Bearer {HARBOR_KEY}"
    assert sent["params"] == {
        "mode": "payment",
        "submit_type": "donate",
        "line_items[0][quantity]": "1",
        "line_items[0][price_data][currency]": "usd",
        "line_items[0][price_data][unit_amount]": "5000",
        "line_items[0][price_data][product_data][name]": harbor_appeal.headline,
        "success_url": f"http://{HARBOR}/en/give/{harbor_appeal.pk}/thanks/",
        "cancel_url": f"http://{HARBOR}/en/give/{harbor_appeal.pk}/?amount=50&frequency=once&change=1",
        "metadata[appeal]": str(harbor_appeal.pk),
    }


def test_a_monthly_gift_is_a_subscription(harbor_appeal, harbor_stripe, stripe_api):
    _, handed = give(harbor_appeal, other="35", frequency="monthly")
    assert handed.status_code == 303
    params = stripe_api.sent[0]["params"]
    assert params["mode"] == "subscription"
    assert params["line_items[0][price_data][unit_amount]"] == "3500"
    assert params["line_items[0][price_data][recurring][interval]"] == "month"
    assert "submit_type" not in params
    # The appeal's id, and nothing else, on the session and on the subscription, whose later
    # months' invoices name it (tests/sites/giving/test_webhook.py).
    assert {key: value for key, value in params.items() if "metadata" in key} == {
        "metadata[appeal]": str(harbor_appeal.pk),
        "subscription_data[metadata][appeal]": str(harbor_appeal.pk),
    }


def test_a_one_time_gift_makes_no_subscription(harbor_appeal, harbor_stripe, stripe_api):
    give(harbor_appeal, amount="50", frequency="once")
    assert not [key for key in stripe_api.sent[0]["params"] if key.startswith("subscription")]


def test_the_post_needs_the_steps_csrf_token(harbor_appeal, harbor_stripe, stripe_api):
    donor = Client(HTTP_HOST=HARBOR, enforce_csrf_checks=True)
    response = donor.post(step(harbor_appeal), {"amount": "50", "frequency": "once"})
    assert response.status_code == 403
    assert not stripe_api.sent


def test_stripe_not_answering_asks_the_donor_to_try_again(harbor_appeal, harbor_stripe, stripe_api):
    stripe_api.status = 401
    stripe_api.answer = {"error": {"type": "invalid_request_error", "message": "Invalid API Key"}}
    _, handed = give(harbor_appeal, amount="50")
    assert handed.status_code == 502
    html = handed.content.decode()
    assert "The payment page could not be opened. Nothing was charged." in html
    assert HARBOR_KEY not in html


def test_a_provider_page_gets_the_amount_and_frequency_in_its_address(harbor_appeal):
    giving = GivingSettings.for_site(Site.objects.get(hostname=HARBOR))
    giving.processor = GivingSettings.Processor.PROVIDER
    giving.provider_url = (
        "https://give.example.org/harbor?amount={amount}&every={frequency}&back={thanks_url}"
    )
    giving.full_clean()
    giving.save()
    confirm, handed = give(harbor_appeal, amount="100", frequency="monthly")
    assert "On the next page" not in confirm.content.decode()
    assert "form-action 'self' https://give.example.org" in confirm["Content-Security-Policy"]
    assert handed.status_code == 303
    assert handed["Location"] == (
        "https://give.example.org/harbor?amount=100&every=monthly&back="
        f"http%3A%2F%2F{HARBOR}%2Fen%2Fgive%2F{harbor_appeal.pk}%2Fthanks%2F"
    )


def test_without_a_processor_the_donor_goes_to_the_appeals_link_told_what_to_enter(harbor_appeal):
    confirm, handed = give(harbor_appeal, other="60", frequency="monthly")
    assert "On the next page, enter $60 and choose to give every month." in confirm.content.decode()
    assert handed.status_code == 303
    assert handed["Location"] == harbor_appeal.donate_url


def test_the_donor_comes_back_to_thanks_and_nothing_of_theirs(harbor_appeal):
    response = site_client(HARBOR).get(f"/en/give/{harbor_appeal.pk}/thanks/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Thank you for your gift" in html
    assert harbor_appeal.headline in html
    assert not response.cookies


def test_coming_back_from_checkout_shows_the_choice_again(harbor_appeal):
    response = site_client(HARBOR).get(
        step(harbor_appeal), {"amount": "37", "frequency": "monthly", "change": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="other" inputmode="numeric" size="8" autocomplete="off" value="37"' in html
    assert '<input type="radio" name="frequency" value="monthly" checked>' in html


def test_another_agencys_appeal_is_not_on_this_site(pines_appeal, pines_stripe, stripe_api):
    harbor = site_client(HARBOR)
    assert harbor.get(step(pines_appeal), {"amount": "50"}).status_code == 404
    assert harbor.post(step(pines_appeal), {"amount": "50"}).status_code == 404
    assert harbor.get(f"/en/give/{pines_appeal.pk}/thanks/").status_code == 404
    assert not stripe_api.sent


def test_a_closed_appeal_takes_no_gift(harbor_appeal, stripe_api):
    harbor_appeal.end_date = "2020-01-01"
    harbor_appeal.save()
    response = site_client(HARBOR).post(step(harbor_appeal), {"amount": "50"})
    assert response.status_code == 410
    assert "This appeal has closed." in response.content.decode()


def test_a_spanish_reader_gives_in_spanish(harbor_appeal):
    spanish = harbor_appeal.get_translation_or_none(Locale.objects.get(language_code="es"))
    assert spanish is not None  # the demo translates Harbor's appeal
    home = site_client(HARBOR).get("/es/").content.decode()
    assert f'<form class="gift" method="get" action="/es/give/{spanish.pk}/">' in home
    assert "<legend>Elige una cantidad</legend>" in home
    wrong = site_client(HARBOR).get(f"/es/give/{spanish.pk}/", {"other": "2"})
    assert wrong.status_code == 400
    assert "La donación más pequeña aquí es de $5." in wrong.content.decode()
    confirm = site_client(HARBOR).get(f"/es/give/{spanish.pk}/", {"other": "1200"})
    assert "Vas a donar <strong>$1,200</strong>, una vez." in confirm.content.decode()
