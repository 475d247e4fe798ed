"""`manage.py import_help_resources`: a spreadsheet of help resources, checked whole, then saved."""

import csv
import datetime
import io
import re
import sys
from pathlib import Path

import pytest

from django.core.management import call_command
from django.core.management.base import CommandError

from wagtail.models import Locale, Site

from sites.help.importer import COLUMNS, RowError, import_resources
from sites.help.resources import HelpResource

pytestmark = pytest.mark.django_db

HARBOR_LEGAL = {
    "reference": "imp-harbor-legal",
    "owner": "harbor.localhost",
    "organisation": "Harbor Import Legal Clinic",
    "description": "Lawyers for survivors, anywhere in California and Nevada.",
    "services": "Immigration; LEGAL",
    "phone": "(213) 555-0160",
    "email": "legal@harbor.example.org",
    "website": "https://harbor.example.org/legal",
    "hours": "Monday to Friday, 9am to 5pm Pacific",
    "open_24_7": "no",
    "languages": "es;EN",
    "interpreters": "Yes",
    "language_notes": "Calls: any language. E-mail: English and Spanish.",
    "area": "states",
    "states": "nv; ca",
    "last_verified": "2025-01-15",
}
PINES_SHELTER = {
    "reference": "imp-pines-shelter",
    "owner": "pines.localhost",
    "organisation": "Pines Import Safe House",
    "services": "shelter;youth",
    "sms_number": "(213) 555-0148",
    "sms_keyword": "SAFE",
    "tty": "711",
    "open_24_7": "TRUE",
    "area": "Local",
    "zip_prefixes": "900; 9021,90301",
    "last_verified": "2025-02-01",
}
NETWORK_CHAT = {
    "reference": "imp-network-chat",
    "owner": "",
    "organisation": "Network Import Chat Line",
    "services": "hotline",
    "chat_url": "https://chat.example.org/",
    "open_24_7": "1",
    "interpreters": "",
    "area": "national",
    "last_verified": "2024-12-31",
}
VALID_ROWS = [HARBOR_LEGAL, PINES_SHELTER, NETWORK_CHAT]
REFERENCES = [row["reference"] for row in VALID_ROWS]


def csv_text(rows, columns=COLUMNS) -> str:
    """A CSV file of `rows` (dicts), one physical line per row unless a cell holds a newline."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def run(tmp_path, content, *args, name="resources.csv"):
    """Run the command on a file holding `content` (str or bytes); (stdout, stderr)."""
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_help_resources", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(tmp_path, content, *args):
    """Run the command expecting it to refuse the file; (CommandError message, stderr)."""
    path = tmp_path / "resources.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_help_resources", str(path), *args, stdout=out, stderr=err)
    return str(caught.value), err.getvalue()


def imported(references=REFERENCES):
    return HelpResource.objects.filter(reference__in=references)


def source(reference):
    return HelpResource.objects.get(reference=reference, locale=Locale.get_default())


# A valid file


def test_a_valid_file_creates_every_resource_with_every_field(tmp_path):
    out, _err = run(tmp_path, csv_text(VALID_ROWS), "--no-progress")

    assert out.strip() == "Created 3, updated 0, unchanged 0."
    assert imported().count() == 3
    legal = source("imp-harbor-legal")
    assert legal.owner == Site.objects.get(hostname="harbor.localhost")
    assert legal.locale == Locale.get_default()
    assert legal.organisation == "Harbor Import Legal Clinic"
    assert legal.description == "Lawyers for survivors, anywhere in California and Nevada."
    assert legal.services == ["legal", "immigration"]  # the admin's order, codes lower-cased
    assert legal.phone == "(213) 555-0160"
    assert (legal.sms_number, legal.sms_keyword, legal.tty, legal.chat_url) == ("", "", "", "")
    assert legal.email == "legal@harbor.example.org"
    assert legal.website == "https://harbor.example.org/legal"
    assert legal.hours == "Monday to Friday, 9am to 5pm Pacific"
    assert legal.is_24_7 is False
    assert legal.languages == ["en", "es"]
    assert legal.interpreters is True
    assert legal.language_notes == "Calls: any language. E-mail: English and Spanish."
    assert legal.area == HelpResource.Area.STATES
    assert legal.states == "NV, CA"
    assert legal.zip_prefixes == ""
    assert legal.last_verified == datetime.date(2025, 1, 15)

    shelter = source("imp-pines-shelter")
    assert shelter.owner == Site.objects.get(hostname="pines.localhost")
    assert shelter.services == ["shelter", "youth"]
    assert (shelter.sms_number, shelter.sms_keyword, shelter.tty) == (
        "(213) 555-0148",
        "SAFE",
        "711",
    )
    assert shelter.is_24_7 is True
    assert shelter.languages == []
    assert shelter.area == HelpResource.Area.LOCAL
    assert shelter.zip_prefixes == "900, 9021, 90301"
    assert shelter.states == "CA"  # found from its ZIP codes
    assert shelter.last_verified == datetime.date(2025, 2, 1)

    chat = source("imp-network-chat")
    assert chat.owner is None
    assert chat.chat_url == "https://chat.example.org/"
    assert chat.is_24_7 is True
    assert chat.interpreters is False
    assert chat.area == HelpResource.Area.NATIONAL
    assert (chat.states, chat.zip_prefixes) == ("", "")


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    run(tmp_path, csv_text(VALID_ROWS), "--no-progress")
    total = HelpResource.objects.count()
    saved = {r.reference: (r.pk, r.translation_key) for r in imported()}

    out, _err = run(tmp_path, csv_text(VALID_ROWS), "--no-progress")

    assert out.strip() == "Created 0, updated 0, unchanged 3."
    assert HelpResource.objects.count() == total
    assert {r.reference: (r.pk, r.translation_key) for r in imported()} == saved


def test_a_changed_phone_updates_that_resource_only(tmp_path):
    run(tmp_path, csv_text(VALID_ROWS), "--no-progress")
    total = HelpResource.objects.count()
    pk = source("imp-harbor-legal").pk

    changed = [{**HARBOR_LEGAL, "phone": "1-800-555-0199"}, PINES_SHELTER, NETWORK_CHAT]
    out, _err = run(tmp_path, csv_text(changed), "--no-progress", "-v", "2")

    assert "Created 0, updated 1, unchanged 2." in out
    assert "updated: imp-harbor-legal" in out
    assert HelpResource.objects.count() == total
    legal = source("imp-harbor-legal")
    assert (legal.pk, legal.phone) == (pk, "1-800-555-0199")


def test_an_update_reaches_the_resources_translations(tmp_path):
    """Synchronised fields (the phone) are copied to translations on save; translated ones
    (the organisation's name) are left to translators."""
    run(tmp_path, csv_text(VALID_ROWS), "--no-progress")
    spanish = source("imp-harbor-legal").copy_for_translation(
        Locale.objects.get(language_code="es")
    )
    spanish.organisation = "Clínica Legal Harbor"
    spanish.save()

    run(tmp_path, csv_text([{**HARBOR_LEGAL, "phone": "1-800-555-0199"}]), "--no-progress")

    spanish.refresh_from_db()
    assert spanish.phone == "1-800-555-0199"
    assert spanish.organisation == "Clínica Legal Harbor"


# A file with problems


BAD_ROWS = [
    ({**HARBOR_LEGAL, "reference": "imp-ok"}, None),  # line 2: valid, yet not imported
    (
        {**HARBOR_LEGAL, "reference": "imp-bad-phone", "phone": "(213) 555-0199 #2"},
        "phone: Use only digits, letters, spaces, brackets, dots, dashes and a leading +.",
    ),
    (
        {**HARBOR_LEGAL, "reference": "imp-bad-service", "services": "legal;housing"},
        "services: Unknown code(s): housing. The codes are: hotline, shelter, legal, medical, "
        "counselling, youth, immigration, case_management.",
    ),
    (
        {**HARBOR_LEGAL, "reference": "imp-bad-owner", "owner": "nowhere.localhost"},
        "owner: No site answers on 'nowhere.localhost'",
    ),
    (
        {**HARBOR_LEGAL, "reference": "imp-bad-state", "states": "CA;XX"},
        "states: Unknown state code(s): XX.",
    ),
    (
        {**PINES_SHELTER, "reference": "imp-bad-zip", "zip_prefixes": "900;90A"},
        "zip_prefixes: Enter the first 3, 4 or 5 digits of a ZIP code, like 041 or 04101.",
    ),
    (
        {**HARBOR_LEGAL, "reference": "imp-bad-date", "last_verified": "15/01/2025"},
        "last_verified: '15/01/2025' is not a date written YYYY-MM-DD",
    ),
    (
        {**HARBOR_LEGAL, "reference": "imp-ok"},
        "reference: 'imp-ok' is already on line 2: give each resource one row.",
    ),
    (
        {**HARBOR_LEGAL, "reference": "imp-no-name", "organisation": ""},
        "organisation: This field cannot be blank.",
    ),
]


def test_every_problem_is_reported_with_its_line_and_nothing_is_written(tmp_path):
    total = HelpResource.objects.count()

    message, err = run_failing(tmp_path, csv_text([row for row, _ in BAD_ROWS]), "--no-progress")

    assert message == "8 problem(s) in 8 row(s): nothing was imported."
    lines = err.splitlines()
    assert len(lines) == 8
    expected = [
        (f"line {number} ({row['reference']}): ", reason)
        for number, (row, reason) in enumerate(BAD_ROWS, start=2)
        if reason
    ]
    for line, (where, reason) in zip(lines, expected, strict=True):
        assert line.startswith(where + reason), line
    assert HelpResource.objects.count() == total
    assert not HelpResource.objects.filter(reference__startswith="imp-").exists()


def test_import_resources_reports_row_errors_as_objects():
    rows = [HARBOR_LEGAL, {**HARBOR_LEGAL, "reference": "imp-x", "interpreters": "maybe"}]

    result = import_resources(csv_text(rows))

    assert result.errors == [
        RowError(
            3, "imp-x", "interpreters: Write yes or no (or leave it empty for no), not 'maybe'."
        )
    ]
    assert str(result.errors[0]).startswith("line 3 (imp-x): interpreters: Write yes or no")
    assert (result.created, result.updated, result.unchanged) == ([], [], [])
    assert not imported().exists()


def test_a_reference_owned_by_another_site_is_refused(tmp_path):
    run(tmp_path, csv_text(VALID_ROWS), "--no-progress")

    rows = [
        {**HARBOR_LEGAL, "owner": "pines.localhost", "phone": "1-800-555-0199"},
        {**NETWORK_CHAT, "owner": "ridge.localhost"},
    ]
    message, err = run_failing(tmp_path, csv_text(rows), "--no-progress")

    assert message == "2 problem(s) in 2 row(s): nothing was imported."
    assert err.splitlines() == [
        "line 2 (imp-harbor-legal): owner: 'imp-harbor-legal' belongs to harbor.localhost; "
        "change its owner in the admin.",
        "line 3 (imp-network-chat): owner: 'imp-network-chat' belongs to the network; "
        "change its owner in the admin.",
    ]
    legal = source("imp-harbor-legal")
    assert (legal.owner.hostname, legal.phone) == ("harbor.localhost", "(213) 555-0160")


def test_a_multi_line_description_keeps_later_line_numbers(tmp_path):
    rows = [
        {**HARBOR_LEGAL, "description": "First line,\nsecond line\nand a third."},
        {**PINES_SHELTER, "phone": "(213) 555-0199 #2"},
    ]
    text = csv_text(rows)
    assert text.count("\n") == 5  # the header on line 1, the first row on 2-4, the second on 5

    _message, err = run_failing(tmp_path, text, "--no-progress")

    assert err.startswith("line 5 (imp-pines-shelter): phone: Use only digits")


def test_a_multi_line_description_is_kept(tmp_path):
    """Written with Windows line ends, as spreadsheets save: the cell keeps plain newlines."""
    rows = [{**HARBOR_LEGAL, "description": "First line,\nsecond line."}, PINES_SHELTER]

    run(tmp_path, csv_text(rows).replace("\n", "\r\n"), "--no-progress")

    assert source("imp-harbor-legal").description == "First line,\nsecond line."
    assert source("imp-pines-shelter").organisation == "Pines Import Safe House"


# The file as a whole


def test_dry_run_reports_and_writes_nothing(tmp_path):
    total = HelpResource.objects.count()

    out, _err = run(tmp_path, csv_text(VALID_ROWS), "--dry-run", "--no-progress")

    assert out.strip() == "Created 3, updated 0, unchanged 0. (--dry-run: nothing written)"
    assert HelpResource.objects.count() == total

    run(tmp_path, csv_text(VALID_ROWS), "--no-progress")
    changed = [{**HARBOR_LEGAL, "phone": "1-800-555-0199"}, PINES_SHELTER]
    out, _err = run(tmp_path, csv_text(changed), "--dry-run", "--no-progress")

    assert out.strip() == "Created 0, updated 1, unchanged 1. (--dry-run: nothing written)"
    assert source("imp-harbor-legal").phone == "(213) 555-0160"


def test_an_unknown_column_is_refused(tmp_path):
    columns = [("phon" if column == "phone" else column) for column in COLUMNS]
    row = {("phon" if key == "phone" else key): value for key, value in HARBOR_LEGAL.items()}

    message, err = run_failing(tmp_path, csv_text([row], columns), "--no-progress")

    assert message == "1 problem(s) in 1 row(s): nothing was imported."
    assert err.startswith("line 1: Unknown column(s): 'phon' (did you mean 'phone'?).")
    assert not imported().exists()


def test_a_missing_required_column_is_refused(tmp_path):
    columns = [column for column in COLUMNS if column != "last_verified"]
    row = {key: value for key, value in HARBOR_LEGAL.items() if key != "last_verified"}

    _message, err = run_failing(tmp_path, csv_text([row], columns), "--no-progress")

    assert err.strip() == "line 1: Missing required column(s): last_verified."


def test_headers_ignore_case_spaces_and_a_bom_and_optional_columns_may_be_absent(tmp_path):
    columns = ["reference", "owner", "organisation", "services", "phone", "area", "states"]
    columns += ["last_verified"]
    row = {key: HARBOR_LEGAL[key] for key in columns}
    text = csv_text([row], columns)
    header, rest = text.split("\n", 1)
    header = ",".join(f" {name.upper()} " for name in header.split(","))

    out, _err = run(tmp_path, "\ufeff" + header + "\n" + rest, "--no-progress")

    assert out.strip() == "Created 1, updated 0, unchanged 0."
    legal = source("imp-harbor-legal")
    assert (legal.phone, legal.states, legal.email, legal.languages) == (
        "(213) 555-0160",
        "NV, CA",
        "",
        [],
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "line 1: The file is empty: the first line must name the columns."),
        (",".join(COLUMNS) + "\n\n", "line 1: The file has a header but no rows."),
    ],
)
def test_an_empty_or_header_only_file_is_refused(tmp_path, text, reason):
    message, err = run_failing(tmp_path, text, "--no-progress")

    assert message == "1 problem(s) in 1 row(s): nothing was imported."
    assert err.strip() == reason


def test_a_file_that_is_not_utf8_is_refused_clearly(tmp_path):
    text = csv_text([{**HARBOR_LEGAL, "organisation": "Café Legal"}])

    message, _err = run_failing(tmp_path, text.encode("latin-1"))

    assert "resources.csv is not UTF-8 text (line 2" in message
    assert "Save it from your spreadsheet as 'CSV UTF-8'" in message
    assert not imported().exists()


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_help_resources", str(tmp_path / "missing.csv"))


def test_reads_standard_input(tmp_path, monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(csv_text(VALID_ROWS).encode()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    out = io.StringIO()

    call_command("import_help_resources", "-", "--no-progress", stdout=out, stderr=io.StringIO())

    assert out.getvalue().strip() == "Created 3, updated 0, unchanged 0."


# The documentation

DOCS = Path(__file__).resolve().parents[3] / "docs" / "help-directory.md"


def test_the_documented_example_imports_and_the_table_lists_every_column():
    text = DOCS.read_text(encoding="utf-8")
    example = re.search(r"```csv\n(.*?)```", text, re.DOTALL).group(1)

    result = import_resources(example, dry_run=True)

    assert result.errors == []
    assert len(result.created) + len(result.updated) + len(result.unchanged) == 3
    assert re.findall(r"^\| `(\w+)` \|", text, re.MULTILINE) == COLUMNS


# Progress


def test_the_progress_bar_is_drawn_on_stderr(tmp_path):
    out, err = run(tmp_path, csv_text(VALID_ROWS))

    assert "Checking  [--------------------]  0/3" in err
    assert "\rChecking  [#############-------]  2/3" in err
    assert err.endswith("\rChecking  [####################]  3/3\n")
    assert "Checking" not in out


def test_no_progress_silences_the_bar(tmp_path):
    _out, err = run(tmp_path, csv_text(VALID_ROWS), "--no-progress")

    assert err == ""


def test_progress_is_reported_per_row():
    calls = []

    import_resources(csv_text(VALID_ROWS), dry_run=True, progress=lambda *a: calls.append(a))

    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]
