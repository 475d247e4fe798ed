"""Places free at a help resource (beds tonight, say), told to readers with how old the count is.

A count is only as good as its age: a shelter that had 3 beds this morning may have none
tonight. Readers see the number with when it was counted ("3 of 12 beds free · counted 2 hours
ago"); once it is older than `LANTERN_HELP_CAPACITY_STALE_HOURS` (24 by default) they see no
number, only how old the last count is and a call to check, and moderators see the resource
among the stale ones in the admin.
"""

import datetime

from django.conf import settings
from django.utils.timesince import timesince
from django.utils.translation import gettext, gettext_noop

# Units editors commonly write, in readers' languages; any other is shown as written.
KNOWN_UNITS = {
    "beds": gettext_noop("beds"),
    "places": gettext_noop("places"),
    "rooms": gettext_noop("rooms"),
    "spaces": gettext_noop("spaces"),
    "appointments": gettext_noop("appointments"),
}


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.LANTERN_HELP_CAPACITY_STALE_HOURS)


def has_count(resource) -> bool:
    return resource.capacity_available is not None and resource.capacity_updated is not None


def is_stale(resource, now: datetime.datetime) -> bool:
    """Whether the resource's count is too old to show as a number."""
    return has_count(resource) and now - resource.capacity_updated > stale_after()


def unit_name(unit: str) -> str:
    unit = unit.strip()
    known = KNOWN_UNITS.get(unit.lower())
    return gettext(known) if known else unit or gettext("places")


def age(counted: datetime.datetime, now: datetime.datetime) -> str:
    """How long ago, in one unit of the reader's language ('2 hours', '3 días')."""
    return timesince(counted, max(now, counted), depth=1)


def capacity_sentence(resource, now: datetime.datetime) -> str:
    """'3 of 12 beds free · counted 2 hours ago'; 'Last counted 3 days ago, call to check'
    once stale; '' without a count."""
    if not has_count(resource):
        return ""
    counted = resource.capacity_updated
    if is_stale(resource, now):
        return gettext("Last counted %(age)s ago, call to check") % {"age": age(counted, now)}
    numbers = {
        "available": resource.capacity_available,
        "maximum": resource.capacity_maximum,
        "unit": unit_name(resource.capacity_unit),
    }
    if resource.capacity_maximum is not None:
        count = gettext("%(available)s of %(maximum)s %(unit)s free") % numbers
    else:
        count = gettext("%(available)s %(unit)s free") % numbers
    if now - counted < datetime.timedelta(minutes=1):
        return gettext("%(count)s · counted just now") % {"count": count}
    return gettext("%(count)s · counted %(age)s ago") % {"count": count, "age": age(counted, now)}


def capacity_changes_at(resource, now: datetime.datetime) -> datetime.datetime | None:
    """The next moment the sentence reads differently: its age moves on a unit (a minute in
    the first hour, an hour in the first day, then a day at most) or it turns stale."""
    if not has_count(resource):
        return None
    counted = resource.capacity_updated
    elapsed = max(now - counted, datetime.timedelta(0))
    if elapsed < datetime.timedelta(hours=1):
        step = datetime.timedelta(minutes=1)
    elif elapsed < datetime.timedelta(days=1):
        step = datetime.timedelta(hours=1)
    else:
        step = datetime.timedelta(days=1)
    next_step = counted + (elapsed // step + 1) * step
    stale_at = counted + stale_after()
    return min(next_step, stale_at) if stale_at > now else next_step
