"""Help resources from a spreadsheet (CSV): every row checked first, then all saved or none.

The columns are documented in docs/help-directory.md ("Importing resources from a spreadsheet").
`import_resources` is what `manage.py import_help_resources` runs; it needs no command.

Each row is found again by its `reference` among the source-language resources: a reference
that exists is an update of that resource, any other a new resource. A row is checked as an
editor's form would be (the model's `full_clean`), so an import accepts exactly what the admin
does. Any problem in any row and nothing is written: the spreadsheet is fixed and imported again.
"""

import csv
import datetime
import difflib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from wagtail.models import Locale, Site

from sites.help.resources import LANGUAGES, HelpResource, Service

COLUMNS = [
    "reference",
    "owner",
    "organisation",
    "description",
    "services",
    "phone",
    "sms_number",
    "sms_keyword",
    "tty",
    "chat_url",
    "email",
    "website",
    "hours",
    "open_24_7",
    "languages",
    "interpreters",
    "language_notes",
    "area",
    "states",
    "zip_prefixes",
    "last_verified",
]
REQUIRED_COLUMNS = ["reference", "organisation", "services", "area", "last_verified"]

# Columns whose model field has another name; every other column is its field's name.
FIELD_FOR_COLUMN = {"owner": "owner_id", "open_24_7": "is_24_7"}
COLUMN_FOR_FIELD = {"owner": "owner", "owner_id": "owner", "is_24_7": "open_24_7"}
# Copied from the cell as it is (stripped); the model checks them.
TEXT_COLUMNS = [
    "organisation",
    "description",
    "phone",
    "sms_number",
    "sms_keyword",
    "tty",
    "chat_url",
    "email",
    "website",
    "hours",
    "language_notes",
]
# What makes a row "unchanged": every field the file sets.
COMPARED_FIELDS = [FIELD_FOR_COLUMN.get(column, column) for column in COLUMNS]

TRUE_WORDS = {"yes", "true", "1", "y"}
FALSE_WORDS = {"no", "false", "0", "n", ""}
LIST_SEPARATORS = re.compile(r"[;,]")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass
class RowError:
    """One problem, at the physical line of the file where its row starts (the header is 1)."""

    line: int
    reference: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line} ({self.reference})" if self.reference else f"line {self.line}"
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    """References created, updated and left unchanged (with `dry_run`: that would be), and the
    problems found. With any problem, nothing was written and the three lists are empty."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    cells: dict[str, str]
    extra: list[str]  # cells past the header's columns, or under a column with no name

    @property
    def reference(self) -> str:
        return self.cells.get("reference", "")


class _Rejected(Exception):
    """The file cannot be read further: its problems."""

    def __init__(self, errors: list[RowError]):
        super().__init__(errors)
        self.errors = errors


# `import_resources(agency=...)` left out: each row's owner column says whose it is.
ANY_OWNER = object()


def import_resources(
    text: str,
    *,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    agency: Site | object | None = ANY_OWNER,
) -> ImportResult:
    """Check every row of the CSV `text`; unless there is a problem or `dry_run`, save them
    all in one transaction. `progress(done, total)` is called as rows are checked.

    With `agency` (a site, or None for the network), the file is that agency's own, as an
    import started from the admin is: a row with no owner becomes the agency's, and a row naming
    another owner is a problem."""
    try:
        rows, errors = _read(text)
    except _Rejected as rejected:
        return ImportResult(errors=rejected.errors)

    checker = _Checker(rows, agency)
    total = len(rows)
    if progress:
        progress(0, total)
    checked = []
    for done, row in enumerate(rows, start=1):
        resource, status, row_errors = checker.check(row)
        errors += row_errors
        if not row_errors:
            checked.append((row.reference, resource, status))
        if progress:
            progress(done, total)

    if errors:
        errors.sort(key=lambda error: error.line)
        return ImportResult(errors=errors)
    result = ImportResult()
    for reference, _resource, status in checked:
        getattr(result, status).append(reference)
    if not dry_run:
        with transaction.atomic():
            for _reference, resource, status in checked:
                if status != "unchanged":
                    resource.save()
    return result


def _read(text: str) -> tuple[list[_Row], list[RowError]]:
    """The data rows and the problems of the file's layout; raises _Rejected when the header
    makes the rows unreadable."""
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    errors: list[RowError] = []
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise _Rejected([RowError(1, "", f"This is not a CSV file we can read: {exc}.")]) from exc
    if header is None or not any(cell.strip() for cell in header):
        raise _Rejected(
            [RowError(1, "", "The file is empty: the first line must name the columns.")]
        )
    columns = [cell.strip().lower() for cell in header]
    _check_header(columns)

    rows: list[_Row] = []
    previous_end = reader.line_num
    while True:
        start = previous_end + 1
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            errors.append(RowError(start, "", f"This line cannot be read as CSV: {exc}."))
            break
        if cells is None:
            break
        previous_end = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        values = dict.fromkeys(COLUMNS, "")
        extra = []
        for position, cell in enumerate(cells):
            name = columns[position] if position < len(columns) else ""
            if name:
                values[name] = cell.strip()
            elif cell.strip():
                extra.append(cell.strip())
        rows.append(_Row(start, values, extra))
    if not rows and not errors:
        errors.append(RowError(1, "", "The file has a header but no rows."))
    return rows, errors


def _check_header(columns: list[str]) -> None:
    problems = []
    named = [name for name in columns if name]
    unknown = [name for name in named if name not in COLUMNS]
    if unknown:
        described = []
        for name in unknown:
            close = difflib.get_close_matches(name, COLUMNS, n=1)
            described.append(f"'{name}' (did you mean '{close[0]}'?)" if close else f"'{name}'")
        problems.append(
            f"Unknown column(s): {', '.join(described)}. The columns are: {', '.join(COLUMNS)}."
        )
    twice = sorted({name for name in named if named.count(name) > 1})
    if twice:
        problems.append(f"Column(s) named twice: {', '.join(twice)}.")
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        problems.append(f"Missing required column(s): {', '.join(missing)}.")
    if problems:
        raise _Rejected([RowError(1, "", problem) for problem in problems])


class _Checker:
    """Builds and checks each row's resource, with what every row needs looked up once."""

    def __init__(self, rows: list[_Row], agency=ANY_OWNER):
        self.agency = agency
        self.locale = Locale.get_default()
        self.sites: dict[str, Site | None] = {}
        for site in Site.objects.all():
            host = site.hostname.lower()
            # Two sites on one host name (different ports) can't be told apart by it.
            self.sites[host] = None if host in self.sites else site
        references = {row.reference for row in rows if row.reference}
        self.existing = {
            resource.reference: resource
            for resource in HelpResource.objects.filter(
                locale=self.locale, reference__in=references
            ).select_related("owner")
        }
        self.first_line: dict[str, int] = {}

    def check(self, row: _Row) -> tuple[HelpResource, str, list[RowError]]:
        """The row's resource, set from its cells, 'created'/'updated'/'unchanged', and its
        problems."""
        problems: dict[str, list[str]] = {}

        def problem(column: str, message: str) -> None:
            problems.setdefault(column, []).append(message)

        cells = row.cells
        reference = row.reference
        if row.extra:
            problem(
                NON_FIELD_ERRORS,
                f"Values under no column ({', '.join(row.extra)}): give each value a column "
                "named in the header.",
            )

        duplicate = False
        if not reference:
            problem(
                "reference",
                "Give every row a reference, e.g. harbor-legal-clinic: a new import finds the "
                "resource again by it.",
            )
        elif reference in self.first_line:
            duplicate = True
            problem(
                "reference",
                f"'{reference}' is already on line {self.first_line[reference]}: give each "
                "resource one row.",
            )
        else:
            self.first_line[reference] = row.line

        owner = self._owner(cells["owner"], problem)
        existing = None if duplicate else self.existing.get(reference)
        if existing is not None and owner is not False:
            owner_id = owner.pk if owner else None
            if existing.owner_id != owner_id:
                belongs_to = existing.owner.hostname if existing.owner else "the network"
                problem(
                    "owner",
                    f"'{reference}' belongs to {belongs_to}; change its owner in the admin.",
                )

        if existing is not None:
            resource = existing
            before = {name: getattr(resource, name) for name in COMPARED_FIELDS}
        else:
            resource = HelpResource(locale=self.locale, reference=reference)
            before = None
        if owner is not False:
            resource.owner = owner

        for column in TEXT_COLUMNS:
            setattr(resource, column, cells[column])
        resource.description = cells["description"].replace("\r\n", "\n").replace("\r", "\n")
        resource.services = self._choices("services", cells["services"], Service.choices, problem)
        resource.languages = self._choices("languages", cells["languages"], LANGUAGES, problem)
        resource.is_24_7 = self._yes_no("open_24_7", cells["open_24_7"], problem)
        resource.interpreters = self._yes_no("interpreters", cells["interpreters"], problem)
        resource.area = self._area(cells["area"], problem)
        resource.states = cells["states"]
        resource.zip_prefixes = ",".join(LIST_SEPARATORS.split(cells["zip_prefixes"]))
        resource.last_verified = self._date(cells["last_verified"], problem)

        try:
            # A repeated reference is reported once, above, not again as taken.
            resource.full_clean(validate_unique=not duplicate, validate_constraints=not duplicate)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                column = COLUMN_FOR_FIELD.get(name, name)
                if column in problems:
                    continue  # said better already: e.g. which service code is unknown
                for message in messages:
                    problem(column, message)

        errors = [
            RowError(
                row.line,
                reference,
                message if column == NON_FIELD_ERRORS else f"{column}: {message}",
            )
            for column, messages in problems.items()
            for message in messages
        ]
        if before is None:
            status = "created"
        elif all(getattr(resource, name) == before[name] for name in COMPARED_FIELDS):
            status = "unchanged"
        else:
            status = "updated"
        return resource, status, errors

    def _owner(self, host: str, problem) -> Site | bool | None:
        """The owner's site, None for the network, or False when there is no such site (or,
        for one agency's import, another owner than the agency)."""
        host = host.strip().lower()
        if self.agency is not ANY_OWNER:
            own = self.agency.hostname.lower() if self.agency is not None else ""
            if host and host != own:
                whose = f"{own}'s" if own else "the network's"
                problem(
                    "owner",
                    f"This import is {whose}: leave owner empty or write {own or 'nothing'}, "
                    f"not '{host}'.",
                )
                return False
            return self.agency
        if not host:
            return None
        if host not in self.sites:
            problem(
                "owner",
                f"No site answers on '{host}': give a site's host name, or leave it empty for the network.",
            )
            return False
        if self.sites[host] is None:
            problem(
                "owner",
                f"Several sites answer on '{host}': set this resource's owner in the admin.",
            )
            return False
        return self.sites[host]

    @staticmethod
    def _choices(column: str, value: str, options, problem) -> list[str]:
        """'Legal; immigration' -> ['immigration', 'legal'] in the options' order (as the admin
        stores them), each once."""
        order = [code for code, _label in options]
        given = [code.strip().lower() for code in LIST_SEPARATORS.split(value) if code.strip()]
        unknown = [code for code in dict.fromkeys(given) if code not in order]
        if unknown:
            problem(
                column,
                f"Unknown code(s): {', '.join(unknown)}. The codes are: {', '.join(order)}.",
            )
        return [code for code in order if code in given]

    @staticmethod
    def _yes_no(column: str, value: str, problem) -> bool:
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word not in FALSE_WORDS:
            problem(column, f"Write yes or no (or leave it empty for no), not '{value}'.")
        return False

    @staticmethod
    def _area(value: str, problem) -> str:
        area = value.strip().lower()
        if area not in HelpResource.Area.values:
            shown = f"'{value}'" if value else "nothing"
            problem(
                "area",
                f"Write national, states or local, not {shown}: national for a service "
                "everywhere, states for whole states, local for some ZIP codes.",
            )
        return area

    @staticmethod
    def _date(value: str, problem) -> datetime.date | None:
        if not value:
            problem("last_verified", "Give the day these details were last checked, as YYYY-MM-DD.")
            return None
        try:
            if not ISO_DATE.fullmatch(value):
                raise ValueError(value)
            return datetime.date.fromisoformat(value)
        except ValueError:
            problem(
                "last_verified",
                f"'{value}' is not a date written YYYY-MM-DD, e.g. 2025-03-31.",
            )
            return None
