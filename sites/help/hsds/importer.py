"""HSDS into the help directory: every record checked first, then all written or none.

`import_hsds` is what `manage.py import_hsds` runs. It reads a file (sites.help.hsds.reader),
reads each service as a help resource (sites.help.hsds.mapping), checks it as the admin's form
would (the model's `full_clean`), and only when no record has a problem writes them all in one
transaction. The rules readers and importers rely on are in docs/help-directory.md.

A service is found again by its HSDS id, the `translation_key` of its source-language row; an
organisation by its `hsds_id`. So importing a file twice changes nothing the second time, and a
record never moves from one owner to another: an agency's import cannot change another agency's
(or the network's) services, nor the network's import an agency's.
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, transaction

from wagtail.models import Locale, Site

from sites.help.hsds.mapping import Defaults, Mapped, is_uuid, map_service
from sites.help.hsds.opening import offset_time_zone
from sites.help.hsds.reader import UnreadableFile, read_hsds
from sites.help.organizations import Organization
from sites.help.places import time_zone_of
from sites.help.resources import HelpResource

__all__ = ["Defaults", "ImportFailed", "ImportResult", "UnreadableFile", "import_hsds"]

# An organisation's fields an import sets; its owner and id never change.
ORGANIZATION_FIELDS = ["name", "description", "website", "email"]
# Model fields named as the HSDS file names them, in the messages. A message about a field
# whose name's first word starts a problem the reading found already is left out: it follows
# from that one (no phone left once the only one was refused, say).
HSDS_NAMES = {
    "organisation": "name",
    "website": "url",
    "phone": "phone",
    "sms_number": "phone (text)",
    "sms_keyword": "phone (text)",
    "tty": "phone (textphone)",
    "hours": "schedule (description)",
    "opening_hours": "schedule",
    "time_zone": "timezone",
    "language_notes": "interpretation_services",
    "area": "service_areas",
    "states": "service_areas",
    "zip_prefixes": "service_areas",
    "street_address": "location (address_1)",
    "city": "location (city)",
    "postcode": "location (postal_code)",
    "latitude": "location (latitude)",
    "longitude": "location (longitude)",
    "capacity_available": "capacity (available)",
    "capacity_maximum": "capacity (maximum)",
    "capacity_unit": "capacity (unit)",
    "capacity_updated": "capacity (updated)",
    "last_verified": "assured_date",
    "services": "attributes",
}

Progress = Callable[[Iterable, int, str], Iterable]


@dataclass
class RecordError:
    """One problem with one record, named by its id (or its place in the file)."""

    record: str
    message: str

    def __str__(self) -> str:
        return f"record {self.record}: {self.message}"


@dataclass
class ImportResult:
    """Services and organisations created, updated and unchanged (with `dry_run`: that would
    be), what was read with a choice made (`notes`), and the problems. With any problem nothing
    was written and the lists of records are empty."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    organizations_created: list[str] = field(default_factory=list)
    organizations_updated: list[str] = field(default_factory=list)
    organizations_unchanged: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)


class ImportFailed(Exception):
    """The database refused a write after every record was checked: nothing was written."""


def import_hsds(
    path: Path | str,
    *,
    owner: Site | None = None,
    dry_run: bool = False,
    defaults: Defaults | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import the HSDS file or datapackage folder at `path` as `owner`'s (None: the network's).

    Raises UnreadableFile when it cannot be read as HSDS, ImportFailed when the database refuses
    a write (nothing is then written); returns the records' problems otherwise."""
    data = read_hsds(Path(path))
    services = data.services
    if progress is not None:
        services = progress(services, len(services), "Checking")
    checker = _Checker(data.services, owner, defaults or Defaults())
    for position, service in enumerate(services, start=1):
        checker.check(position, service)

    result = ImportResult(notes=data.notes + checker.notes, errors=checker.errors)
    if result.errors:
        return result
    for hsds_id, (_organization, status) in checker.organizations.items():
        getattr(result, f"organizations_{status}").append(hsds_id)
    for hsds_id, _resource, status in checker.resources:
        getattr(result, status).append(hsds_id)
    if not dry_run:
        _write(checker, progress)
    return result


def _write(checker: "_Checker", progress: Progress | None) -> None:
    """Save what changed, organisations first, in one transaction."""
    changed = [resource for _id, resource, status in checker.resources if status != "unchanged"]
    if progress is not None:
        changed = progress(changed, len(changed), "Writing")
    try:
        with transaction.atomic():
            for organization, status in checker.organizations.values():
                if status != "unchanged":
                    organization.save()
            for resource in changed:
                # Its organisation was new and unsaved when it was checked: it has an id now.
                # (Without this, `save` would give it one made from its name.)
                resource.organization = resource.organization
                resource.save()
    except DatabaseError as exc:
        raise ImportFailed(
            f"The database refused a write ({exc}): nothing was imported. Every record had been "
            "checked: another import or an editor may have changed the directory meanwhile; "
            "import the file again."
        ) from exc


class _Checker:
    """Builds and checks each record's resource and organisation, with what every record needs
    looked up once."""

    def __init__(self, services: list[dict], owner: Site | None, defaults: Defaults):
        self.owner = owner
        self.defaults = defaults
        self.locale = Locale.get_default()
        ids = {str(uuid.UUID(str(s["id"]))) for s in services if is_uuid(s.get("id"))}
        self.existing = {
            str(resource.translation_key): resource
            for resource in HelpResource.objects.filter(
                locale=self.locale, translation_key__in=ids
            ).select_related("owner", "organization")
        }
        organization_ids = set()
        for service in services:
            organization = service.get("organization")
            for value in (
                service.get("organization_id"),
                organization.get("id") if isinstance(organization, dict) else None,
            ):
                if is_uuid(value):
                    organization_ids.add(str(uuid.UUID(str(value))))
        self.existing_organizations = {
            str(organization.hsds_id): organization
            for organization in Organization.objects.filter(
                hsds_id__in=organization_ids
            ).select_related("owner")
        }
        self.organizations: dict[str, tuple[Organization, str]] = {}
        self.resources: list[tuple[str, HelpResource, str]] = []
        self.seen: dict[str, int] = {}
        self.references: set[str] = set()
        self.errors: list[RecordError] = []
        self.notes: list[str] = []

    def check(self, position: int, service: dict) -> None:
        """Check one record; keep its resource when it has no problem."""
        raw_id = str(service.get("id") or "").strip()
        hsds_id = str(uuid.UUID(raw_id)) if is_uuid(raw_id) else ""
        name = str(service.get("name") or "").strip()
        record = raw_id or f"#{position}" + (f" ({name})" if name else "")
        problems: list[str] = []
        if not raw_id:
            problems.append("no id: every HSDS record has one, a UUID.")
        elif hsds_id in self.seen:
            problems.append(f"listed twice (also record #{self.seen[hsds_id]}).")
            hsds_id = ""
        elif hsds_id:
            self.seen[hsds_id] = position

        mapped = map_service(service, self.defaults)
        problems += mapped.errors
        self.notes += [f"record {record}: {note}" for note in mapped.notes]
        organization = self._organization(mapped, problems)
        resource, before = self._resource(hsds_id, problems)
        if resource is not None:
            self._fill(resource, mapped, organization, problems)
            if not problems:
                status = "created" if before is None else self._status(resource, before)
                self.resources.append((hsds_id, resource, status))
        self.errors += [RecordError(record, problem) for problem in problems]

    def _resource(self, hsds_id: str, problems: list[str]):
        """The record's resource (existing or new) and its values before, or (None, None)."""
        if not hsds_id:
            return None, None
        existing = self.existing.get(hsds_id)
        if existing is None:
            return HelpResource(
                locale=self.locale, translation_key=uuid.UUID(hsds_id), owner=self.owner
            ), None
        if existing.owner_id != (self.owner.pk if self.owner else None):
            problems.append(
                f"it exists already and belongs to {_owner_name(existing.owner)}: an import "
                f"for {_owner_name(self.owner)} cannot change it."
            )
            return None, None
        return existing, _snapshot(existing)

    def _organization(self, mapped: Mapped, problems: list[str]) -> Organization | None:
        """The organisation it names, as the file describes it (checked once per file)."""
        if not is_uuid(mapped.organization_id):
            return None  # none named, or its id is not a UUID (said already)
        hsds_id = str(uuid.UUID(mapped.organization_id))
        if hsds_id in self.organizations:
            return self.organizations[hsds_id][0]
        organization = self.existing_organizations.get(hsds_id)
        if organization is not None and organization.owner_id != (
            self.owner.pk if self.owner else None
        ):
            problems.append(
                f"organization {hsds_id} belongs to {_owner_name(organization.owner)}: an import "
                f"for {_owner_name(self.owner)} cannot use or change it."
            )
            return None
        if mapped.organization is None:
            if organization is None:
                problems.append(
                    f"organization {hsds_id} is neither in the file nor in the directory."
                )
                return None
            self.organizations[hsds_id] = (organization, "unchanged")
            return organization
        if organization is None:
            organization = Organization(hsds_id=uuid.UUID(hsds_id), owner=self.owner)
            status = "created"
        else:
            before = [getattr(organization, name) for name in ORGANIZATION_FIELDS]
            status = ""
        for name in ORGANIZATION_FIELDS:
            setattr(organization, name, mapped.organization[name])
        try:
            organization.full_clean()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                problems += [f"organization {hsds_id}: {name}: {message}" for message in messages]
            return None
        if not status:
            after = [getattr(organization, name) for name in ORGANIZATION_FIELDS]
            status = "unchanged" if after == before else "updated"
        self.organizations[hsds_id] = (organization, status)
        return organization

    def _fill(self, resource, mapped: Mapped, organization, problems: list[str]) -> None:
        """Set the resource's fields from the record and check them as the admin does."""
        fields = dict(mapped.fields)
        hours = fields.pop("opening_hours")
        if _keeps_its_place(resource, fields):
            for name in PLACE_FIELDS:
                fields.pop(name)
        for name, value in fields.items():
            setattr(resource, name, value)
        if _weekly(resource.opening_hours) != [
            (value["days"], value["opens_at"], value["closes_at"]) for _type, value in hours
        ]:
            resource.opening_hours = hours
        if organization is not None:
            resource.organization = organization
        if resource.pk is None:
            self._name(resource)
        errors = _model_errors(resource)
        if "time_zone" in errors and self._keep_offset(resource, mapped):
            errors = _model_errors(resource)
        elif not errors and resource.time_zone:
            _drop_told_time_zone(resource)
        said = list(problems)
        for name, messages in errors.items():
            label = HSDS_NAMES.get(name, name)
            if any(problem.startswith(label.split()[0]) for problem in said):
                continue
            for message in messages:
                problems.append(message if name == NON_FIELD_ERRORS else f"{label}: {message}")

    def _keep_offset(self, resource: HelpResource, mapped: Mapped) -> bool:
        """Opening hours whose time zone neither the file names nor its place or state tells
        (the model refuses them) are kept at the UTC offset the file gives, all year: Etc/GMT-3
        for UTC+3. False when the file gives no whole-hour offset."""
        zone = offset_time_zone(mapped.utc_offset) if mapped.utc_offset is not None else ""
        if zone:
            resource.time_zone = zone
            self.notes.append(
                f"record {resource.translation_key}: its opening hours are kept at UTC"
                f"{mapped.utc_offset:+g} all year ({resource.time_zone}): give its schedules' "
                "timezone as a name such as America/Chicago, or its address, to follow summer time."
            )
        return bool(zone)

    def _name(self, resource: HelpResource) -> None:
        """A new resource's reference, as the admin makes it, unique within the import too."""
        resource.ensure_reference()
        if resource.reference in self.references:
            suffix = str(resource.translation_key)[:8]
            resource.reference = f"{resource.reference[:70]}-{suffix}"
        self.references.add(resource.reference)

    @staticmethod
    def _status(resource: HelpResource, before: dict) -> str:
        return "unchanged" if _snapshot(resource) == before else "updated"


# What an import compares to tell an updated resource from an unchanged one.
COMPARED_FIELDS = [
    "owner_id",
    "organisation",
    "organization_id",
    "status",
    "description",
    "services",
    "phone",
    "sms_number",
    "sms_keyword",
    "tty",
    "email",
    "website",
    "hours",
    "is_24_7",
    "languages",
    "language_notes",
    "area",
    "states",
    "zip_prefixes",
    "street_address",
    "city",
    "postcode",
    "latitude",
    "longitude",
    "time_zone",
    "capacity_available",
    "capacity_maximum",
    "capacity_unit",
    "capacity_updated",
    "last_verified",
]


PLACE_FIELDS = ["street_address", "city", "postcode", "latitude", "longitude"]


def _keeps_its_place(resource: HelpResource, fields: dict) -> bool:
    """Whether a resource keeps its confidential address though the record has none: Lantern's
    own export leaves such an address out (and rounds its coordinates), and importing it back
    must not erase it."""
    return (
        resource.pk is not None
        and not resource.address_public
        and bool(resource.postcode or resource.street_address)
        and not (fields["postcode"] or fields["street_address"])
    )


def _drop_told_time_zone(resource: HelpResource) -> None:
    """A time zone the file names is kept only when its place or state does not already tell
    it (as for any resource whose time zone is left empty): the ZIP code's zone then follows it
    when it moves."""
    named, resource.time_zone = resource.time_zone, ""
    if time_zone_of(resource) != named:
        resource.time_zone = named


def _model_errors(resource: HelpResource) -> dict[str, list[str]]:
    """What the admin's form would refuse in the resource, by field (it also tidies its values:
    states from ZIP codes, coordinates from its ZIP code)."""
    try:
        resource.full_clean()
    except ValidationError as exc:
        return exc.message_dict
    return {}


def _snapshot(resource: HelpResource) -> dict:
    values = {name: getattr(resource, name) for name in COMPARED_FIELDS}
    values["organization"] = resource.organization
    values["opening_hours"] = _weekly(resource.opening_hours)
    return values


def _weekly(hours) -> list[tuple]:
    """Opening hours as (days, opens, closes), to compare without the blocks' own ids."""
    return [
        (list(block.value["days"]), block.value["opens_at"], block.value["closes_at"])
        for block in hours
    ]


def _owner_name(site: Site | None) -> str:
    return site.hostname if site is not None else "the network"
