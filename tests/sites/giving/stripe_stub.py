"""Stripe's HTTP boundary, stubbed the way the stripe library lets a program supply its own
client (`stripe.HTTPClient`, given through LANTERN_STRIPE_HTTP_CLIENT), and webhook payloads
signed as Stripe signs them (an HMAC-SHA256 of "timestamp.payload" with the endpoint's secret)."""

import hashlib
import hmac
import json
import time
from urllib.parse import parse_qsl

import stripe

CHECKOUT_URL = "https://checkout.stripe.com/c/pay/cs_test_lantern"


class StubStripe(stripe.HTTPClient):
    """Answers Stripe's API as Stripe would, and keeps what it was sent."""

    name = "lantern-test-stub"

    def __init__(self, status: int = 200, answer: dict | None = None):
        super().__init__()
        self.status = status
        self.answer = answer or {
            "id": "cs_test_lantern",
            "object": "checkout.session",
            "url": CHECKOUT_URL,
        }
        self.sent: list[dict] = []

    def request(self, method, url, headers, post_data=None, **kwargs):
        self.sent.append(
            {
                "method": method,
                "url": url,
                "headers": dict(headers or {}),
                "params": dict(parse_qsl(post_data or "", keep_blank_values=True)),
            }
        )
        return json.dumps(self.answer), self.status, {}

    def request_stream(self, method, url, headers, post_data=None, **kwargs):
        raise NotImplementedError

    def close(self):
        pass


def signature(payload: bytes, secret: str, at: int | None = None) -> str:
    at = int(time.time()) if at is None else at
    signed = hmac.new(secret.encode(), f"{at}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={at},v1={signed}"


def checkout_event(
    appeal_id,
    cents: int,
    event_id: str = "evt_test_1",
    kind: str = "checkout.session.completed",
    payment_status: str = "paid",
    currency: str = "usd",
) -> bytes:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": kind,
            "data": {
                "object": {
                    "id": "cs_test_lantern",
                    "object": "checkout.session",
                    "amount_total": cents,
                    "currency": currency,
                    "payment_status": payment_status,
                    "metadata": {"appeal": str(appeal_id)},
                    # What Stripe knows and Lantern never keeps.
                    "customer_details": {"email": "donor@example.org", "name": "Dana Donor"},
                }
            },
        }
    ).encode()


def renewal_event(
    appeal_id,
    cents: int,
    event_id: str = "evt_test_month_2",
    billing_reason: str = "subscription_cycle",
    api_version: str = "current",
    currency: str = "usd",
) -> bytes:
    """`invoice.paid` for a later month of a monthly gift, as Stripe sends it: the appeal in
    the subscription's metadata, under `parent.subscription_details` (API versions since
    2025-03-31) or `subscription_details` (before)."""
    details = {"metadata": {"appeal": str(appeal_id)}, "subscription": "sub_test_lantern"}
    invoice = {
        "id": "in_test_lantern",
        "object": "invoice",
        "billing_reason": billing_reason,
        "amount_paid": cents,
        "currency": currency,
        "status": "paid",
        # What Stripe knows and Lantern never keeps.
        "customer_email": "donor@example.org",
        "customer_name": "Dana Donor",
    }
    if api_version == "current":
        invoice["parent"] = {"type": "subscription_details", "subscription_details": details}
    else:
        invoice |= {"subscription": "sub_test_lantern", "subscription_details": details}
    return json.dumps(
        {"id": event_id, "object": "event", "type": "invoice.paid", "data": {"object": invoice}}
    ).encode()
