"""Handing a confirmed gift to the processor: a Stripe Checkout Session made with the agency's
own key, a provider's giving page with the amount in its address, or the appeal's donate link.
Every one is a redirect: no processor script loads on any page of the site.

The Stripe library (6 MB a process) is imported by the functions that talk to Stripe, when an
agency's donor first gives: loaded with the module, every worker serving readers carried it."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils.module_loading import import_string

from sites.giving.links import origin, passes_frequency, provider_url
from sites.giving.models import GivingSettings, ProcessorSecrets

logger = logging.getLogger(__name__)

CURRENCY = "usd"
STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"


class HandoffFailed(Exception):
    """The processor did not answer as it should: the donor is asked to try again."""


@dataclass
class Gift:
    appeal: object  # the DonationAppeal, in the reader's language
    dollars: int
    monthly: bool
    thanks_url: str  # absolute
    back_url: str  # absolute: the donation step, as it was chosen


def http_client():
    """The HTTP client the Stripe library sends with: its own unless
    LANTERN_STRIPE_HTTP_CLIENT names a `stripe.HTTPClient` (a class's dotted path, or an
    instance), for a proxy or for tests, which stub Stripe's HTTP boundary there."""
    chosen = getattr(settings, "LANTERN_STRIPE_HTTP_CLIENT", None)
    if isinstance(chosen, str):
        chosen = import_string(chosen)()
    return chosen


def stripe_checkout(secret_key: str, gift: Gift) -> str:
    """A Checkout Session for the gift; its address. Only the appeal's id goes to Stripe as
    metadata (the session's, and a monthly gift's subscription's): the webhook counts the gift,
    and each later month of it, by it."""
    price = {
        "currency": CURRENCY,
        "unit_amount": gift.dollars * 100,
        "product_data": {"name": gift.appeal.headline[:250]},
    }
    params = {
        "mode": "subscription" if gift.monthly else "payment",
        "line_items": [{"quantity": 1, "price_data": price}],
        "success_url": gift.thanks_url,
        "cancel_url": gift.back_url,
        "metadata": {"appeal": str(gift.appeal.pk)},
    }
    if gift.monthly:
        price["recurring"] = {"interval": "month"}
        # The subscription carries the appeal too: each later month's invoice.paid names it
        # there (sites.giving.events), as the Checkout Session's metadata does for the first.
        params["subscription_data"] = {"metadata": {"appeal": str(gift.appeal.pk)}}
    else:
        params["submit_type"] = "donate"
    import stripe

    client = stripe.StripeClient(secret_key, http_client=http_client(), max_network_retries=1)
    try:
        session = client.v1.checkout.sessions.create(params=params)
    except stripe.StripeError as error:
        # The class only: Stripe's messages may quote part of the key.
        logger.warning("Stripe Checkout Session not created (%s)", type(error).__name__)
        raise HandoffFailed from error
    if not getattr(session, "url", None):
        raise HandoffFailed
    return session.url


def route(giving: GivingSettings) -> str:
    """The processor the step really hands to: Stripe only once both its keys are set, a
    provider only with its address; otherwise each appeal's donate link."""
    Processor = GivingSettings.Processor
    if giving.processor == Processor.STRIPE:
        if ProcessorSecrets.for_site(giving.site_id).stripe_ready:
            return Processor.STRIPE
    elif giving.processor == Processor.PROVIDER and giving.provider_url:
        return Processor.PROVIDER
    return Processor.LINK


def taking_gifts_online():
    """The giving settings `route` hands to a processor (Stripe with both keys, or a provider's
    address), not to each appeal's donate link: the same rule as a queryset, for a page that
    asks of many sites at once without loading their keys (the Donate buttons: sites.giving.
    donate). The keys are only asked whether they are there."""
    Processor = GivingSettings.Processor
    stripe_ready = (
        ProcessorSecrets.objects.filter(site_id=OuterRef("site_id"))
        .exclude(stripe_secret_key="")
        .exclude(stripe_webhook_secret="")
    )
    return GivingSettings.objects.filter(
        (Q(processor=Processor.STRIPE) & Exists(stripe_ready))
        | (Q(processor=Processor.PROVIDER) & ~Q(provider_url=""))
    )


def destination(giving: GivingSettings, gift: Gift) -> str:
    """Where the donor goes to pay."""
    chosen = route(giving)
    if chosen == GivingSettings.Processor.STRIPE:
        secret_key = ProcessorSecrets.for_site(giving.site_id).stripe_secret_key
        return stripe_checkout(secret_key, gift)
    if chosen == GivingSettings.Processor.PROVIDER:
        return provider_url(giving.provider_url, gift.dollars, gift.monthly, gift.thanks_url)
    return gift.appeal.donate_url


def takes_the_gift(giving: GivingSettings) -> tuple[bool, bool]:
    """(Whether the processor is told the amount, and whether how often), so the step can
    say what the donor will still have to choose on the processor's page."""
    chosen = route(giving)
    if chosen == GivingSettings.Processor.STRIPE:
        return True, True
    if chosen == GivingSettings.Processor.PROVIDER:
        return True, passes_frequency(giving.provider_url)
    return False, False


def form_origins(giving: GivingSettings, appeal) -> list[str]:
    """Where the step's form may end up (CSP form-action: the redirect after the post is held
    to it too)."""
    chosen = route(giving)
    if chosen == GivingSettings.Processor.STRIPE:
        return [STRIPE_CHECKOUT_ORIGIN]
    if chosen == GivingSettings.Processor.PROVIDER:
        return [origin(giving.provider_url)]
    return [origin(appeal.donate_url)]
