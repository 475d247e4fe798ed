"""The help directory written out as HSDS 3.1, in both of HSDS's forms, into one folder:

- `services.json`: one page holding every compiled service, as the HSDS API answers
  `/services?full=true` (sites.help.hsds.api), which `import_hsds` and other HSDS tools read;
- `datapackage.json` and one CSV file a table (`services.csv`, `phones.csv`, …): HSDS's tabular
  datapackage, with the columns of the spec's tables in the spec's order.

Both come from the same compiled records (`compiled`), so they say the same, confidential
places included: no address, coordinates rounded to about 1 km. Inactive services are written
too: they are data.
"""

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Q

from wagtail.models import Site

from sites.help.hsds import compiled, vocabulary
from sites.help.organizations import Organization

# HSDS 3.1's tables that Lantern fills, in the spec's order: (file, columns). The columns are
# the spec's own (schema/<table>.json), so other HSDS tools find every one where they expect it.
TABLES = {
    "organization": (
        "organizations.csv",
        "id name alternate_name description email website tax_status tax_id year_incorporated "
        "legal_status logo uri parent_organization_id",
    ),
    "service": (
        "services.csv",
        "id organization_id program_id name alternate_name description url email status "
        "interpretation_services application_process fees_description wait_time fees "
        "accreditations eligibility_description minimum_age maximum_age assured_date "
        "assurer_email licenses alert last_modified",
    ),
    "attribute": (
        "attributes.csv",
        "id link_id taxonomy_term_id link_type link_entity value label",
    ),
    "service_at_location": ("service_at_location.csv", "id service_id location_id description"),
    "location": (
        "locations.csv",
        "id location_type url organization_id name alternate_name description transportation "
        "latitude longitude external_identifier external_identifier_type",
    ),
    "phone": (
        "phones.csv",
        "id location_id service_id organization_id contact_id service_at_location_id number "
        "extension type description",
    ),
    "address": (
        "addresses.csv",
        "id location_id attention address_1 address_2 city region state_province postal_code "
        "country address_type",
    ),
    "schedule": (
        "schedules.csv",
        "id service_id location_id service_at_location_id valid_from valid_to dtstart timezone "
        "until count wkst freq interval byday byweekno bymonthday byyearday description "
        "opens_at closes_at schedule_link attending_type notes",
    ),
    "service_area": (
        "service_areas.csv",
        "id service_id service_at_location_id name description extent extent_type uri",
    ),
    "language": ("languages.csv", "id service_id location_id phone_id name code note"),
    "taxonomy_term": (
        "taxonomy_terms.csv",
        "id code name description parent_id taxonomy language taxonomy_id term_uri",
    ),
    "taxonomy": ("taxonomies.csv", "id name description uri version"),
    "service_capacity": (
        "service_capacity.csv",
        "id service_id unit_id available maximum description updated",
    ),
    "unit": ("units.csv", "id name scheme identifier uri"),
    "url": ("url.csv", "id label url organization_id service_id"),
}
# Column types for datapackage.json (Frictionless Table Schema); any other column is a string.
# Opening and closing times stay strings: Lantern writes them with their UTC offset
# ("09:00-08:00"), as HSDS asks, which a Table Schema `time` does not take.
NUMBERS = {
    "latitude", "longitude", "timezone", "count", "interval", "extension", "minimum_age",
    "maximum_age", "year_incorporated", "available", "maximum",
}  # fmt: skip
DATES = {"assured_date", "valid_from", "valid_to", "dtstart", "until"}
DATETIMES = {"last_modified", "updated"}
EMAILS = {"email", "assurer_email"}
URIS = {"url", "website", "uri", "term_uri", "schedule_link"}


class UnknownAgency(ValueError):
    """No site answers on the host name given; `str()` says which ones do."""


def resources_of(agency: str = "", network: bool = False):
    """The services to export: every one, or one agency's (by its site's host name, as the CSV
    import names owners), with the network's too when `network`."""
    found = compiled.sources()
    if not agency:
        return found.order_by("organisation", "pk")
    sites = list(Site.objects.filter(hostname=agency.strip().lower()))
    if not sites:
        known = ", ".join(sorted(Site.objects.values_list("hostname", flat=True)))
        raise UnknownAgency(f"No agency site answers on '{agency}': give one of {known}.")
    owned = Q(owner__in=sites) | Q(owner__isnull=True) if network else Q(owner__in=sites)
    return found.filter(owned).order_by("organisation", "pk")


@dataclass
class Exported:
    services: int
    organizations: int
    tables: list[str]


def tables(services: list[dict], organizations: list[dict]) -> dict[str, list[dict]]:
    """The rows of each table, from compiled services (a record's own columns are picked out
    when it is written; nested records become rows of their own tables)."""
    rows = {name: [] for name in TABLES}
    rows["organization"] = organizations
    units = {}
    for service in services:
        rows["service"].append(service)
        rows["phone"] += service.get("phones", [])
        rows["schedule"] += service.get("schedules", [])
        rows["service_area"] += service.get("service_areas", [])
        rows["language"] += service.get("languages", [])
        rows["attribute"] += service.get("attributes", [])
        rows["url"] += service.get("additional_urls", [])
        for capacity in service.get("capacities", []):
            units[capacity["unit"]["id"]] = capacity["unit"]
            rows["service_capacity"].append({**capacity, "unit_id": capacity["unit"]["id"]})
        for link in service.get("service_at_locations", []):
            rows["service_at_location"].append(link)
            rows["location"].append(link["location"])
            rows["address"] += link["location"].get("addresses", [])
    rows["unit"] = list(units.values())
    rows["taxonomy_term"] = [
        {name: value for name, value in term.items() if name != "taxonomy_detail"}
        for term in compiled.taxonomy_terms()
    ]
    rows["taxonomy"] = [compiled.taxonomy()]
    return rows


def field(column: str) -> dict:
    """A column as a Table Schema field."""
    described = {"name": column, "type": "string"}
    if column in NUMBERS:
        described["type"] = "number"
    elif column in DATES:
        described["type"] = "date"
    elif column in DATETIMES:
        described["type"] = "datetime"
    elif column == "id" or column.endswith("_id"):
        described["format"] = "uuid"
    elif column in EMAILS:
        described["format"] = "email"
    elif column in URIS:
        described["format"] = "uri"
    return described


def descriptor(names: list[str]) -> dict:
    """datapackage.json for the tables `names` (keys of TABLES): each CSV file, its columns,
    its key and the columns that point into the other tables."""
    resources = []
    for name in names:
        path, columns = TABLES[name]
        columns = columns.split()
        schema = {"fields": [field(column) for column in columns], "primaryKey": "id"}
        links = [
            {"fields": column, "reference": {"resource": column[:-3], "fields": "id"}}
            for column in columns
            if column.endswith("_id") and column[:-3] in names
        ]
        if links:
            schema["foreignKeys"] = links
        resources.append(
            {
                "name": name,
                "path": path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "lantern-help-directory",
        "title": f"Lantern's help directory, as Open Referral HSDS {vocabulary.HSDS_VERSION}",
        "resources": resources,
    }


def write_table(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def export(folder: Path, agency: str = "", network: bool = False) -> Exported:
    """Write the directory (or one agency's part, as `resources_of` chooses) into `folder` in
    both forms: two queries. Every table is written, empty ones as a header alone, so that
    nothing an earlier export wrote there outlives what it said (an address made confidential
    since, say)."""
    found = list(resources_of(agency, network))
    folder.mkdir(parents=True, exist_ok=True)
    services = [compiled.compiled_service(resource) for resource in found]
    organizations = {
        resource.organization.pk: resource.organization
        for resource in found
        if resource.organization is not None
    }
    if not agency:  # the whole directory: organisations running no service too
        organizations.update({org.pk: org for org in Organization.objects.all()})
    records = [compiled.organization(org) for org in sorted(organizations.values(), key=by_name)]

    page = compiled.page(len(services), services, 1, max(len(services), 1))
    (folder / "services.json").write_text(
        json.dumps(page, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    rows = tables(services, records)
    for name, (path, columns) in TABLES.items():
        write_table(folder / path, columns.split(), rows[name])
    (folder / "datapackage.json").write_text(
        json.dumps(descriptor(list(TABLES)), indent=2) + "\n", encoding="utf-8"
    )
    return Exported(len(services), len(records), [path for path, _ in TABLES.values()])


def by_name(org) -> tuple:
    return (org.name, org.pk)
