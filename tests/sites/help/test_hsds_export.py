"""`manage.py export_hsds DIR`: the help directory as HSDS 3.1 JSON and a tabular datapackage."""

import csv
import datetime
import json

import pytest

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from wagtail.models import Site

from sites.help.hsds.export import TABLES
from sites.help.organizations import Organization
from sites.help.resources import HelpResource
from tests.sites.help.hsds_spec import spec

pytestmark = pytest.mark.django_db

HIDDEN_STREET = "17 Quiet Court"


def source_services():
    return HelpResource.objects.filter(locale__language_code="en")


@pytest.fixture
def shelter(db):
    """A shelter whose address is confidential, with hours, capacity and a text keyword."""
    return HelpResource.objects.create(
        owner=Site.objects.get(hostname="harbor.localhost"),
        organisation="Quiet Court Night Shelter",
        services=["shelter"],
        sms_number="(213) 555-0191",
        sms_keyword="SAFE",
        area=HelpResource.Area.LOCAL,
        states="CA",
        zip_prefixes="900, 9021",
        street_address=HIDDEN_STREET,
        city="Los Angeles",
        postcode="90012",
        latitude=34.056789,
        longitude=-118.243219,
        opening_hours=[
            (
                "weekly",
                {
                    "days": ["FR", "SA"],
                    "opens_at": datetime.time(18),
                    "closes_at": datetime.time(8),
                },
            )
        ],
        capacity_available=3,
        capacity_maximum=12,
        capacity_unit="beds",
        capacity_updated=datetime.datetime(2026, 12, 1, 20, tzinfo=datetime.UTC),
        last_verified=datetime.date(2026, 11, 1),
    )


@pytest.fixture
def closed(db):
    return HelpResource.objects.create(
        organisation="Closed Harbor Helpline",
        services=["hotline"],
        phone="(213) 555-0180",
        area=HelpResource.Area.NATIONAL,
        status=HelpResource.Status.INACTIVE,
        last_verified=datetime.date(2026, 11, 1),
    )


def export(folder, *args) -> str:
    out = []

    class Out:
        def write(self, text):
            out.append(text)

        def flush(self):
            pass

    call_command("export_hsds", str(folder), *args, stdout=Out())
    return "".join(out)


def read_table(path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return reader.fieldnames, list(reader)


def test_both_forms_hold_every_service_in_the_source_language_inactive_ones_too(
    tmp_path, shelter, closed
):
    said = export(tmp_path)
    total = source_services().count()
    assert said.startswith(f"Wrote {total} service(s) of {Organization.objects.count()} organ")
    page = json.loads((tmp_path / "services.json").read_text())
    assert (page["total_items"], page["size"], page["total_pages"]) == (total, total, 1)
    assert page["first_page"] and page["last_page"] and not page["empty"]
    names = {service["name"]: service for service in page["contents"]}
    assert names["Closed Harbor Helpline"]["status"] == "inactive"
    _, services = read_table(tmp_path / "services.csv")
    assert {row["id"] for row in services} == {service["id"] for service in page["contents"]}
    assert {row["status"] for row in services if row["name"] == "Closed Harbor Helpline"} == {
        "inactive"
    }


def test_exported_services_validate_against_the_spec(tmp_path, shelter, closed):
    hsds = spec()
    export(tmp_path)
    page = json.loads((tmp_path / "services.json").read_text())
    for service in page["contents"]:
        assert hsds.errors("compiled/service_with_definitions.json", service) == [], service["name"]


def typed(row: dict, schema: dict) -> dict:
    """A CSV row as the spec's schema types it: numbers as numbers, empty cells left out but
    for required fields (a CSV cannot tell an empty text from a missing one: an organisation's
    description, which HSDS requires, is written empty when Lantern has none)."""
    record = {}
    for name, text in row.items():
        if text == "" and name not in schema["required"]:
            continue
        kind = schema["properties"][name].get("type")
        record[name] = float(text) if kind == "number" else text
    return record


def test_the_tables_have_the_specs_columns_and_rows_that_validate(tmp_path, shelter, closed):
    hsds = spec()
    export(tmp_path)
    tabular = {}
    for table, (path, _columns) in TABLES.items():
        header, rows = read_table(tmp_path / path)
        assert header == hsds.columns(f"{table}.json"), path
        schema = hsds.schemas[f"{table}.json"]
        assert schema["path"] == path, "the spec's own file name"
        tabular[table] = [typed(row, schema) for row in rows]
        for record in tabular[table]:
            assert hsds.row_errors(f"{table}.json", record) == [], (path, record)
    covered = set(hsds.schemas["compiled/tabular.json"]["properties"])
    whole = {table: rows for table, rows in tabular.items() if table in covered}
    assert hsds.errors("compiled/tabular.json", whole) == []
    # What the shelter's rows say, across the tables.
    sid = str(shelter.translation_key)
    _, phones = read_table(tmp_path / "phones.csv")
    assert [(p["type"], p["description"]) for p in phones if p["service_id"] == sid] == [
        ("text", "Text SAFE to this number.")
    ]
    _, schedules = read_table(tmp_path / "schedules.csv")
    [night] = [s for s in schedules if s["service_id"] == sid]
    assert (night["byday"], night["opens_at"][:5], night["closes_at"][:5]) == (
        "FR,SA",
        "18:00",
        "08:00",
    )
    _, areas = read_table(tmp_path / "service_areas.csv")
    assert [a["name"] for a in areas if a["service_id"] == sid] == ["900", "9021"]
    _, capacity = read_table(tmp_path / "service_capacity.csv")
    [beds] = [c for c in capacity if c["service_id"] == sid]
    _, units = read_table(tmp_path / "units.csv")
    assert {u["id"]: u["name"] for u in units}[beds["unit_id"]] == "beds"
    assert (beds["available"], beds["maximum"]) == ("3", "12")


def test_datapackage_json_describes_every_table_and_its_links(tmp_path, shelter):
    export(tmp_path)
    package = json.loads((tmp_path / "datapackage.json").read_text())
    assert package["profile"] == "tabular-data-package"
    ids = {}
    for resource in package["resources"]:
        header, rows = read_table(tmp_path / resource["path"])
        assert [field["name"] for field in resource["schema"]["fields"]] == header
        assert resource["schema"]["primaryKey"] == "id"
        keys = [row["id"] for row in rows]
        assert len(keys) == len(set(keys)), f"{resource['path']}: ids are unique"
        ids[resource["name"]] = set(keys)
    assert {resource["path"] for resource in package["resources"]} == {
        path for path, _ in TABLES.values()
    }
    for resource in package["resources"]:
        _, rows = read_table(tmp_path / resource["path"])
        for link in resource["schema"].get("foreignKeys", []):
            target = link["reference"]["resource"]
            for row in rows:
                value = row[link["fields"]]
                assert not value or value in ids[target], (resource["path"], link, value)


def test_a_confidential_address_is_written_nowhere(tmp_path, shelter):
    export(tmp_path)
    for path in tmp_path.iterdir():
        text = path.read_text(encoding="utf-8")
        assert HIDDEN_STREET not in text, path.name
        assert "34.056789" not in text and "118.243219" not in text, path.name
    _, locations = read_table(tmp_path / "locations.csv")
    [place] = [row for row in locations if row["name"] == "Quiet Court Night Shelter"]
    assert (place["latitude"], place["longitude"]) == ("34.06", "-118.24")


def test_an_address_made_confidential_leaves_no_trace_of_an_earlier_export(tmp_path, shelter):
    shelter.address_public = True
    shelter.save()
    export(tmp_path)
    assert HIDDEN_STREET in (tmp_path / "addresses.csv").read_text()
    shelter.address_public = False
    shelter.save()
    export(tmp_path)
    for path in tmp_path.iterdir():
        assert HIDDEN_STREET not in path.read_text(encoding="utf-8"), path.name


def test_one_agencys_services_and_with_the_network_its_too(tmp_path, shelter, closed):
    def names(*args):
        export(tmp_path, *args)
        page = json.loads((tmp_path / "services.json").read_text())
        return {service["name"] for service in page["contents"]}

    harbor = set(
        source_services()
        .filter(owner__hostname="harbor.localhost")
        .values_list("organisation", flat=True)
    )
    network = set(source_services().filter(owner=None).values_list("organisation", flat=True))
    assert names("--agency", "harbor.localhost") == harbor
    assert "Quiet Court Night Shelter" in harbor
    assert names("--agency", "HARBOR.localhost", "--network") == harbor | network
    assert "Closed Harbor Helpline" in network
    _, organizations = read_table(tmp_path / "organizations.csv")
    runs = source_services().filter(Q(owner__hostname="harbor.localhost") | Q(owner=None))
    assert {row["id"] for row in organizations} == {
        str(hsds_id) for hsds_id in runs.values_list("organization__hsds_id", flat=True)
    }, "the organisations of the services written, no others"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agency", "nowhere.example.org"], "No agency site answers on 'nowhere.example.org'"),
        (["--network"], "--network goes with --agency"),
    ],
)
def test_a_request_that_cannot_be_done_is_refused_saying_why(tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        export(tmp_path, *args)
    assert list(tmp_path.iterdir()) == [], "nothing written"


def test_a_file_in_the_way_is_refused(tmp_path):
    in_the_way = tmp_path / "export"
    in_the_way.write_text("mine")
    with pytest.raises(CommandError, match="is a file"):
        export(in_the_way)
    assert in_the_way.read_text() == "mine"


def test_an_export_costs_the_same_queries_however_many_services(tmp_path):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            export(tmp_path)
        return len(captured)

    before = queries()
    for number in range(20):
        HelpResource.objects.create(
            organisation=f"Extra Service {number:02d}",
            services=["legal"],
            phone="(213) 555-0100",
            area=HelpResource.Area.STATES,
            states="CA",
            last_verified=datetime.date(2026, 11, 1),
        )
    assert queries() == before == 2
