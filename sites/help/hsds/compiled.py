"""Help resources as HSDS 3.1 records: what the HSDS API serves and `export_hsds` writes.

A resource is one HSDS service; its `translation_key` is the service's id, and only its
source-language row is published (its translations are the same service, with the same id,
and HSDS has one text per field). Lantern keeps no rows for a service's phones, schedules,
areas, place or capacity: those records are made from the resource's own fields, with ids
derived from the service's (`vocabulary.derived_id`), the same at every export.

**Survivor safety.** A place whose address is not public (`address_public` unticked: a
shelter, by default) is published with no address at all and with its coordinates rounded to
about a kilometre (`public_coordinates`), in every record and in every distance the API works
out from them: nobody can find a shelter through the directory's open data.
"""

import datetime
import math
import zoneinfo

from django.conf import settings
from django.utils import timezone, translation

from blocks.regions import US_STATES, parse_states
from sites.help.hsds import vocabulary
from sites.help.hsds.vocabulary import derived_id, term_id
from sites.help.places import place_of, time_zone_of
from sites.help.resources import LANGUAGES, HelpResource, Service
from sites.help.schedules import DAYS
from sites.help.zips import ZipError, state_for_zip

SOURCE_LANGUAGE = settings.LANGUAGE_CODE
CONFIDENTIAL_PLACE = "Its address is confidential: its coordinates are rounded to about 1 km."
INTERPRETERS = "Other languages through interpreters."
OPEN_24_7 = "Open 24 hours a day, 7 days a week."
DAY_ORDER = [code for code, _ in DAYS]


def sources():
    """Every service as HSDS publishes it: the source-language row of each resource, whatever
    its status (inactive services are data too), with its organisation."""
    return HelpResource.objects.filter(locale__language_code=SOURCE_LANGUAGE).select_related(
        "organization"
    )


def with_places(resources):
    """Those of `resources` with a place (HSDS: a service at a location)."""
    return resources.exclude(latitude__isnull=True, street_address="", city="", postcode="")


def without_empty(record: dict, keep=()) -> dict:
    """`record` without empty values: HSDS fields are strings or numbers, never null; `keep`
    names the required ones kept even when empty (an organisation's description)."""
    return {
        name: value for name, value in record.items() if name in keep or value not in (None, "", [])
    }


def service_id(resource) -> str:
    return str(resource.translation_key)


# Places


def public_coordinates(resource) -> tuple[float, float] | None:
    """Where a resource is as HSDS publishes it (`places.place_of`: exact for a public address,
    rounded to about a kilometre for a confidential one), or None when it is not known.
    `resource` may be a row of `values_list(named=True)` with latitude, longitude, postcode
    and address_public."""
    place = place_of(resource)
    return None if place is None else (place.latitude, place.longitude)


def states_of(resource) -> list[str]:
    try:
        return parse_states(resource.states)
    except ValueError:
        return []


def address(resource, location_id: str) -> dict | None:
    """Its street address, when it is public and whole (HSDS asks for street, city, state and
    postal code)."""
    if not (resource.address_public and resource.street_address and resource.city):
        return None
    try:
        state = state_for_zip(resource.postcode)
    except ZipError:
        return None
    return {
        "id": derived_id(location_id, "address"),
        "location_id": location_id,
        "address_1": resource.street_address,
        "city": resource.city,
        "state_province": state,
        "postal_code": resource.postcode,
        "country": "US",
        "address_type": "physical",
    }


def location(resource, full: bool = True) -> dict:
    """The place it is at (HSDS location); `full` adds its address, if public."""
    sid = service_id(resource)
    location_id = derived_id(sid, "location")
    coordinates = public_coordinates(resource)
    record = {
        "id": location_id,
        "location_type": "physical",
        "organization_id": str(resource.organization.hsds_id) if resource.organization else "",
        "name": resource.organisation,
        "description": "" if resource.address_public else CONFIDENTIAL_PLACE,
        "latitude": coordinates[0] if coordinates else None,
        "longitude": coordinates[1] if coordinates else None,
    }
    if full:
        found = address(resource, location_id)
        record["addresses"] = [found] if found else []
    return without_empty(record)


def service_at_location(resource, full: bool = True) -> dict:
    sid = service_id(resource)
    found = location(resource, full)
    return {
        "id": derived_id(sid, "service_at_location"),
        "service_id": sid,
        "location_id": found["id"],
        "location": found,
    }


# A service's own records


def phones(resource) -> list[dict]:
    sid = service_id(resource)
    found = []
    for kind, field in vocabulary.PHONE_FIELDS.items():
        number = getattr(resource, field)
        if not number:
            continue
        record = {"id": derived_id(sid, "phone", kind), "service_id": sid, "number": number}
        record["type"] = kind
        if kind == "text" and resource.sms_keyword:
            record["description"] = vocabulary.SMS_KEYWORD_DESCRIPTION.format(
                keyword=resource.sms_keyword
            )
        found.append(record)
    return found


def clock(moment: datetime.time, offset: datetime.timedelta | None) -> str:
    """'09:00-08:00': a time with its UTC offset, as HSDS asks."""
    text = moment.strftime("%H:%M")
    if offset is None:
        return text
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{text}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def schedules(resource, now: datetime.datetime | None = None) -> list[dict]:
    """Its opening hours as weekly HSDS schedules.

    HSDS gives times a UTC offset, not a time zone: the offset is the one its time zone has
    at `now` (summer time moves it), and `notes` names the zone so a partner can do better."""
    sid = service_id(resource)
    if resource.is_24_7:
        opens, closes = vocabulary.ALL_DAY
        return [
            {
                "id": derived_id(sid, "schedule", "24/7"),
                "service_id": sid,
                "freq": "WEEKLY",
                "wkst": "MO",
                "byday": vocabulary.EVERY_DAY,
                "opens_at": opens,
                "closes_at": closes,
                "description": resource.hours or OPEN_24_7,
            }
        ]
    zone_name = time_zone_of(resource)
    offset = hours = None
    if zone_name:
        moment = (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(zone_name))
        offset = moment.utcoffset()
        hours = offset.total_seconds() / 3600
        hours = int(hours) if hours.is_integer() else hours
    found = []
    for index, block in enumerate(resource.opening_hours):
        value = block.value
        days = sorted(value["days"], key=DAY_ORDER.index)
        record = {
            "id": derived_id(sid, "schedule", index),
            "service_id": sid,
            "freq": "WEEKLY",
            "wkst": "MO",
            "byday": ",".join(days),
            "opens_at": clock(value["opens_at"], offset),
            "closes_at": clock(value["closes_at"], offset),
            "timezone": hours,
            "notes": vocabulary.TIME_ZONE_NOTE.format(zone=zone_name) if zone_name else "",
        }
        found.append(without_empty(record))
    if resource.hours:
        if found:
            found[0]["description"] = resource.hours
        else:
            found.append(
                {
                    "id": derived_id(sid, "schedule", "description"),
                    "service_id": sid,
                    "description": resource.hours,
                }
            )
    return found


def service_areas(resource) -> list[dict]:
    """Where it helps: the nation, whole states, or ZIP codes (their first digits)."""
    sid = service_id(resource)

    def area(key: str, name: str, description: str) -> dict:
        record = {"id": derived_id(sid, "service_area", key), "service_id": sid}
        return {**record, "name": name, "description": description}

    if resource.area == HelpResource.Area.NATIONAL:
        return [area("US", "United States", "Everywhere in the United States.")]
    if resource.area == HelpResource.Area.STATES:
        return [
            area(code, US_STATES[code], f"The whole of {US_STATES[code]} ({code}).")
            for code in states_of(resource)
        ]
    return [
        area(prefix, prefix, f"ZIP codes starting {prefix}.") for prefix in resource.prefix_list
    ]


def languages(resource) -> list[dict]:
    sid = service_id(resource)
    names = dict(LANGUAGES)
    return [
        {
            "id": derived_id(sid, "language", code),
            "service_id": sid,
            "name": str(names[code]),
            "code": code,
        }
        for code in resource.languages
        if code in names
    ]


def unit(name: str) -> dict:
    """A unit of capacity (beds, places): one record per name, shared by every service."""
    name = name.strip() or "places"
    return {"id": derived_id("unit", name.lower()), "name": name}


def capacities(resource) -> list[dict]:
    """Places free (beds tonight), when it counts them and says when it counted."""
    if resource.capacity_available is None or resource.capacity_updated is None:
        return []
    sid = service_id(resource)
    record = {
        "id": derived_id(sid, "capacity"),
        "service_id": sid,
        "unit": unit(resource.capacity_unit),
        "available": resource.capacity_available,
        "maximum": resource.capacity_maximum,
        "updated": resource.capacity_updated.isoformat(),
    }
    return [without_empty(record)]


def attributes(resource) -> list[dict]:
    """Its kinds of help, as terms of Lantern's taxonomy."""
    sid = service_id(resource)
    return [
        {
            "id": derived_id(sid, "attribute", kind),
            "link_id": sid,
            "link_entity": "service",
            "taxonomy_term_id": term_id(kind),
            "taxonomy_term": taxonomy_term(kind),
        }
        for kind in resource.services
        if kind in Service.values
    ]


def additional_urls(resource) -> list[dict]:
    """Its live chat: HSDS has no chat channel, so it is a link."""
    if not resource.chat_url:
        return []
    sid = service_id(resource)
    return [
        {
            "id": derived_id(sid, "url", "chat"),
            "service_id": sid,
            "label": "Live chat",
            "url": resource.chat_url,
        }
    ]


# Whole records


def organization(org) -> dict:
    """An organisation's own fields (HSDS requires a description: empty when it has none)."""
    record = {
        "id": str(org.hsds_id),
        "name": org.name,
        "description": org.description,
        "email": org.email,
        "website": org.website,
    }
    return without_empty(record, keep=("description",))


def interpretation(resource) -> str:
    notes = [INTERPRETERS] if resource.interpreters else []
    return " ".join([*notes, resource.language_notes]).strip()


def service(resource) -> dict:
    """A service's own fields and its organisation's: an item of the API's service list."""
    record = {
        "id": service_id(resource),
        "organization_id": str(resource.organization.hsds_id) if resource.organization else "",
        "name": resource.organisation,
        "description": resource.description,
        "url": resource.website,
        "email": resource.email,
        "status": resource.status,
        "interpretation_services": interpretation(resource),
        "assured_date": resource.last_verified.isoformat() if resource.last_verified else "",
        "last_modified": resource.last_modified.isoformat() if resource.last_modified else "",
    }
    record = without_empty(record)
    if resource.organization:
        record["organization"] = organization(resource.organization)
    return record


def compiled_service(resource, now: datetime.datetime | None = None) -> dict:
    """A service with everything Lantern knows of it, as `/services/{id}` answers."""
    with translation.override(SOURCE_LANGUAGE):
        record = service(resource)
        record.update(
            additional_urls=additional_urls(resource),
            phones=phones(resource),
            schedules=schedules(resource, now),
            service_areas=service_areas(resource),
            service_at_locations=([service_at_location(resource)] if has_place(resource) else []),
            languages=languages(resource),
            capacities=capacities(resource),
            attributes=attributes(resource),
        )
    return without_empty(record)


def has_place(resource) -> bool:
    return bool(
        resource.latitude is not None
        or resource.street_address
        or resource.city
        or resource.postcode
    )


def page(total: int, contents: list, number: int, per_page: int) -> dict:
    """HSDS's page of a list: `contents` is page `number` (from 1) of `total` records,
    `per_page` a page."""
    pages = math.ceil(total / per_page) if per_page else 0
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": number,
        "size": len(contents),
        "first_page": number == 1,
        "last_page": number >= pages,
        "empty": not contents,
        "contents": contents,
    }


# Lantern's taxonomy: its kinds of help


def taxonomy() -> dict:
    return {
        "id": vocabulary.TAXONOMY_ID,
        "name": vocabulary.TAXONOMY_NAME,
        "description": "The kinds of help readers of Lantern's find-help pages choose from.",
        "version": "1",
    }


def taxonomy_term(kind: str) -> dict:
    """One of Lantern's kinds of help (a `Service` value) as a taxonomy term."""
    with translation.override(SOURCE_LANGUAGE):
        name = str(Service(kind).label)
    return {
        "id": term_id(kind),
        "code": kind,
        "name": name,
        "description": name,
        "taxonomy": vocabulary.TAXONOMY_NAME,
        "taxonomy_id": vocabulary.TAXONOMY_ID,
        "taxonomy_detail": taxonomy(),
        "language": SOURCE_LANGUAGE,
    }


def taxonomy_terms() -> list[dict]:
    return [taxonomy_term(kind) for kind in Service.values]


def kind_of_term(term: str) -> str | None:
    """The kind of help a taxonomy term's id stands for, if it is one of Lantern's."""
    return {term_id(kind): kind for kind in Service.values}.get(str(term))
