"""Stripe's webhook on each site: a signed, paid Checkout Session moves the appeal's progress
bar on the (cached) pages that show it, once per event; anything unsigned, signed with another
site's secret, or malformed is refused with a 400 and changes nothing."""

import json

import pytest

from wagtail.models import Locale

from blocks.appeals import DonationAppeal
from sites.caching.middleware import HEADER
from sites.giving.models import CountedEvent
from tests.conftest import site_client

from .conftest import HARBOR, HARBOR_WEBHOOK, PINES_WEBHOOK, give_page
from .stripe_stub import checkout_event, renewal_event, signature

pytestmark = pytest.mark.django_db

WEBHOOK = "/giving/stripe/webhook/"


def send(payload: bytes, secret: str | None = HARBOR_WEBHOOK, host: str = HARBOR, **headers):
    if secret is not None:
        headers["Stripe-Signature"] = signature(payload, secret)
    return site_client(host).post(
        WEBHOOK, payload, content_type="application/json", headers=headers
    )


def progress(appeal) -> tuple[int, int]:
    appeal.refresh_from_db()
    return appeal.given_online, appeal.gifts_online


def test_a_paid_gift_moves_the_progress_bar_on_the_cached_page(
    harbor_appeal, harbor_stripe, django_capture_on_commit_callbacks
):
    page = give_page(HARBOR)
    reader = site_client(HARBOR)
    reader.get(page.url)
    before = reader.get(page.url)
    assert before[HEADER] == "hit"
    assert "<strong>$21,500</strong> raised of $50,000 goal" in before.content.decode()
    assert 'max="100" value="43"' in before.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        answer = send(checkout_event(harbor_appeal.pk, 450_000))
    assert answer.status_code == 200, answer.content
    assert progress(harbor_appeal) == (450_000, 1)

    after = reader.get(page.url)
    assert after[HEADER] == "miss"
    html = after.content.decode()
    assert "<strong>$26,000</strong> raised of $50,000 goal" in html
    assert 'max="100" value="52"' in html
    # Nothing of the donor's is kept: the event's id, and the sum and count on the appeal.
    assert list(CountedEvent.objects.values_list("event_id", flat=True)) == ["evt_test_1"]
    assert "donor@example.org" not in html and "Dana Donor" not in html


def test_a_replayed_event_is_counted_once(harbor_appeal, harbor_stripe):
    payload = checkout_event(harbor_appeal.pk, 2_500, event_id="evt_test_again")
    assert send(payload).content == b"Counted."
    assert send(payload).content == b"Counted before."
    assert progress(harbor_appeal) == (2_500, 1)
    assert (
        send(checkout_event(harbor_appeal.pk, 1_000, event_id="evt_test_other")).status_code == 200
    )
    assert progress(harbor_appeal) == (3_500, 2)


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("unsigned", b"No Stripe-Signature header."),
        ("wrong secret", b"The signature does not match this site's webhook signing secret."),
        (
            "another site's secret",
            b"The signature does not match this site's webhook signing secret.",
        ),
        ("tampered", b"The signature does not match this site's webhook signing secret."),
        ("old signature", b"The signature does not match this site's webhook signing secret."),
        ("not json", b"The payload is not a Stripe event."),
        ("not an event", b"The payload is not a Stripe event."),
    ],
)
def test_what_stripe_did_not_sign_for_this_site_is_refused(
    harbor_appeal, harbor_stripe, pines_stripe, how, message
):
    payload = checkout_event(harbor_appeal.pk, 10_000)
    if how == "unsigned":
        answer = send(payload, secret=None)
    elif how == "wrong secret":
        answer = send(payload, secret="whsec_made_up")
    elif how == "another site's secret":
        answer = send(payload, secret=PINES_WEBHOOK)
    elif how == "tampered":
        header = signature(payload, HARBOR_WEBHOOK)
        tampered = payload.replace(b"10000", b"99999999")
        answer = send(tampered, secret=None, **{"Stripe-Signature": header})
    elif how == "old signature":
        header = signature(payload, HARBOR_WEBHOOK, at=1_600_000_000)
        answer = send(payload, secret=None, **{"Stripe-Signature": header})
    elif how == "not json":
        answer = send(b"{not json")
    else:
        answer = send(b'{"hello": "world"}')
    assert answer.status_code == 400
    assert answer.content == message
    assert progress(harbor_appeal) == (0, 0)
    assert not CountedEvent.objects.exists()


def test_a_site_without_stripe_refuses_every_event(harbor_appeal):
    answer = send(checkout_event(harbor_appeal.pk, 10_000))
    assert answer.status_code == 400
    assert answer.content == b"Stripe is not set up for this site."


def test_the_webhook_only_takes_posts(harbor_stripe):
    assert site_client(HARBOR).get(WEBHOOK).status_code == 405


def test_an_event_for_another_sites_appeal_is_acknowledged_and_not_counted(
    harbor_stripe, pines_appeal
):
    answer = send(checkout_event(pines_appeal.pk, 10_000))
    assert (answer.status_code, answer.content) == (200, b"Not an appeal of this site.")
    assert progress(pines_appeal) == (0, 0)


def test_a_bank_debit_is_counted_once_it_is_paid(harbor_appeal, harbor_stripe):
    unpaid = checkout_event(harbor_appeal.pk, 5_000, event_id="evt_1", payment_status="unpaid")
    assert send(unpaid).content == b"Counted once paid."
    assert progress(harbor_appeal) == (0, 0)
    paid = checkout_event(
        harbor_appeal.pk,
        5_000,
        event_id="evt_2",
        kind="checkout.session.async_payment_succeeded",
    )
    assert send(paid).content == b"Counted."
    assert progress(harbor_appeal) == (5_000, 1)


def test_other_events_and_currencies_are_acknowledged_and_not_counted(harbor_appeal, harbor_stripe):
    other = checkout_event(harbor_appeal.pk, 5_000, event_id="evt_3", kind="customer.created")
    assert send(other).content == b"Not an event Lantern counts."
    euros = checkout_event(harbor_appeal.pk, 5_000, event_id="evt_4", currency="eur")
    assert send(euros).content == b"Not a gift in US dollars."
    assert progress(harbor_appeal) == (0, 0)


def test_the_appeals_translations_show_the_same_progress(harbor_appeal, harbor_stripe):
    """The Spanish page shows the Spanish appeal: its bar moves with the English one's."""
    spanish = harbor_appeal.get_translation_or_none(Locale.objects.get(language_code="es"))
    if spanish is None:
        spanish = harbor_appeal.copy_for_translation(Locale.objects.get(language_code="es"))
        spanish.save()
    assert send(checkout_event(spanish.pk, 7_500)).content == b"Counted."
    both = DonationAppeal.objects.filter(translation_key=harbor_appeal.translation_key)
    assert sorted(both.values_list("given_online", "gifts_online")) == [(7_500, 1), (7_500, 1)]


@pytest.mark.parametrize("api_version", ["current", "before 2025-03-31"])
def test_each_later_month_of_a_monthly_gift_counts_as_a_gift(
    harbor_appeal, harbor_stripe, api_version, django_capture_on_commit_callbacks
):
    """Checkout's first month, then two more months' invoice.paid: three gifts, each counted
    once however often Stripe sends it, and the page shows them at once."""
    page = give_page(HARBOR)
    reader = site_client(HARBOR)
    reader.get(page.url)
    assert send(checkout_event(harbor_appeal.pk, 2_500, event_id="evt_first")).content == (
        b"Counted."
    )
    # Stripe's invoice for the first month comes too: it is the Checkout Session's gift.
    first_invoice = renewal_event(
        harbor_appeal.pk, 2_500, "evt_first_invoice", "subscription_create", api_version
    )
    assert send(first_invoice).content == b"Not a monthly gift's renewal."
    for month in (2, 3):
        payload = renewal_event(
            harbor_appeal.pk, 2_500, f"evt_month_{month}", api_version=api_version
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert send(payload).content == b"Counted."
        assert send(payload).content == b"Counted before."
    assert progress(harbor_appeal) == (7_500, 3)
    html = reader.get(page.url).content.decode()
    assert "<strong>$21,575</strong> raised of $50,000 goal" in html
    assert list(CountedEvent.objects.order_by("event_id").values_list("event_id", flat=True)) == [
        "evt_first",
        "evt_month_2",
        "evt_month_3",
    ]
    assert "donor@example.org" not in html and "Dana Donor" not in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"billing_reason": "manual"}, b"Not a monthly gift's renewal."),
        ({"billing_reason": "subscription_update"}, b"Not a monthly gift's renewal."),
        ({"amount_paid": 0}, b"Nothing was paid."),
        ({"currency": "eur"}, b"Not a gift in US dollars."),
        ({"parent": None}, b"Not a gift to an appeal."),
        ({"parent": {"subscription_details": {"metadata": {}}}}, b"Not a gift to an appeal."),
        (
            {"parent": {"subscription_details": {"metadata": {"appeal": "1e3"}}}},
            b"Not a gift to an appeal.",
        ),
        ({"parent": "sub_test"}, b"Not a gift to an appeal."),
        ({"amount_paid": "2500"}, b"Not a gift to an appeal."),
    ],
)
def test_an_invoice_that_is_not_a_renewal_of_an_appeals_gift_is_acknowledged_and_not_counted(
    harbor_appeal, harbor_stripe, change, message
):
    event = json.loads(renewal_event(harbor_appeal.pk, 2_500))
    event["data"]["object"] |= change
    answer = send(json.dumps(event).encode())
    assert (answer.status_code, answer.content) == (200, message)
    assert progress(harbor_appeal) == (0, 0)
    assert not CountedEvent.objects.exists()


def test_a_renewal_for_another_sites_appeal_is_not_counted(harbor_stripe, pines_appeal):
    answer = send(renewal_event(pines_appeal.pk, 2_500))
    assert (answer.status_code, answer.content) == (200, b"Not an appeal of this site.")
    assert progress(pines_appeal) == (0, 0)
