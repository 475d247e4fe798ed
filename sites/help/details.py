"""What a reader is told about each help resource a search found, at the moment of the search:
about how far it is, whether it is open, and how many places it has free.

`add_reader_details` sets these on each resource (the page's template and the API read them):

- `distance_miles`: from the centre of the reader's ZIP code, or None (no ZIP code, no place
  known, or a nationwide service, whose office says nothing about how near help is);
- `distance`: the same for reading, 'about 3 miles', 'less than a mile' or '';
- `opening`: its `hours.OpeningStatus`, or None (hours in words only);
- `capacity`: its count of places free with its age (`capacity.capacity_sentence`), or '';
- `capacity_stale`: the count is too old to show as a number.

Nothing is read from the database: the ZIP code table is in memory (`places`).
"""

import datetime

from django.utils.translation import gettext, ngettext

from sites.help.capacity import capacity_changes_at, capacity_sentence, is_stale
from sites.help.hours import opening_status
from sites.help.places import ZipPlace, miles_between, place_of


def whole_miles(miles: float | None) -> int | None:
    """How far, to the nearest mile, as readers are told it: 0 for less than a mile."""
    if miles is None:
        return None
    return 0 if miles < 1 else round(miles)


def distance_text(miles: float | None) -> str:
    """'about 3 miles', to the nearest mile; 'less than a mile' closer than that."""
    whole = whole_miles(miles)
    if whole is None:
        return ""
    if whole == 0:
        return gettext("less than a mile")
    return ngettext("about %(miles)s mile", "about %(miles)s miles", whole) % {"miles": whole}


def add_reader_details(
    resources, now: datetime.datetime, reader: ZipPlace | None
) -> datetime.datetime | None:
    """Set each resource's details for a reader at `reader` (their ZIP code's place, or None)
    at `now`; return the first moment any of them reads differently (a service opens or
    closes, a count ages), for the caches, or None."""
    changes = []
    for resource in resources:
        place = place_of(resource) if reader is not None and resource.area != "national" else None
        resource.distance_miles = miles_between(reader, place) if place is not None else None
        resource.distance = distance_text(resource.distance_miles)
        resource.opening = opening_status(resource, now, reader.time_zone if reader else "")
        resource.capacity = capacity_sentence(resource, now)
        resource.capacity_stale = is_stale(resource, now)
        if resource.opening is not None and resource.opening.changes_at is not None:
            changes.append(resource.opening.changes_at)
        if (counted := capacity_changes_at(resource, now)) is not None:
            changes.append(counted)
    return min(changes, default=None)
