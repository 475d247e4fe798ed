"""Help directory → Imports, as moderators use it: a file uploaded, imported by a task (at once
here, as without a worker: TASKS_BACKEND=immediate), its progress and problems shown; each
agency's moderators import as their own agency and see only its imports."""

import io
import json
import zipfile
from pathlib import Path

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.models import Site

from sites.help.imports import HelpImport
from sites.help.resources import HelpResource
from tests.conftest import logged_in
from tests.sites.help.test_import import HARBOR_LEGAL, NETWORK_CHAT, PINES_SHELTER, csv_text

pytestmark = pytest.mark.django_db

NEW = reverse("lantern_help_import_new")
INDEX = reverse("lantern_help_imports")
AGENCY_PACKAGE = Path(__file__).with_name("hsds_examples") / "agency"
SPEC_SERVICE = Path(__file__).with_name("hsds_examples") / "service_full.json"


def status_url(help_import) -> str:
    return reverse("lantern_help_import", args=[help_import.pk])


def site(hostname) -> Site:
    return Site.objects.get(hostname=hostname)


def csv_upload(rows, name="resources.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_text(rows).encode(), "text/csv")


def zipped(folder: Path) -> SimpleUploadedFile:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as package:
        for path in sorted(folder.iterdir()):
            package.write(path, f"agency/{path.name}")
    return SimpleUploadedFile("agency.zip", data.getvalue(), "application/zip")


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """Posts the form as `client`; the response, after the task queued on commit has run."""

    def post(client, file, agency, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(NEW, {"file": file, "agency": str(agency), **fields})

    return post


def test_a_moderators_csv_is_imported_as_their_agencys_at_once(moderator_a, upload):
    client = logged_in(moderator_a)
    harbor = site("harbor.localhost")
    response = upload(client, csv_upload([{**HARBOR_LEGAL, "owner": ""}]), harbor.pk)

    help_import = HelpImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == status_url(help_import)
    assert help_import.status == "done"
    assert (help_import.site, help_import.started_by, help_import.kind) == (
        harbor,
        moderator_a,
        "csv",
    )
    assert (help_import.done, help_import.total) == (1, 1)
    assert help_import.counts == {"created": 1, "updated": 0, "unchanged": 0}
    assert help_import.finished_at is not None
    assert HelpResource.objects.get(reference=HARBOR_LEGAL["reference"]).owner == harbor

    page = client.get(status_url(help_import)).content.decode()
    assert "Imported" in page and "1 new, 0 updated, 0 unchanged." in page
    assert 'http-equiv="refresh"' not in page  # finished: no more refreshing
    assert "resources.csv" in client.get(INDEX).content.decode()


def test_a_bad_file_lists_each_problem_by_line_and_writes_nothing(moderator_a, upload):
    client = logged_in(moderator_a)
    before = HelpResource.objects.count()
    rows = [{**HARBOR_LEGAL, "owner": ""}, {**HARBOR_LEGAL, "reference": "imp-2", "area": "moon"}]
    upload(client, csv_upload(rows), site("harbor.localhost").pk)

    help_import = HelpImport.objects.get()
    assert help_import.status == "refused"
    assert help_import.errors == [
        "line 3 (imp-2): area: Write national, states or local, not 'moon': national for a "
        "service everywhere, states for whole states, local for some ZIP codes."
    ]
    assert HelpResource.objects.count() == before
    page = client.get(status_url(help_import)).content.decode()
    assert "1 problem: nothing was imported." in page
    assert "line 3 (imp-2): area: Write national" in page


def test_a_moderators_file_cannot_hold_another_agencys_resources(moderator_a, upload):
    client = logged_in(moderator_a)
    upload(client, csv_upload([PINES_SHELTER]), site("harbor.localhost").pk)

    help_import = HelpImport.objects.get()
    assert help_import.status == "refused"
    assert help_import.errors == [
        "line 2 (imp-pines-shelter): owner: This import is harbor.localhost's: leave owner "
        "empty or write harbor.localhost, not 'pines.localhost'."
    ]
    assert not HelpResource.objects.filter(reference=PINES_SHELTER["reference"]).exists()


def test_a_moderator_imports_only_as_their_own_agency(moderator_a, upload):
    client = logged_in(moderator_a)
    for agency in (site("pines.localhost").pk, "network"):
        response = upload(client, csv_upload([NETWORK_CHAT]), agency)
        assert response.status_code == 200
        assert "Select a valid choice." in response.content.decode()
    assert not HelpImport.objects.exists()


def test_a_network_admin_imports_network_wide_with_each_rows_owner(network_admin, upload):
    upload(logged_in(network_admin), csv_upload([NETWORK_CHAT, PINES_SHELTER]), "network")

    assert HelpImport.objects.get().status == "done"
    assert HelpResource.objects.get(reference="imp-network-chat").owner is None
    assert HelpResource.objects.get(reference="imp-pines-shelter").owner == site("pines.localhost")


def test_another_agencys_moderator_sees_neither_the_import_nor_its_listing(
    moderator_a, moderator_b, upload
):
    upload(
        logged_in(moderator_a),
        csv_upload([{**HARBOR_LEGAL, "owner": ""}], name="harbor-secret.csv"),
        site("harbor.localhost").pk,
    )
    help_import = HelpImport.objects.get()
    other = logged_in(moderator_b)

    assert other.get(status_url(help_import)).status_code == 404
    assert "harbor-secret.csv" not in other.get(INDEX).content.decode()


def test_editors_may_not_import(editor_a):
    """Sent back to the dashboard, as Wagtail's admin answers any view refused to its user."""
    client = logged_in(editor_a)
    for url in (INDEX, NEW):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))
    assert client.post(NEW, {"agency": "network"}).status_code == 302
    assert not HelpImport.objects.exists()


def test_a_file_of_another_kind_is_a_form_error(moderator_a, upload):
    client = logged_in(moderator_a)
    response = upload(
        client, SimpleUploadedFile("notes.txt", b"hello", "text/plain"), site("harbor.localhost").pk
    )
    assert response.status_code == 200
    assert "Upload a .csv spreadsheet, an HSDS .json file" in response.content.decode()
    fake_zip = SimpleUploadedFile("package.zip", b"not a zip", "application/zip")
    response = upload(client, fake_zip, site("harbor.localhost").pk)
    assert "This is not a zip file we can read." in response.content.decode()
    assert not HelpImport.objects.exists()


def test_a_csv_that_is_not_utf8_is_refused_with_how_to_save_it(moderator_a, upload):
    upload(
        logged_in(moderator_a),
        SimpleUploadedFile("latin.csv", "reference\nCaf\u00e9\n".encode("latin-1")),
        site("harbor.localhost").pk,
    )
    help_import = HelpImport.objects.get()
    assert help_import.status == "refused"
    assert help_import.errors == [
        "latin.csv is not UTF-8 text (line 2 has a byte UTF-8 doesn't use). Save it from your "
        "spreadsheet as 'CSV UTF-8' and upload it again."
    ]


def test_a_zipped_hsds_datapackage_becomes_the_agencys_resources(moderator_a, upload):
    harbor = site("harbor.localhost")
    upload(logged_in(moderator_a), zipped(AGENCY_PACKAGE), harbor.pk)

    help_import = HelpImport.objects.get()
    assert help_import.status == "done", help_import.errors
    assert help_import.kind == "hsds_zip"
    assert help_import.counts["created"] == 5
    assert help_import.counts["organizations_created"] == 2
    assert (help_import.done, help_import.total) == (5, 5)
    assert HelpResource.objects.filter(owner=harbor, translation_key__isnull=False).count() >= 5


def test_hsds_json_with_records_the_file_leaves_open_is_refused_per_record(moderator_a, upload):
    """The spec's own example names no kind of help Lantern knows: refused, as by import_hsds,
    unless the form gives a default; its problems are named by the record's id."""
    service = json.loads(SPEC_SERVICE.read_text())
    before = HelpResource.objects.count()
    upload(
        logged_in(moderator_a),
        SimpleUploadedFile("service.json", json.dumps(service).encode(), "application/json"),
        site("harbor.localhost").pk,
    )
    help_import = HelpImport.objects.get()
    assert help_import.status == "refused"
    assert help_import.errors
    assert all(error.startswith(f"record {service['id']}: ") for error in help_import.errors)
    assert HelpResource.objects.count() == before


def test_a_zip_that_would_write_outside_its_folder_is_refused(moderator_a, upload):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as package:
        package.writestr("../services.csv", "id,name\n")
    upload(
        logged_in(moderator_a),
        SimpleUploadedFile("evil.zip", data.getvalue(), "application/zip"),
        site("harbor.localhost").pk,
    )
    help_import = HelpImport.objects.get()
    assert help_import.status == "refused"
    assert help_import.errors == [
        "evil.zip: '../services.csv' would be written outside the package."
    ]


def test_an_import_waiting_for_a_worker_says_so_and_refreshes_itself(moderator_a, upload, settings):
    """With a queue and no worker yet (the task kept, not run: django-tasks' dummy backend)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client = logged_in(moderator_a)
    upload(client, csv_upload([{**HARBOR_LEGAL, "owner": ""}]), site("harbor.localhost").pk)

    help_import = HelpImport.objects.get()
    assert help_import.status == "queued"
    assert help_import.file  # kept until the worker has run it
    page = client.get(status_url(help_import)).content.decode()
    assert "Waiting for a worker" in page
    assert '<meta http-equiv="refresh" content="2">' in page
    assert not HelpResource.objects.filter(reference=HARBOR_LEGAL["reference"]).exists()
