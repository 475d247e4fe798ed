"""Where an HSDS service is and where it helps, as a help resource's place and service area:
its first location with a US ZIP code, and its service areas' names read as the United States,
states or ZIP codes. A service nothing places in the US is refused (unless the person importing
says where it helps)."""

import re

from blocks.regions import US_STATES
from sites.help.hsds.records import (
    Findings,
    as_text,
    label_of,
    locations_of,
    records_in,
    shorten,
    unique,
)
from sites.help.zips import ZipError, normalise_zip, state_for_zip, validate_zip_prefix

NATIONAL_NAMES = {
    "united states",
    "united states of america",
    "usa",
    "us",
    "u.s",
    "u.s.a",
    "nationwide",
    "national",
    "all states",
    "all of the united states",
    "the united states",
}
STATE_NAMES = {
    **{name.lower(): code for code, name in US_STATES.items()},
    "washington dc": "DC",
    "washington d.c": "DC",
    "d.c": "DC",
    "virgin islands": "VI",
    "us virgin islands": "VI",
}
AREA_SEPARATORS = re.compile(r"\s*(?:[,;/&]|\s+and\s+|\s+or\s+)\s*", re.IGNORECASE)


def place_of(service: dict, findings: Findings) -> tuple[dict, str]:
    """Where it is, from its first physical (else postal) location with a US address, and that
    address's ZIP code ('' when it has none). A location with coordinates and no address (a
    confidential place, as Lantern exports it) gives only its coordinates."""
    place = {"street_address": "", "city": "", "postcode": "", "latitude": None, "longitude": None}
    locations = [
        loc for loc in locations_of(service) if as_text(loc.get("location_type")) != "virtual"
    ]
    locations.sort(key=lambda loc: as_text(loc.get("location_type")) != "physical")
    for location in locations:
        addresses = records_in(location.get("addresses"))
        if not addresses and place["latitude"] is None:
            place.update(_coordinates(location, findings))
        addresses.sort(key=lambda address: as_text(address.get("address_type")) != "physical")
        for address in addresses:
            country = as_text(address.get("country")).upper()
            postal_code = as_text(address.get("postal_code"))
            zip5 = _us_zip(postal_code) if country in ("", "US", "USA") else ""
            if not zip5:
                findings.notes.append(
                    f"{label_of('location', location)}: its address (postal code '{postal_code}', "
                    f"country '{country}') has no US ZIP code: where it is is not kept."
                )
                continue
            lines = [as_text(address.get("address_1")), as_text(address.get("address_2"))]
            street = ", ".join(line for line in lines if line)
            place.update(street_address=street, city=as_text(address.get("city")), postcode=zip5)
            place.update({"latitude": None, "longitude": None}, **_coordinates(location, findings))
            return place, zip5
    return place, ""


def _us_zip(postal_code: str) -> str:
    """The 5-digit ZIP code of a US postal code, '' for anything else."""
    try:
        zip5 = normalise_zip(postal_code)
        state_for_zip(zip5)
    except ZipError:
        return ""
    return zip5


def _coordinates(location: dict, findings: Findings) -> dict:
    label = label_of("location", location)
    values = {}
    for name, limit in (("latitude", 90), ("longitude", 180)):
        text = as_text(location.get(name))
        if not text:
            continue
        try:
            values[name] = float(text)
        except ValueError:
            findings.errors.append(f"{label}: {name} '{text}' is not a number.")
            continue
        if not -limit <= values[name] <= limit:
            findings.errors.append(f"{label}: {name} {text} is not between -{limit} and {limit}.")
    if len(values) == 1:
        findings.errors.append(f"{label}: give both its latitude and longitude, or neither.")
    return values


def read_area(text: str) -> tuple[bool, list[str], list[str]] | None:
    """(nationwide, state codes, ZIP prefixes) a service area's name says, e.g. 'United
    States', 'CA, NV', 'New York State', '900, 90210'; None when any part is something else."""
    national, states, prefixes = False, [], []
    for part in AREA_SEPARATORS.split(text.strip()):
        part = part.strip(" .…")
        if not part:
            continue
        words = " ".join(part.lower().split())
        words = re.sub(r"^(the )?state of |\s+state$", "", words)
        # 'ZIP code 90012', 'ZIP codes 900…', 'ZIP codes starting 900', as Lantern exports them
        words = re.sub(r"^zip codes?( starting( with)?)? ", "", words)
        if words in NATIONAL_NAMES:
            national = True
        elif len(part) == 2 and part.upper() in US_STATES:
            states.append(part.upper())
        elif words in STATE_NAMES:
            states.append(STATE_NAMES[words])
        elif re.fullmatch(r"[0-9]{3,5}(-[0-9]{4})?", words):
            try:
                prefixes.append(validate_zip_prefix(words[:5]))
            except ZipError:
                return None
        else:
            return None
    return (national, states, prefixes) if national or states or prefixes else None


def area_of(service: dict, zip5: str, default_area: str, findings: Findings) -> dict:
    """Lantern's service area: from the service areas' names (else descriptions), else the ZIP
    code of its address, else `default_area`; refused when nothing places it in the US."""
    areas = records_in(service.get("service_areas"))
    for at in records_in(service.get("service_at_locations")):
        areas += records_in(at.get("service_areas"))
    national, states, prefixes, unread = False, [], [], []
    for area in unique(areas):
        texts = [as_text(area.get("name")), as_text(area.get("description"))]
        read = next((found for text in texts if text and (found := read_area(text))), None)
        if read is None:
            unread.append(next((text for text in texts if text), area.get("id", "?")))
            continue
        national |= read[0]
        states += [code for code in read[1] if code not in states]
        prefixes += [prefix for prefix in read[2] if prefix not in prefixes]
    unread_names = ", ".join(f"'{shorten(text)}'" for text in unread)
    not_places = f"Service area(s) {unread_names}: not a US state, ZIP code or the United States"
    if unread and (national or states or prefixes):
        findings.notes.append(f"{not_places}; not kept.")
    if national:
        return {"area": "national", "states": "", "zip_prefixes": ""}
    if states:
        if prefixes:
            findings.notes.append("Its ZIP codes are kept as their whole states.")
            for prefix in prefixes:
                if (state := state_for_zip(prefix.ljust(5, "0"))) not in states:
                    states.append(state)
        return {"area": "states", "states": ", ".join(states), "zip_prefixes": ""}
    if prefixes:
        return {"area": "local", "states": "", "zip_prefixes": ", ".join(prefixes)}
    said = not_places if unread else "No service area"
    if zip5:
        findings.notes.append(f"{said}: it is taken to serve ZIP code {zip5}, where it is.")
        return {"area": "local", "states": "", "zip_prefixes": zip5}
    if default_area:
        findings.notes.append(f"{said}: --default-area {default_area} is kept as where it helps.")
        if default_area == "national":
            return {"area": "national", "states": "", "zip_prefixes": ""}
        return {"area": "states", "states": default_area, "zip_prefixes": ""}
    findings.errors.append(
        f"{said}, and no address with a US ZIP code: say where it helps (a service area named "
        "like 'CA', 'Texas', '90012' or 'United States'), or import with --default-area "
        "national (or states, e.g. --default-area CA)."
    )
    return {"area": "national", "states": "", "zip_prefixes": ""}
