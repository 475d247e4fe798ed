"""What HSDS imports and exports agree on: the ids of records Lantern does not keep as rows,
and Lantern's kinds of help as an HSDS taxonomy."""

import uuid

from sites.help.resources import HelpResource, Service

HSDS_VERSION = "3.1"
PROFILE = "https://openreferral.org/imports/hsds/"

# Ids of the records Lantern derives rather than stores (a service's one location, its phones,
# its schedules, Lantern's taxonomy): the same every export, made from the service's own id.
NAMESPACE = uuid.UUID("5b0f5f2e-2f4a-4f6b-9a59-4c616e746572")


def derived_id(*parts) -> str:
    """A stable UUID for a record made from `parts` (e.g. a service id and "location")."""
    return str(uuid.uuid5(NAMESPACE, "/".join(str(part) for part in parts)))


TAXONOMY_ID = derived_id("taxonomy", "kinds-of-help")
TAXONOMY_NAME = "Lantern kinds of help"


def term_id(service: str) -> str:
    """The taxonomy term of one of Lantern's kinds of help (a `Service` value)."""
    return derived_id("taxonomy", "kinds-of-help", service)


TERMS = {value: str(label) for value, label in Service.choices}

# A service's status, both ways: HSDS's values are Lantern's.
STATUSES = [value for value, _ in HelpResource.Status.choices]

# HSDS phone types, and the field of a resource each fills.
PHONE_FIELDS = {"voice": "phone", "text": "sms_number", "textphone": "tty"}

# Where HSDS has no field of its own, Lantern writes these and reads them back.
# A text line's keyword: in the description of its "text" phone.
SMS_KEYWORD_DESCRIPTION = "Text {keyword} to this number."
SMS_KEYWORD_PATTERN = r"^Text (?P<keyword>\S+) to this number\.$"
# Open 24/7: one weekly schedule, every day, from midnight to a minute before the next.
EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"
ALL_DAY = ("00:00", "23:59")
# The time zone of a schedule's times, by name (HSDS's `timezone` is only a UTC offset, which
# summer time moves): in the schedule's notes.
TIME_ZONE_NOTE = "Times are local to {zone}."
TIME_ZONE_NOTE_PATTERN = r"\bTimes are local to (?P<zone>[A-Za-z0-9_+\-/]+)\."
