"""Reading HSDS files: JSON as the HSDS API returns it, or a tabular datapackage, into compiled
services (one dict per service with its organisation, phones, schedules, areas, locations,
languages, capacities and attributes nested, as `/services/{id}` returns it).

Only the reading is here: what the records say is checked by `sites.help.hsds.importer`.
A file that cannot be read as HSDS at all raises `UnreadableFile` with a message for the person
importing it (no traceback): a missing folder, JSON that isn't, a CSV table without its header.
"""

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

# The tables a compiled service is made of, by their file names in HSDS 3.1's datapackage.
TABLES = [
    "services.csv",
    "organizations.csv",
    "phones.csv",
    "schedules.csv",
    "service_areas.csv",
    "service_at_location.csv",
    "locations.csv",
    "addresses.csv",
    "languages.csv",
    "service_capacity.csv",
    "units.csv",
    "attributes.csv",
    "taxonomy_terms.csv",
    "taxonomies.csv",
    "url.csv",
]


class UnreadableFile(Exception):
    """The file or folder cannot be read as HSDS; `str()` says why, for the person importing."""


@dataclass
class HsdsData:
    """The services read, and what the reader noticed but could still read (e.g. a page of a
    longer list, rows linked to no service)."""

    services: list[dict]
    notes: list[str] = field(default_factory=list)


def read_hsds(path: Path) -> HsdsData:
    """The compiled services in `path`: a datapackage folder (or its datapackage.json), or a
    JSON file holding a page of services, a list of services or one service."""
    if not path.exists():
        raise UnreadableFile(f"{path}: no such file or folder.")
    if path.is_dir():
        return read_datapackage(path)
    if path.name == "datapackage.json":
        return read_datapackage(path.parent)
    return read_json(path)


def read_json(path: Path) -> HsdsData:
    """Services from HSDS JSON: a page of `/services` (`contents`), a list of compiled services,
    or one compiled service (`/services/{id}`)."""
    data = _load_json(path)
    notes = []
    if isinstance(data, dict) and "contents" in data:
        services = data["contents"]
        if not isinstance(services, list):
            raise UnreadableFile(f"{path.name}: 'contents' should be a list of services.")
        pages = data.get("total_pages")
        if isinstance(pages, int) and pages > 1:
            notes.append(
                f"{path.name} is page {data.get('page_number', '?')} of {pages}: only the "
                f"{len(services)} service(s) on it are imported. Fetch every page to import "
                "them all."
            )
    elif isinstance(data, list):
        services = data
    elif isinstance(data, dict) and "id" in data and "name" in data:
        services = [data]
    else:
        raise UnreadableFile(
            f"{path.name}: this is JSON, but not HSDS services: expected a page of services "
            "(with 'contents'), a list of services, or one service."
        )
    for position, service in enumerate(services, start=1):
        if not isinstance(service, dict):
            raise UnreadableFile(
                f"{path.name}: service #{position} is not an object with a service's fields."
            )
    return HsdsData(services, notes)


def _load_json(path: Path):
    text = _read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableFile(
            f"{path.name} is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from None


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"{path}: cannot be read ({exc.strerror}).") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UnreadableFile(
            f"{path.name} is not UTF-8 text (line {line} has a byte UTF-8 doesn't use)."
        ) from None


def read_datapackage(folder: Path) -> HsdsData:
    """Services from an HSDS tabular datapackage, joined by their `*_id` columns.

    The tables are found through datapackage.json's resources (by file name), or by HSDS's own
    file names when the folder has no datapackage.json. Only services.csv is required."""
    paths = _table_paths(folder)
    if "services.csv" not in paths:
        raise UnreadableFile(f"{folder}: no services.csv, the table of services.")
    tables = {name: _read_table(path) for name, path in paths.items()}
    return _compile(tables)


def _table_paths(folder: Path) -> dict[str, Path]:
    """Each table's file, by its HSDS file name."""
    paths = {name: folder / name for name in TABLES if (folder / name).is_file()}
    descriptor = folder / "datapackage.json"
    if not descriptor.is_file():
        return paths
    package = _load_json(descriptor)
    resources = package.get("resources") if isinstance(package, dict) else None
    if not isinstance(resources, list):
        raise UnreadableFile("datapackage.json has no list of 'resources' (its tables).")
    root = folder.resolve()
    for resource in resources:
        if not isinstance(resource, dict) or not isinstance(resource.get("path"), str):
            continue
        where = resource["path"]
        path = (folder / where).resolve()
        if "://" in where or not path.is_relative_to(root):
            raise UnreadableFile(
                f"datapackage.json: '{where}' is not a file in {folder}: put the tables beside it."
            )
        if path.name in TABLES:
            if not path.is_file():
                raise UnreadableFile(f"datapackage.json lists {where}, which is not there.")
            paths[path.name] = path
    return paths


def _read_table(path: Path) -> list[dict]:
    """A CSV table's rows as dicts, empty cells left out, each with its line (`_line`)."""
    reader = csv.reader(io.StringIO(_read_text(path), newline=""))
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
        if "id" not in header:
            shown = ", ".join(header[:3]) or "nothing"
            raise UnreadableFile(
                f"{path.name}: the first line must name the columns (id, ...); it reads '{shown}'."
            )
        rows = []
        previous_end = reader.line_num
        for cells in reader:
            line, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                raise UnreadableFile(
                    f"{path.name}, line {line}: {len(cells)} cells under {len(header)} columns."
                )
            row = {
                name: cell.strip()
                for name, cell in zip(header, cells, strict=False)
                if cell.strip()
            }
            row["_line"] = line
            rows.append(row)
    except csv.Error as exc:
        raise UnreadableFile(f"{path.name}, line {reader.line_num}: not CSV ({exc}).") from None
    return rows


def _by(rows: list[dict], column: str) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        if row.get(column):
            grouped.setdefault(row[column], []).append(row)
    return grouped


def _clean(row: dict) -> dict:
    return {name: value for name, value in row.items() if name != "_line"}


def _compile(tables: dict[str, list[dict]]) -> HsdsData:
    """Nest the tables' rows under their services, as the compiled JSON form has them."""

    def table(name: str) -> list[dict]:
        return tables.get(name, [])

    organizations = {row["id"]: _clean(row) for row in table("organizations.csv") if "id" in row}
    units = {row["id"]: _clean(row) for row in table("units.csv") if "id" in row}
    taxonomies = {row["id"]: _clean(row) for row in table("taxonomies.csv") if "id" in row}
    terms = {}
    for row in table("taxonomy_terms.csv"):
        term = _clean(row)
        if term.get("taxonomy_id") in taxonomies:
            term["taxonomy_detail"] = taxonomies[term["taxonomy_id"]]
        terms[row.get("id")] = term
    languages_of_phone = _by(table("languages.csv"), "phone_id")

    def phone(row: dict) -> dict:
        return {**_clean(row), "languages": _rows(languages_of_phone, row.get("id"))}

    phones = {key: [phone(row) for row in rows] for key, rows in _by_any(table("phones.csv"))}
    schedules = dict(_by_any(table("schedules.csv")))
    areas = dict(_by_any(table("service_areas.csv")))
    addresses = _by(table("addresses.csv"), "location_id")
    location_languages = _by(table("languages.csv"), "location_id")
    locations = {}
    for row in table("locations.csv"):
        location_id = row.get("id")
        locations[location_id] = {
            **_clean(row),
            "addresses": _rows(addresses, location_id),
            "phones": phones.get(("location_id", location_id), []),
            "schedules": schedules.get(("location_id", location_id), []),
            "languages": _rows(location_languages, location_id),
        }

    services_at = _by(table("service_at_location.csv"), "service_id")
    service_languages = _by(table("languages.csv"), "service_id")
    capacities = _by(table("service_capacity.csv"), "service_id")
    attributes = _by(table("attributes.csv"), "link_id")
    urls = _by(table("url.csv"), "service_id")
    services = []
    for row in table("services.csv"):
        service_id = row.get("id")
        service = {**_clean(row), "_where": f"services.csv, line {row['_line']}"}
        if row.get("organization_id") in organizations:
            service["organization"] = organizations[row["organization_id"]]
        service["additional_urls"] = _rows(urls, service_id)
        service["phones"] = phones.get(("service_id", service_id), [])
        service["schedules"] = schedules.get(("service_id", service_id), [])
        service["service_areas"] = areas.get(("service_id", service_id), [])
        service["languages"] = _rows(service_languages, service_id)
        service["service_at_locations"] = [
            {
                **_clean(at),
                "location": locations.get(at.get("location_id")),
                "phones": phones.get(("service_at_location_id", at.get("id")), []),
                "schedules": schedules.get(("service_at_location_id", at.get("id")), []),
                "service_areas": areas.get(("service_at_location_id", at.get("id")), []),
            }
            for at in services_at.get(service_id, [])
        ]
        service["capacities"] = [
            {**_clean(capacity), "unit": units.get(capacity.get("unit_id"))}
            for capacity in capacities.get(service_id, [])
        ]
        service["attributes"] = [
            {**_clean(attribute), "taxonomy_term": terms.get(attribute.get("taxonomy_term_id"))}
            for attribute in attributes.get(service_id, [])
        ]
        services.append(service)
    return HsdsData(services, _unlinked(tables, {row.get("id") for row in table("services.csv")}))


def _rows(grouped: dict[str, list[dict]], key) -> list[dict]:
    return [_clean(row) for row in grouped.get(key, [])]


def _by_any(rows: list[dict]):
    """(link column, id) -> rows, for tables whose rows belong to a service, a service at a
    location or a location (a row may name several)."""
    grouped: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        for column in ("service_id", "service_at_location_id", "location_id"):
            if row.get(column):
                grouped.setdefault((column, row[column]), []).append(_clean(row))
    return grouped.items()


def _unlinked(tables: dict[str, list[dict]], service_ids: set) -> list[str]:
    """Notes on rows that name a service the file does not have: they are left out."""
    notes = []
    for name in ("service_capacity.csv", "service_at_location.csv", "service_areas.csv"):
        for row in tables.get(name, []):
            if row.get("service_id") and row["service_id"] not in service_ids:
                notes.append(
                    f"{name}, line {row['_line']} ({row.get('id', 'no id')}): its service "
                    f"{row['service_id']} is not in services.csv; left out."
                )
    return notes
