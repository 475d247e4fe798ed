"""Open Referral's HSDS 3.1 schemas, for tests that check what Lantern publishes against them.

The spec's schema files are copied unchanged into `hsds_schema/` (CC BY-SA 4.0, see its
README). Their `$ref`s between files ("phone.json") are resolved through a `referencing`
registry; formats are checked (uuid, email, date, and here date-time and uri too, which
jsonschema leaves to optional packages).
"""

import datetime
import functools
import json
from pathlib import Path
from urllib.parse import urlparse

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMAS = Path(__file__).with_name("hsds_schema")
BASE = "https://hsds.test/schema/"

FORMATS = FormatChecker()
for name, check in Draft202012Validator.FORMAT_CHECKER.checkers.items():
    FORMATS.checkers[name] = check


@FORMATS.checks("date-time", raises=ValueError)
def is_date_time(value) -> bool:
    if not isinstance(value, str):
        return True
    moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return "T" in value and moment.tzinfo is not None


@FORMATS.checks("uri")
def is_uri(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlparse(value)
    return bool(parts.scheme and (parts.netloc or parts.path))


class Spec:
    """The spec's schema files, each a validator by its file name ('organization.json',
    'compiled/service_list.json', 'compiled/service_with_definitions.json')."""

    def __init__(self, folder: Path = SCHEMAS):
        schemas = {}
        for path in [*folder.glob("*.json"), *folder.glob("compiled/*.json")]:
            name = str(path.relative_to(folder))
            schemas[name] = {**json.loads(path.read_text()), "$id": BASE + name}
        self.schemas = schemas
        self.registry = Registry().with_resources(
            (BASE + name, Resource.from_contents(schema, default_specification=DRAFT202012))
            for name, schema in schemas.items()
        )

    def validator(self, name: str) -> Draft202012Validator:
        return Draft202012Validator(
            self.schemas[name], registry=self.registry, format_checker=FORMATS
        )

    def errors(self, name: str, record) -> list[str]:
        """What is wrong with `record` under schema `name`, one line per problem."""
        return [
            f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in self.validator(name).iter_errors(record)
        ]

    def row_errors(self, table_schema: str, row: dict) -> list[str]:
        """`errors` for a row of a CSV table: the fields it requires that are records of their
        own (a capacity's `unit`) are rows of other tables, linked by id (`unit_id`)."""
        columns = self.columns(table_schema)
        schema = self.schemas[table_schema]
        as_row = {**schema, "required": [name for name in schema["required"] if name in columns]}
        validator = Draft202012Validator(as_row, registry=self.registry, format_checker=FORMATS)
        return [
            f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in validator.iter_errors(row)
        ]

    def columns(self, table_schema: str) -> list[str]:
        """A table's columns, in the spec's order: the schema's fields that are not lists of
        other records (e.g. 'phone.json' -> id, location_id, service_id, …)."""
        properties = self.schemas[table_schema]["properties"]
        return [
            name
            for name, field in properties.items()
            if field.get("type") != "array" and "$ref" not in field
        ]


@functools.cache
def spec() -> Spec:
    return Spec()
