"""What a Stripe event (already checked against the site's signing secret) gives an appeal: the
appeal's id and the amount paid, or why it gives nothing.

Counted:
- `checkout.session.completed` for a paid Checkout Session (a one-time gift, or the first
  month of a monthly one), `checkout.session.async_payment_succeeded` for one paid later (a
  bank debit): the appeal is in the session's metadata (sites.giving.handoff);
- `invoice.paid` for each later month of a monthly gift (`billing_reason` `subscription_cycle`):
  the appeal is in the subscription's metadata, which Checkout copied from
  `subscription_data.metadata` when the gift was made. Stripe's API versions since 2025-03-31
  give it as `parent.subscription_details.metadata`, earlier ones as
  `subscription_details.metadata` (an endpoint keeps the version it was made with): both are
  read. The first month's invoice (`subscription_create`) is the Checkout Session's gift,
  counted once already.

Nothing of the donor's is read: the event carries their email and name, which are left alone.
"""

from dataclasses import dataclass

from sites.giving.handoff import CURRENCY

CHECKOUT_PAID = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
RENEWAL_PAID = "invoice.paid"
# The event types to choose for the site's endpoint in Stripe's dashboard (docs/giving.md).
COUNTED_EVENTS = (*CHECKOUT_PAID, RENEWAL_PAID)


class NotCounted(Exception):
    """The event gives no appeal anything: acknowledged with this message (Stripe would
    otherwise send it again for days), never counted."""


@dataclass(frozen=True)
class PaidGift:
    appeal_id: int
    cents: int


def paid_gift(kind: str, paid: dict) -> PaidGift:
    """The gift an event of type `kind` about the object `paid` (its `data.object`) brings to
    an appeal; NotCounted, saying why, for anything else."""
    if kind in CHECKOUT_PAID:
        if kind == CHECKOUT_PAID[0] and paid.get("payment_status") not in (
            "paid",
            "no_payment_required",
        ):
            # Paid later (a bank debit): counted on checkout.session.async_payment_succeeded.
            raise NotCounted("Counted once paid.")
        return gift(paid.get("metadata"), paid.get("amount_total"), paid.get("currency"))
    if kind == RENEWAL_PAID:
        if paid.get("billing_reason") != "subscription_cycle":
            # The first month (counted with its Checkout Session), or an invoice of anything else.
            raise NotCounted("Not a monthly gift's renewal.")
        if paid.get("amount_paid") == 0:
            raise NotCounted("Nothing was paid.")  # a month given free, say: no gift
        return gift(subscription_metadata(paid), paid.get("amount_paid"), paid.get("currency"))
    raise NotCounted("Not an event Lantern counts.")


def subscription_metadata(invoice: dict):
    parent = invoice.get("parent")
    details = parent.get("subscription_details") if isinstance(parent, dict) else None
    if not isinstance(details, dict):
        details = invoice.get("subscription_details")  # API versions before 2025-03-31
    return details.get("metadata") if isinstance(details, dict) else None


def gift(metadata, cents, currency) -> PaidGift:
    appeal_id = str((metadata if isinstance(metadata, dict) else {}).get("appeal", ""))
    if not appeal_id.isascii() or not appeal_id.isdigit() or len(appeal_id) > 18:
        raise NotCounted("Not a gift to an appeal.")
    if not isinstance(cents, int) or isinstance(cents, bool) or cents < 0:
        raise NotCounted("Not a gift to an appeal.")
    if str(currency or CURRENCY).lower() != CURRENCY:
        raise NotCounted("Not a gift in US dollars.")
    return PaidGift(int(appeal_id), cents)
