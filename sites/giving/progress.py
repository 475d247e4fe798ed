"""Counting a gift Stripe confirmed into its appeal's progress: once per event, atomically."""

from django.db import IntegrityError, transaction
from django.db.models import F

from blocks.appeals import DonationAppeal
from sites.caching.invalidation import purge
from sites.giving.models import CountedEvent


@transaction.atomic
def count_gift(site, event_id: str, appeal: DonationAppeal, cents: int) -> bool:
    """Add `cents` and one gift to `appeal` and its translations (they show the same progress);
    False, changing nothing, when the event was counted before. Pages showing the appeal are
    purged once this commits, as a save of the appeal would purge them (an update() sends no
    signal)."""
    try:
        with transaction.atomic():  # a savepoint: a repeated event leaves the rest intact
            CountedEvent.objects.create(event_id=event_id, site=site)
    except IntegrityError:
        return False
    DonationAppeal.objects.filter(translation_key=appeal.translation_key).update(
        given_online=F("given_online") + cents, gifts_online=F("gifts_online") + 1
    )
    purge(appeal)
    return True
