"""Where a ZIP code and a help resource are: coordinates, distance in miles and time zone.

ZIP codes come from the table that ships with Lantern (`zip_table`: 42,789 ZIP codes with their
centre, state and IANA time zone): nothing is fetched at run time and nothing about the reader
is looked up beyond the ZIP code they typed. Each lookup is kept for the life of the process.

A resource's place is its latitude and longitude, else its ZIP code's centre, else unknown. Its
time zone (of its opening hours) is the one given, else its ZIP code's, else its state's when it
serves one state: a service across several states or the nation must say which it keeps.
"""

import functools
import math
from dataclasses import dataclass

from blocks.regions import parse_states
from sites.help.zip_table import table
from sites.help.zips import ZipError, normalise_zip

EARTH_RADIUS_MILES = 3958.8


@dataclass(frozen=True)
class Place:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class ZipPlace(Place):
    """A ZIP code's centre, with the state and time zone the table gives it."""

    state: str
    time_zone: str


@functools.lru_cache(maxsize=4096)
def zip_place(value: str) -> ZipPlace | None:
    """The centre of a ZIP code ('90012', '90012-1234'), or None for one the table does not
    know or that is not a ZIP code."""
    try:
        zip5 = normalise_zip(value)
    except ZipError:
        return None
    found = table().find(zip5)
    return ZipPlace(*found) if found is not None else None


@functools.cache
def state_time_zone(state: str) -> str:
    """The time zone most of a state's ZIP codes keep ('CA' -> 'America/Los_Angeles'); '' for
    a code the table does not know. Indiana, Texas or Florida span two zones: a service that
    keeps the other one's hours says so in its own time zone field."""
    zones = table().zones_of(state)
    return zones.most_common(1)[0][0] if zones else ""


def miles_between(a: Place, b: Place) -> float:
    """The great-circle distance between two places, in miles (haversine)."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


# Decimal places a confidential place's coordinates keep: 0.01° is about 1.1 km north-south
# (and less east-west), so what is shown or published says the neighbourhood, not the house.
CONFIDENTIAL_PRECISION = 2


def place_of(resource) -> Place | None:
    """Where a help resource is, as readers and partners are told: its coordinates, else its
    ZIP code's centre, else None; rounded to about a kilometre unless its address is public, so
    that distances asked from many ZIP codes never close in on a shelter. `resource` may be a
    row with latitude, longitude, postcode and address_public."""
    if resource.latitude is not None and resource.longitude is not None:
        place = Place(resource.latitude, resource.longitude)
    elif resource.postcode:
        place = zip_place(resource.postcode)
    else:
        return None
    if place is None or resource.address_public:
        return place
    return Place(
        round(place.latitude, CONFIDENTIAL_PRECISION),
        round(place.longitude, CONFIDENTIAL_PRECISION),
    )


def time_zone_of(resource) -> str:
    """The IANA time zone a resource's opening hours are kept in: its own, else its ZIP code's,
    else its state's when it serves exactly one; '' when none can be told."""
    if resource.time_zone:
        return resource.time_zone
    place = zip_place(resource.postcode) if resource.postcode else None
    if place is not None and place.time_zone:
        return place.time_zone
    try:
        states = parse_states(resource.states) if resource.states else []
    except ValueError:
        return ""
    return state_time_zone(states[0]) if len(states) == 1 else ""
