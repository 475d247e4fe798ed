"""What an HSDS service says, as a help resource's fields: the import's reading of one record.

`map_service` turns one compiled service (sites.help.hsds.reader) into the values of a
`HelpResource`'s fields and of its organisation, with what is wrong with the record (errors:
the import is refused) and what was read with a choice made (notes: shown, not refused). The
rules are documented in docs/help-directory.md ("Importing HSDS"); the model's own checks
(`full_clean`) come after, in sites.help.hsds.importer.
"""

import datetime
import re
import uuid
from dataclasses import dataclass, field

import pycountry

from django.core.exceptions import ValidationError
from django.utils import translation

from blocks.phone import digits, validate_phone
from sites.help.hsds.areas import area_of, place_of
from sites.help.hsds.compiled import INTERPRETERS
from sites.help.hsds.opening import opening_hours
from sites.help.hsds.records import Findings, as_text, label_of, locations_of, records_in, unique
from sites.help.hsds.vocabulary import PHONE_FIELDS, SMS_KEYWORD_PATTERN, STATUSES, term_id
from sites.help.resources import LANGUAGES, Service

# Keys whose values are HSDS ids, UUIDs in HSDS 3.1 (the schemas' `"format": "uuid"`).
UUID_KEYS = {
    "id",
    "organization_id",
    "program_id",
    "service_id",
    "location_id",
    "service_at_location_id",
    "phone_id",
    "contact_id",
    "parent_id",
    "parent_organization_id",
    "taxonomy_term_id",
    "taxonomy_id",
    "link_id",
    "unit_id",
}

# A cell phone is dialled as a voice line; fax, pager and video numbers reach no one in need.
PHONE_TYPES = {**PHONE_FIELDS, "cell": "phone"}

LANTERN_LANGUAGES = [code for code, _label in LANGUAGES]
# Languages whose readers filter by their macrolanguage's code (Mandarin and Cantonese are
# "Chinese" to Lantern's readers).
MACROLANGUAGES = {"cmn": "zh", "yue": "zh", "arb": "ar"}
LANGUAGE_NOTES_LENGTH = 255

# Words other taxonomies use for Lantern's kinds of help, besides their codes and labels.
KIND_WORDS = {
    "counseling": Service.COUNSELLING,
    "legal services": Service.LEGAL,
    "legal assistance": Service.LEGAL,
    "shelter": Service.SHELTER,
    "crisis line": Service.HOTLINE,
    "helpline": Service.HOTLINE,
    "health care": Service.MEDICAL,
    "healthcare": Service.MEDICAL,
    "immigration": Service.IMMIGRATION,
    "immigration services": Service.IMMIGRATION,
    "youth": Service.YOUTH,
}


@dataclass(frozen=True)
class Defaults:
    """What the person importing says for records the file leaves open (command options)."""

    area: str = ""  # "national", or state codes ("CA, NV"), for records the file does not place
    kind: str = ""  # a Service value, for records with no kind of help Lantern knows
    verified_on: datetime.date | None = None  # for records with no assured_date


@dataclass
class Mapped(Findings):
    """One service's reading: field values, its organisation, errors and notes."""

    fields: dict = field(default_factory=dict)
    organization: dict | None = None  # the organisation's own fields, when the file has them
    organization_id: str = ""  # the id it names, also when the file does not describe it
    utc_offset: float | None = None  # what its schedules say of their time zone, if no name


def map_service(service: dict, defaults: Defaults = Defaults()) -> Mapped:
    """The help resource `service` describes, as field values; see the module's docstring."""
    mapped = Mapped()
    _check_ids(service, "", mapped)
    fields = mapped.fields
    fields["organisation"] = as_text(service.get("name"))
    if not fields["organisation"]:
        mapped.errors.append("name: every service needs the name readers know it by.")
    fields["description"] = as_text(service.get("description"))
    fields["status"] = _status(service, mapped)
    fields["website"] = as_text(service.get("url"))
    fields["email"] = as_text(service.get("email"))
    fields["chat_url"] = _chat_url(service)
    fields.update(_phones(service, mapped))
    hours, mapped.utc_offset = opening_hours(service, mapped)
    fields.update(hours)
    place, zip5 = place_of(service, mapped)
    fields.update(place)
    fields.update(area_of(service, zip5, defaults.area, mapped))
    fields.update(_languages(service, mapped))
    fields.update(_capacity(service, mapped))
    fields["services"] = _kinds(service, defaults, mapped)
    fields["last_verified"] = _verified(service, defaults, mapped)
    _organization(service, mapped)
    return mapped


def _check_ids(value, where: str, mapped: Mapped) -> None:
    """Every id in the record, at any depth, is a UUID as HSDS 3.1 requires."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key.startswith("_"):
                continue  # the reader's own (where a row was read)
            path = f"{where}.{key}" if where else key
            if key in UUID_KEYS and not isinstance(item, dict | list):
                if item not in (None, "") and not is_uuid(item):
                    mapped.errors.append(f"{path} '{item}' is not a UUID, as HSDS ids are.")
            else:
                _check_ids(item, path, mapped)
    elif isinstance(value, list):
        for position, item in enumerate(value):
            _check_ids(item, f"{where}[{position}]", mapped)


def is_uuid(value) -> bool:
    """Whether `value` reads as a UUID, as every HSDS id must."""
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _chat_url(service: dict) -> str:
    """Its live chat: HSDS has no chat channel, so a link labelled as one (as Lantern exports it)."""
    for url in records_in(service.get("additional_urls")):
        if "chat" in as_text(url.get("label")).lower():
            return as_text(url.get("url"))
    return ""


def _status(service: dict, mapped: Mapped) -> str:
    status = as_text(service.get("status")).lower()
    if status not in STATUSES:
        given = f"'{status}'" if status else "nothing"
        mapped.errors.append(f"status: give one of {', '.join(STATUSES)}, not {given}.")
    return status


def _phones(service: dict, mapped: Mapped) -> dict:
    """Its first voice, text and textphone numbers: the service's own, else its locations'."""
    candidates = records_in(service.get("phones"))
    for at in records_in(service.get("service_at_locations")):
        candidates += records_in(at.get("phones"))
    for location in locations_of(service):
        candidates += records_in(location.get("phones"))
    values = {"phone": "", "sms_number": "", "tty": "", "sms_keyword": ""}
    for phone in unique(candidates):
        label = label_of("phone", phone)
        kind = as_text(phone.get("type")).lower() or "voice"
        name = PHONE_TYPES.get(kind)
        if name is None:
            mapped.notes.append(
                f"{label}: a {kind} number is not kept (only voice, text and textphone numbers are)."
            )
            continue
        # Some files quote the number inside its cell ('"+44 1234 234567"').
        number = as_text(phone.get("number")).strip("\"'").strip()
        if not number:
            mapped.errors.append(f"{label}: no number.")
            continue
        try:
            validate_phone(number)
        except ValidationError as exc:
            mapped.errors.append(f"{label}: '{number}' is not a phone number: {exc.messages[0]}")
            continue
        if values[name] and digits(values[name]) != digits(number):
            mapped.notes.append(
                f"{label}: {number} is not kept: one {kind} number is ({values[name]})."
            )
            continue
        if as_text(phone.get("extension")):
            mapped.notes.append(
                f"{label}: extension {as_text(phone.get('extension'))} is not kept: readers' "
                f"phones dial {number} itself."
            )
        values[name] = number
        if name == "sms_number":
            keyword = re.match(SMS_KEYWORD_PATTERN, as_text(phone.get("description")))
            values["sms_keyword"] = keyword["keyword"] if keyword else ""
    return values


def _language(code: str):
    """The ISO 639 language of a code ('ur', 'urd', 'en-US'), or None."""
    primary = code.strip().lower().replace("_", "-").split("-")[0]
    if len(primary) == 2:
        return pycountry.languages.get(alpha_2=primary)
    if len(primary) == 3:
        return pycountry.languages.get(alpha_3=primary)
    return None


def _lantern_language(language) -> str:
    """The code readers filter an ISO 639 language by, '' when they can't."""
    for code in (
        getattr(language, "alpha_2", ""),
        language.alpha_3,
        MACROLANGUAGES.get(language.alpha_3, ""),
    ):
        if code in LANTERN_LANGUAGES:
            return code
    return ""


def _languages(service: dict, mapped: Mapped) -> dict:
    """The languages readers filter by; any other, by name in the languages note, with the
    service's interpretation_services (whose opening sentence, as Lantern exports it, says
    whether other languages are served through interpreters)."""
    entries = records_in(service.get("languages"))
    for phone in records_in(service.get("phones")):
        entries += records_in(phone.get("languages"))
    for location in locations_of(service):
        entries += records_in(location.get("languages"))
    codes, others = set(), []
    for entry in unique(entries):
        code, name = as_text(entry.get("code")), as_text(entry.get("name"))
        if code:
            language = _language(code)
            if language is None:
                mapped.errors.append(
                    f"{label_of('language', entry)}: '{code}' is not an ISO 639-1 or 639-3 "
                    "language code."
                )
                continue
        elif name:
            language = pycountry.languages.get(name=name)
        else:
            continue
        lantern_code = _lantern_language(language) if language else ""
        if lantern_code:
            codes.add(lantern_code)
        elif (other := name or language.name) not in others:
            others.append(other)
    if others:
        mapped.notes.append(
            f"{', '.join(others)}: not among the languages readers filter by; named in its "
            "languages note."
        )
    interpretation = as_text(service.get("interpretation_services"))
    interpreters = interpretation.startswith(INTERPRETERS)
    parts = [
        f"Also in {', '.join(others)}." if others else "",
        interpretation.removeprefix(INTERPRETERS).strip(),
    ]
    notes = " ".join(part for part in parts if part)
    if len(notes) > LANGUAGE_NOTES_LENGTH:
        mapped.notes.append(f"Its languages note is cut to {LANGUAGE_NOTES_LENGTH} characters.")
        notes = notes[: LANGUAGE_NOTES_LENGTH - 1].rstrip() + "…"
    return {
        "languages": [code for code in LANTERN_LANGUAGES if code in codes],
        "language_notes": notes,
        "interpreters": interpreters,
    }


def _capacity(service: dict, mapped: Mapped) -> dict:
    """Its first capacity (beds free tonight, say) with its unit's name."""
    capacities = records_in(service.get("capacities"))
    values = {
        "capacity_available": None,
        "capacity_maximum": None,
        "capacity_unit": "",
        "capacity_updated": None,
    }
    if not capacities:
        return values
    capacity = capacities[0]
    label = label_of("capacity", capacity)
    if len(capacities) > 1:
        mapped.notes.append(f"Only its first capacity ({capacity.get('id', '')}) is kept.")
    values["capacity_available"] = _count(capacity.get("available"), f"{label}: available", mapped)
    values["capacity_maximum"] = _count(capacity.get("maximum"), f"{label}: maximum", mapped)
    unit = capacity.get("unit")
    values["capacity_unit"] = as_text(unit.get("name")) if isinstance(unit, dict) else ""
    updated = as_text(capacity.get("updated"))
    if updated:
        try:
            moment = datetime.datetime.fromisoformat(updated)
        except ValueError:
            mapped.errors.append(f"{label}: updated '{updated}' is not a date and time (ISO 8601).")
        else:
            values["capacity_updated"] = (
                moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
            )
    return values


def _count(value, label: str, mapped: Mapped) -> int | None:
    text = as_text(value)
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        number = -1.5
    if number < 0 or number != int(number):
        mapped.errors.append(f"{label} '{text}' is not a whole number of places.")
        return None
    return int(number)


def _kinds(service: dict, defaults: Defaults, mapped: Mapped) -> list[str]:
    """Lantern's kinds of help its attributes name (Lantern's own taxonomy, or a term whose code
    or name is a kind's), else `defaults.kind`."""
    by_term_id = {term_id(value): value for value in Service.values}
    with translation.override("en"):
        words = {value.replace("_", " "): value for value in Service.values}
        words |= {str(label).lower(): value for value, label in Service.choices}
    words |= KIND_WORDS
    found = set()
    for attribute in records_in(service.get("attributes")):
        term = attribute.get("taxonomy_term")
        term = term if isinstance(term, dict) else {}
        ids = [as_text(term.get("id")), as_text(attribute.get("taxonomy_term_id"))]
        kind = next((by_term_id[i] for i in ids if i in by_term_id), None)
        for text in (term.get("code"), term.get("name")):
            key = " ".join(as_text(text).lower().replace("_", " ").replace("-", " ").split())
            kind = kind or words.get(key)
        if kind:
            found.add(kind)
    if found:
        return [value for value in Service.values if value in found]
    if defaults.kind:
        return [defaults.kind]
    mapped.errors.append(
        "attributes: no kind of help Lantern knows: give it an attribute whose taxonomy term's code is one "
        f"of {', '.join(Service.values)}, or import with --default-kind KIND."
    )
    return []


def _verified(service: dict, defaults: Defaults, mapped: Mapped) -> datetime.date | None:
    """When its details were last checked: its assured_date, else `defaults.verified_on`."""
    text = as_text(service.get("assured_date"))
    if not text:
        if defaults.verified_on is None:
            mapped.errors.append(
                "assured_date: give the day its details were last checked (YYYY-MM-DD), or "
                "import with --verified-on YYYY-MM-DD."
            )
        return defaults.verified_on
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        mapped.errors.append(f"assured_date '{text}' is not a date written YYYY-MM-DD.")
        return None


def _organization(service: dict, mapped: Mapped) -> None:
    """The organisation that runs it: its fields when the record describes it, else its id."""
    organization = service.get("organization")
    named = as_text(service.get("organization_id"))
    if not isinstance(organization, dict):
        mapped.organization_id = named
        return
    hsds_id = as_text(organization.get("id"))
    mapped.organization_id = hsds_id or named
    if not hsds_id:
        mapped.errors.append("organization: it has no id.")
        return
    mapped.organization = {
        "name": as_text(organization.get("name")),
        "description": as_text(organization.get("description")),
        "website": as_text(organization.get("website")),
        "email": as_text(organization.get("email")),
    }
