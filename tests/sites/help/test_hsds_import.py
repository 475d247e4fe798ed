"""`manage.py import_hsds`: Open Referral HSDS data into the help directory, checked whole, then
written in one transaction, found again by its ids, never across agencies' walls."""

import copy
import datetime
import io
import json
import shutil
from pathlib import Path
from unittest import mock

import pytest

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError

from wagtail.models import Locale, Site

from sites.help.organizations import Organization
from sites.help.places import time_zone_of
from sites.help.resources import HelpResource

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).with_name("hsds_examples")
AGENCY = EXAMPLES / "agency"

# The spec's example service and organisation.
SPEC_SERVICE = "ac148810-d857-441c-9679-408f346de14b"
SPEC_ORGANIZATION = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
# The agency datapackage's services and organisations.
HOTLINE = "badb8d4c-a013-468c-8e29-87332097dc3f"
SHELTER = "f2f3171a-f9e1-4ff6-b7ba-ea1abf10ea71"
LEGAL = "b1fe5be2-139f-4bc7-ac42-bed60e0fdc26"
STATEWIDE = "bdbaf8b2-0e4b-4eb2-97c4-612d49b2008e"
DROP_IN = "c96cf0c0-c9c9-4be9-af61-7845c220767e"
AGENCY_SERVICES = [HOTLINE, SHELTER, LEGAL, STATEWIDE, DROP_IN]
HARBOR_LIGHT = "920794a0-a817-4924-8a43-9f16a7264c72"
COALITION = "c1d521a9-0bd0-494d-b182-e67c4ec4744d"


def run(path, *args):
    """Run the command; (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_hsds", str(path), "--no-progress", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(path, *args) -> str:
    """Run the command expecting it to refuse; the message it fails with."""
    with pytest.raises(CommandError) as caught:
        run(path, *args)
    return str(caught.value)


def service(hsds_id) -> HelpResource:
    return HelpResource.objects.get(translation_key=hsds_id, locale=Locale.get_default())


def directory() -> list:
    """Every resource and organisation as stored, to tell that nothing changed."""
    return [
        list(HelpResource.objects.order_by("pk").values()),
        list(Organization.objects.order_by("pk").values()),
    ]


def weekly(resource) -> list:
    return [
        (block.value["days"], block.value["opens_at"], block.value["closes_at"])
        for block in resource.opening_hours
    ]


def write_json(tmp_path, data, name="services.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# A service of the kind a US partner sends as HSDS JSON, valid as it is.
def us_service(number: int, **changes) -> dict:
    record = {
        "id": f"00000000-0000-4000-8000-{number:012d}",
        "name": f"Test Service {number}",
        "status": "active",
        "assured_date": "2025-01-31",
        "organization": {
            "id": "00000000-0000-4000-9000-000000000001",
            "name": "Test Organisation",
            "description": "Runs test services.",
        },
        "phones": [{"id": f"00000000-0000-4000-a000-{number:012d}", "number": "(213) 555-0100"}],
        "service_areas": [{"id": f"00000000-0000-4000-b000-{number:012d}", "name": "CA"}],
        "languages": [{"id": f"00000000-0000-4000-c000-{number:012d}", "code": "en"}],
        "attributes": [
            {
                "id": f"00000000-0000-4000-d000-{number:012d}",
                "taxonomy_term": {"id": "00000000-0000-4000-e000-000000000001", "code": "legal"},
            }
        ],
    }
    record.update(changes)
    return record


# The spec's own examples


def test_the_specs_compiled_service_imports_once_told_where_it_helps_and_what_it_is():
    out, err = run(
        EXAMPLES / "service_full.json",
        "--default-area",
        "national",
        "--default-kind",
        "counselling",
    )

    assert "Services: 1 new, 0 updated, 0 unchanged. Organisations: 1 new" in out
    assert err == ""
    counselling = service(SPEC_SERVICE)
    assert counselling.owner is None
    assert counselling.organisation == "Community Counselling"
    assert str(counselling.organization.hsds_id) == SPEC_ORGANIZATION
    assert counselling.organization.name == "Example Organization Inc."
    assert counselling.status == "active"
    assert counselling.services == ["counselling"]
    assert counselling.area == "national"
    assert counselling.website == "http://example.com/counselling"
    # The number, quoted in the spec's own data, is a UK one a phone can dial.
    assert counselling.phone == "+44 1234 234567"
    assert "extension 100 is not kept" in out
    assert weekly(counselling) == [(["TH", "FR"], datetime.time(10), datetime.time(18))]
    # Its schedule says UTC+3 (a number, as HSDS 3.1 has it) and nothing else tells its zone.
    assert counselling.time_zone == "Etc/GMT-3"
    assert "its opening hours are kept at UTC+3 all year (Etc/GMT-3)" in out
    assert counselling.hours.startswith("The service is available from 10 am to 6pm weekdays.")
    # Urdu is not among the languages readers filter by: it is named instead.
    assert counselling.languages == []
    assert counselling.language_notes.startswith("Also in Urdu. Interpretation services")
    assert counselling.capacity_available == 12
    assert counselling.capacity_maximum == 10
    assert counselling.capacity_unit == "Kilogram"
    assert counselling.last_verified == datetime.date(2005, 1, 1)
    # Its place is in "MyCity" with postcode "ABC 1234": not kept, and said so.
    assert counselling.postcode == "" and counselling.latitude is None
    assert "has no US ZIP code" in out
    assert "--default-area national is kept as where it helps" in out


def test_the_specs_compiled_service_is_refused_without_saying_where_and_what(tmp_path):
    before = directory()

    message = refused(EXAMPLES / "service_full.json")

    assert f"record {SPEC_SERVICE}: No service area" not in message
    assert f"record {SPEC_SERVICE}: Service area(s) 'The service is available" in message
    assert "--default-area national" in message
    assert f"record {SPEC_SERVICE}: attributes: no kind of help Lantern knows" in message
    assert message.endswith("problem(s) in 1 record(s): nothing was imported.")
    assert directory() == before


def test_the_specs_page_of_services_imports_and_says_it_is_one_page_of_ten():
    out, _err = run(
        EXAMPLES / "service_list.json",
        "--default-area",
        "national",
        "--default-kind",
        "counselling",
    )

    assert "service_list.json is page 1 of 10: only the 1 service(s) on it are imported." in out
    assert service(SPEC_SERVICE).organization.name == "Example Organization Inc."


def test_the_specs_datapackage_imports_its_tables_joined_by_their_ids():
    out, _err = run(EXAMPLES / "csv", "--default-area", "CA", "--default-kind", "counselling")

    assert "Services: 1 new" in out
    counselling = service(SPEC_SERVICE)
    assert counselling.organization.name == "Example Organization Inc."
    assert counselling.phone == "+44 1234 234567"
    assert weekly(counselling) == [(["TH", "FR"], datetime.time(10), datetime.time(18))]
    assert counselling.area == "states" and counselling.states == "CA"
    assert counselling.language_notes.startswith("Also in Urdu.")
    # The spec's capacity names a service its tables do not have: left out, and said so.
    assert counselling.capacity_available is None
    assert "service_capacity.csv, line 2" in out and "is not in services.csv" in out


# A realistic agency file


@pytest.fixture
def harbor():
    return Site.objects.get(hostname="harbor.localhost")


def test_an_agencys_datapackage_becomes_its_resources(harbor):
    out, err = run(AGENCY, "--agency", "harbor.localhost")

    assert (
        "Services: 5 new, 0 updated, 0 unchanged. Organisations: 2 new, 0 updated, 0 unchanged."
        in out
    )
    assert err == ""
    resources = HelpResource.objects.filter(translation_key__in=AGENCY_SERVICES)
    assert resources.count() == 5
    assert {resource.owner for resource in resources} == {harbor}
    assert set(
        Organization.objects.filter(hsds_id__in=[HARBOR_LIGHT, COALITION]).values_list(
            "owner", flat=True
        )
    ) == {harbor.pk}

    hotline = service(HOTLINE)
    assert hotline.is_24_7 and weekly(hotline) == []
    assert hotline.hours == ""  # "Open 24 hours a day, 7 days a week." says only that
    assert (hotline.phone, hotline.sms_number, hotline.sms_keyword, hotline.tty) == (
        "(213) 555-0100",
        "(213) 555-0101",
        "SAFE",
        "711",
    )
    assert hotline.services == ["hotline"]  # its "Crisis Line" term
    # "Los Angeles County" names no state; its description, "California", does.
    assert (hotline.area, hotline.states) == ("states", "CA")
    assert hotline.languages == ["en", "es", "zh"]  # Mandarin (cmn) is Chinese to readers
    assert hotline.interpreters and hotline.language_notes == ""
    assert hotline.organization.name == "Harbor Light Alliance"

    shelter = service(SHELTER)
    # A night shelter: open from 6 pm to 8 am the next morning, every day; the UTC offset is
    # not kept, its place's zone applies.
    assert weekly(shelter) == [
        (["MO", "TU", "WE", "TH", "FR", "SA", "SU"], datetime.time(18), datetime.time(8))
    ]
    assert not shelter.is_24_7 and shelter.time_zone == ""
    assert (shelter.capacity_available, shelter.capacity_maximum) == (3, 12)
    assert shelter.capacity_unit == "beds"
    assert shelter.capacity_updated == datetime.datetime(2025, 3, 11, 1, 30, tzinfo=datetime.UTC)
    assert shelter.services == ["shelter", "youth"]
    assert (shelter.area, shelter.zip_prefixes, shelter.states) == ("local", "900, 902", "CA")
    # Its location has coordinates and no address, as a confidential place is published.
    assert (shelter.latitude, shelter.longitude, shelter.street_address) == (34.06, -118.24, "")
    assert not shelter.address_public
    assert shelter.languages == ["en", "es"]  # "spa" is Spanish

    legal = service(LEGAL)
    assert weekly(legal) == [(["MO", "TU", "WE", "TH", "FR"], datetime.time(9), datetime.time(17))]
    # The file names the zone its ZIP code has: kept as the ZIP code's (and so follows it).
    assert legal.time_zone == "" and time_zone_of(legal) == "America/Los_Angeles"
    assert legal.hours == "Monday to Friday, 9am to 5pm; call ahead."
    assert legal.services == ["legal", "immigration"]
    assert (legal.street_address, legal.city, legal.postcode) == (
        "200 N Spring St, Suite 400",
        "Los Angeles",
        "90012",
    )
    assert (legal.latitude, legal.longitude) == (34.0522, -118.2437)
    assert legal.language_notes == "Also in Mam."
    assert "Mam: not among the languages readers filter by" in out
    assert "a fax number is not kept" in out

    statewide = service(STATEWIDE)
    assert statewide.organization.name == "California Coalition Against Trafficking"
    assert (statewide.area, statewide.states) == ("states", "CA")
    assert statewide.hours == "Weekdays 8am to 8pm; weekends by voicemail."
    assert weekly(statewide) == [] and not statewide.is_24_7
    assert statewide.languages == ["en"]  # "en-US"

    drop_in = service(DROP_IN)
    assert drop_in.status == "inactive"
    # "Downtown Los Angeles" is no place Lantern knows: its address's ZIP code is.
    assert (drop_in.area, drop_in.zip_prefixes, drop_in.postcode) == ("local", "90013", "90013")
    assert f"record {DROP_IN}: Service area(s) 'Downtown Los Angeles'" in out


def test_importing_the_same_file_again_changes_nothing():
    run(AGENCY, "--agency", "harbor.localhost")
    before = directory()

    out, _err = run(AGENCY, "--agency", "harbor.localhost")

    assert (
        "Services: 0 new, 0 updated, 5 unchanged. Organisations: 0 new, 0 updated, 2 unchanged."
        in out
    )
    assert directory() == before


def test_a_changed_record_updates_its_resource_and_only_it(tmp_path):
    run(AGENCY, "--agency", "harbor.localhost")
    changed = shutil.copytree(AGENCY, tmp_path / "agency")
    phones = (changed / "phones.csv").read_text(encoding="utf-8")
    (changed / "phones.csv").write_text(phones.replace("(213) 555-0160", "(213) 555-0166"))
    pk = service(LEGAL).pk

    out, _err = run(changed, "--agency", "harbor.localhost")

    assert "Services: 0 new, 1 updated, 4 unchanged." in out
    assert service(LEGAL).pk == pk
    assert service(LEGAL).phone == "(213) 555-0166"


def test_an_agency_cannot_change_another_agencys_services():
    run(AGENCY, "--agency", "harbor.localhost")
    before = directory()

    message = refused(AGENCY, "--agency", "pines.localhost")

    for hsds_id in AGENCY_SERVICES:
        assert (
            f"record {hsds_id}: it exists already and belongs to harbor.localhost: an import for "
            "pines.localhost cannot change it." in message
        )
    assert f"organization {HARBOR_LIGHT} belongs to harbor.localhost" in message
    assert directory() == before


def test_the_networks_import_cannot_change_an_agencys_services():
    run(AGENCY, "--agency", "harbor.localhost")
    before = directory()

    message = refused(AGENCY)

    assert f"record {HOTLINE}: it exists already and belongs to harbor.localhost" in message
    assert "an import for the network cannot change it" in message
    assert directory() == before


def test_an_unknown_agency_is_refused_with_the_sites_there_are():
    message = refused(AGENCY, "--agency", "nowhere.localhost")

    assert "No site answers on 'nowhere.localhost': give one of" in message
    assert "harbor.localhost" in message


def test_a_dry_run_reports_and_writes_nothing():
    before = directory()

    out, _err = run(AGENCY, "--agency", "harbor.localhost", "--dry-run")

    assert "Services: 5 new, 0 updated, 0 unchanged." in out
    assert out.strip().endswith("(--dry-run: nothing written)")
    assert directory() == before


# Bad records: every one named, nothing written


def test_a_bad_third_record_refuses_all_three(tmp_path):
    services = [us_service(1), us_service(2), us_service(3, name="")]
    before = directory()

    message = refused(write_json(tmp_path, services))

    assert message == (
        "record 00000000-0000-4000-8000-000000000003: name: every service needs the name "
        "readers know it by.\n1 problem(s) in 1 record(s): nothing was imported."
    )
    assert directory() == before


def test_every_bad_record_is_named_with_every_reason(tmp_path):
    services = [
        us_service(1, phones=[{"id": "00000000-0000-4000-a000-000000000001", "number": "call us"}]),
        us_service(2),
        us_service(3, id="service-3"),
        us_service(4, languages=[{"id": "00000000-0000-4000-c000-000000000004", "code": "xx"}]),
    ]
    before = directory()

    message = refused(write_json(tmp_path, services))

    lines = message.splitlines()
    assert lines == [
        "record 00000000-0000-4000-8000-000000000001: phone 00000000-0000-4000-a000-000000000001: "
        "'call us' is not a phone number: Letters alone cannot be dialled: give the number's "
        "digits too, e.g. 1-800-FYI-CALL.",
        "record service-3: id 'service-3' is not a UUID, as HSDS ids are.",
        "record 00000000-0000-4000-8000-000000000004: language "
        "00000000-0000-4000-c000-000000000004: 'xx' is not an ISO 639-1 or 639-3 language code.",
        "3 problem(s) in 3 record(s): nothing was imported.",
    ]
    assert directory() == before


MONTHLY = {"id": "00000000-0000-4000-f000-000000000001", "freq": "MONTHLY", "byday": "2MO"}


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"name": "  "}, "name: every service needs the name readers know it by."),
        ({"id": "42"}, "id '42' is not a UUID, as HSDS ids are."),
        ({"status": "open"}, "status: give one of active, inactive, defunct, temporarily closed"),
        (
            {"phones": [{"id": "00000000-0000-4000-a000-000000000009", "number": "555-0100 x12"}]},
            "'555-0100 x12' is not a phone number: A link cannot dial an extension",
        ),
        (
            {"languages": [{"id": "00000000-0000-4000-c000-000000000009", "code": "klingon"}]},
            "'klingon' is not an ISO 639-1 or 639-3 language code.",
        ),
        (
            {"schedules": [{**MONTHLY, "opens_at": "10:00", "closes_at": "14:00"}]},
            "a MONTHLY rule cannot be kept: Lantern keeps hours that repeat every week.",
        ),
        (
            {
                "schedules": [
                    {
                        "id": "00000000-0000-4000-f000-000000000002",
                        "freq": "WEEKLY",
                        "interval": 2,
                        "byday": "MO",
                        "opens_at": "10:00",
                        "closes_at": "14:00",
                    }
                ]
            },
            "every 2 weeks cannot be kept",
        ),
        (
            {
                "schedules": [
                    {
                        "id": "00000000-0000-4000-f000-000000000003",
                        "freq": "WEEKLY",
                        "byday": "MO",
                        "opens_at": "25:00",
                        "closes_at": "14:00",
                    }
                ]
            },
            "opens_at: '25:00' is not a time written HH:MM",
        ),
        (
            {"schedules": [{"id": "00000000-0000-4000-f000-000000000004", "timezone": "Pacific"}]},
            "timezone 'Pacific' is neither a UTC offset nor a time zone name",
        ),
        (
            {"service_areas": [{"id": "00000000-0000-4000-b000-000000000009", "name": "Ontario"}]},
            "Service area(s) 'Ontario': not a US state, ZIP code or the United States, and no "
            "address with a US ZIP code",
        ),
        ({"attributes": []}, "attributes: no kind of help Lantern knows"),
        ({"assured_date": ""}, "assured_date: give the day its details were last checked"),
        ({"assured_date": "2999-01-01"}, "assured_date: This date is in the future"),
        ({"email": "not an address"}, "email: Enter a valid email address."),
        (
            {"capacities": [{"id": "00000000-0000-4000-f000-000000000005", "available": 3}]},
            "capacity (updated): Say when they were counted",
        ),
        (
            {"organization": {"id": "00000000-0000-4000-9000-000000000009", "name": ""}},
            "organization 00000000-0000-4000-9000-000000000009: name: This field cannot be blank.",
        ),
    ],
)
def test_each_kind_of_bad_record_is_refused_with_its_reason(tmp_path, changes, reason):
    record = us_service(7, **changes)
    before = directory()

    message = refused(write_json(tmp_path, [us_service(6), record]))

    said = [line for line in message.splitlines() if line.startswith(f"record {record['id']}: ")]
    assert len(said) == 1
    assert reason in said[0]
    assert "nothing was imported" in message
    assert directory() == before


def test_a_database_error_while_writing_leaves_nothing_written(tmp_path):
    before = directory()
    save = HelpResource.save
    calls = []

    def failing_second_save(resource, *args, **kwargs):
        calls.append(resource)
        if len(calls) == 2:
            raise IntegrityError("duplicate key value violates unique constraint")
        return save(resource, *args, **kwargs)

    with mock.patch.object(HelpResource, "save", failing_second_save):
        message = refused(write_json(tmp_path, [us_service(1), us_service(2), us_service(3)]))

    assert len(calls) == 2
    assert message.startswith("The database refused a write (duplicate key value")
    assert "nothing was imported" in message
    assert directory() == before


def test_a_service_listed_twice_is_refused(tmp_path):
    message = refused(write_json(tmp_path, [us_service(1), us_service(1)]))

    assert "record 00000000-0000-4000-8000-000000000001: listed twice (also record #1)." in message


def test_options_place_and_name_records_the_file_leaves_open(tmp_path):
    record = us_service(1, service_areas=[], attributes=[], assured_date="")

    run(
        write_json(tmp_path, [record]),
        "--default-area",
        "nv, ca",
        "--default-kind",
        "shelter",
        "--verified-on",
        "2025-02-01",
    )

    resource = service(record["id"])
    assert (resource.area, resource.states) == ("states", "NV, CA")
    assert resource.services == ["shelter"]
    assert resource.last_verified == datetime.date(2025, 2, 1)


# Files that are not HSDS


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda tmp: tmp / "missing", "no such file or folder."),
        (lambda tmp: write_json(tmp, {"hello": "world"}), "this is JSON, but not HSDS services"),
        (lambda tmp: _text(tmp / "broken.json", '[{"id": '), "broken.json is not JSON: Expecting"),
        (lambda tmp: _bytes(tmp / "latin.json", b'[{"name": "Caf\xe9"}]'), "is not UTF-8 text"),
        (lambda tmp: tmp, "no services.csv, the table of services."),
        (
            lambda tmp: (
                _text(tmp / "services.csv", f"{SPEC_SERVICE},Community Counselling\n").parent
            ),
            "services.csv: the first line must name the columns (id, ...)",
        ),
        (
            lambda tmp: _text(tmp / "datapackage.json", "../../datapackage.json").parent,
            "datapackage.json is not JSON",
        ),
    ],
)
def test_a_file_that_is_not_hsds_gets_a_clear_message(tmp_path, make, expected):
    path = make(tmp_path)

    message = refused(path)

    assert expected in message
    assert "Traceback" not in message


def _text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_a_new_resource_of_a_known_name_gets_a_reference_of_its_own(tmp_path):
    twins = [us_service(1, name="Twin Line"), us_service(2, name="Twin Line")]

    run(write_json(tmp_path, twins))

    references = {service(record["id"]).reference for record in twins}
    assert len(references) == 2


def test_a_records_translations_get_its_new_numbers(tmp_path, harbor):
    run(AGENCY, "--agency", "harbor.localhost")
    legal = service(LEGAL)
    spanish = Locale.objects.get(language_code="es")
    translation = legal.copy_for_translation(spanish)
    translation.save()
    changed = shutil.copytree(AGENCY, tmp_path / "agency")
    phones = (changed / "phones.csv").read_text(encoding="utf-8")
    (changed / "phones.csv").write_text(phones.replace("(213) 555-0160", "(213) 555-0166"))

    run(changed, "--agency", "harbor.localhost")

    translation.refresh_from_db()
    assert translation.phone == "(213) 555-0166"


def test_a_record_of_the_spec_and_one_of_ours_share_nothing_but_the_file(tmp_path):
    spec = json.loads((EXAMPLES / "service_full.json").read_text(encoding="utf-8"))
    ours = copy.deepcopy(us_service(1))

    out, _err = run(
        write_json(tmp_path, [spec, ours]),
        "--default-area",
        "national",
        "--default-kind",
        "counselling",
    )

    assert "Services: 2 new" in out
    assert service(ours["id"]).area == "states"
    assert service(SPEC_SERVICE).area == "national"


# What Lantern exports, it imports as it was


@pytest.mark.parametrize("form", ["services.json", "datapackage.json"])
def test_an_agencys_export_imports_back_unchanged(tmp_path, form):
    run(AGENCY, "--agency", "harbor.localhost")
    call_command("export_hsds", str(tmp_path), "--agency", "harbor.localhost", stdout=io.StringIO())
    exported = json.loads((tmp_path / "services.json").read_text(encoding="utf-8"))["contents"]
    before = directory()

    out, _err = run(tmp_path / form, "--agency", "harbor.localhost")

    assert f"Services: 0 new, 0 updated, {len(exported)} unchanged." in out
    assert directory() == before


class Terminal(io.StringIO):
    """Standard error as a terminal shows it."""

    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_a_progress_bar_and_a_log_none(tmp_path):
    path = write_json(tmp_path, [us_service(1), us_service(2)])
    terminal, log = Terminal(), io.StringIO()

    call_command("import_hsds", str(path), "--dry-run", stdout=io.StringIO(), stderr=terminal)
    call_command("import_hsds", str(path), "--dry-run", stdout=io.StringIO(), stderr=log)

    # Drawn as it starts (then as often as tqdm redraws, which depends on the clock).
    assert "Checking:   0%" in terminal.getvalue() and "0/2" in terminal.getvalue()
    assert log.getvalue() == ""
