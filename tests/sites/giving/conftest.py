"""Giving's fixtures: Harbor's appeal, Harbor's processor settings, a stubbed Stripe."""

import pytest

from wagtail.models import Site

from sites.content.pages import DonationAppealPage
from sites.giving.models import GivingSettings, ProcessorSecrets

from .stripe_stub import StubStripe

HARBOR, PINES = "harbor.localhost", "pines.localhost"
HARBOR_KEY, HARBOR_WEBHOOK = "sk_test_harbor_own_key_51Hx", "whsec_harbor_own_secret_9Kq"
PINES_KEY, PINES_WEBHOOK = "sk_test_pines_own_key_77Ab", "whsec_pines_own_secret_3Zt"


def give_page(hostname: str) -> DonationAppealPage:
    site = Site.objects.get(hostname=hostname)
    return DonationAppealPage.objects.live().descendant_of(site.root_page).get()


@pytest.fixture
def harbor_appeal(db):
    return give_page(HARBOR).appeal


@pytest.fixture
def pines_appeal(db):
    return give_page(PINES).appeal


def use_stripe(hostname: str, key: str, webhook_secret: str) -> GivingSettings:
    site = Site.objects.get(hostname=hostname)
    giving = GivingSettings.for_site(site)
    giving.processor = GivingSettings.Processor.STRIPE
    giving.save()
    ProcessorSecrets.objects.update_or_create(
        site=site, defaults={"stripe_secret_key": key, "stripe_webhook_secret": webhook_secret}
    )
    return giving


@pytest.fixture
def harbor_stripe(db):
    return use_stripe(HARBOR, HARBOR_KEY, HARBOR_WEBHOOK)


@pytest.fixture
def pines_stripe(db):
    return use_stripe(PINES, PINES_KEY, PINES_WEBHOOK)


@pytest.fixture
def stripe_api(settings):
    """Stripe's API as the stripe library reaches it, stubbed at its HTTP client."""
    stub = StubStripe()
    settings.LANTERN_STRIPE_HTTP_CLIENT = stub
    return stub
