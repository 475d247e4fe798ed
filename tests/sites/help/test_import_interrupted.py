"""Help directory → Imports, when the worker running one dies (SIGKILL, out of memory, a deploy
that did not wait): the moderator sees it Interrupted, not a spinner for ever, and starts it again
from its page. What a killed worker leaves behind (a row still Running, its last beat long ago; a
task the queue has finished) is written here with the ORM; everything else goes through the admin
as the agency's moderator does it."""

from datetime import timedelta

import pytest
from django_tasks import task_backends
from django_tasks_db.models import DBTaskResult

from django.utils import timezone

from sites.help.imports import STALE_AFTER, HelpImport, tidy_imports
from sites.help.resources import HelpResource
from sites.help.tasks import run_help_import
from tests.conftest import logged_in
from tests.sites.help.test_import import HARBOR_LEGAL
from tests.sites.help.test_import_admin import INDEX, NEW, csv_upload, site, status_url
from tests.tasks.conftest import HAND_OVER, QUEUED_IN_PROCESS

pytestmark = pytest.mark.django_db

REFRESH = 'http-equiv="refresh"'


def start_again_url(help_import) -> str:
    return status_url(help_import) + "start-again/"


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """Posts the form as `client`, the import's task asked for once it commits."""

    def post(client, file, agency):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(NEW, {"file": file, "agency": str(agency)})

    return post


@pytest.fixture
def queue_without_worker(settings):
    """Tasks kept, not run (django-tasks' dummy backend): the worker is ours to play."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    return task_backends["default"]


@pytest.fixture
def database_queue(settings):
    """Tasks written to django-tasks-db's table by this process, as with TASKS_BACKEND=database."""
    if HAND_OVER:
        pytest.skip(QUEUED_IN_PROCESS)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def taken_by_a_worker(help_import, last_beat_ago: timedelta) -> None:
    """What a worker leaves when it has started the import and checked a record of two."""
    HelpImport.objects.filter(pk=help_import.pk).update(
        status="running", done=1, total=2, heartbeat_at=timezone.now() - last_beat_ago
    )


def test_a_running_import_that_stopped_beating_is_interrupted_and_started_again(
    moderator_a, upload, queue_without_worker, django_capture_on_commit_callbacks
):
    client = logged_in(moderator_a)
    upload(client, csv_upload([{**HARBOR_LEGAL, "owner": ""}]), site("harbor.localhost").pk)
    help_import = HelpImport.objects.get()
    assert help_import.task_id == str(queue_without_worker.results[0].id)

    # Alive: beating, so still running, however long it takes.
    taken_by_a_worker(help_import, last_beat_ago=STALE_AFTER - timedelta(seconds=30))
    page = client.get(status_url(help_import)).content.decode()
    assert "Running" in page and REFRESH in page and "Interrupted" not in page
    assert HelpImport.objects.get().status == "running"

    # The worker was killed: no beat since.
    taken_by_a_worker(help_import, last_beat_ago=STALE_AFTER + timedelta(seconds=30))
    page = client.get(status_url(help_import)).content.decode()
    assert "Interrupted: the worker stopped before it finished" in page
    assert "stopped before it finished (it was restarted, stopped or ran out of memory)" in page
    assert "nothing was imported." in page
    assert "Fix the file" not in page  # nothing wrong with the file
    assert REFRESH not in page
    assert "Start it again" in page
    help_import.refresh_from_db()
    assert help_import.status == "interrupted" and help_import.finished_at is not None
    assert help_import.file  # kept, to start again
    assert "Interrupted" in client.get(INDEX).content.decode()

    with django_capture_on_commit_callbacks(execute=True):  # the task asked for on commit
        response = client.post(start_again_url(help_import))
    assert response.status_code == 302 and response["Location"] == status_url(help_import)
    help_import.refresh_from_db()
    assert (help_import.status, help_import.errors, help_import.finished_at) == ("queued", [], None)
    assert (help_import.done, help_import.total) == (0, 0)
    second = queue_without_worker.results[1]
    assert second.args == [help_import.pk] and help_import.task_id == str(second.id)
    page = client.get(status_url(help_import)).content.decode()
    assert "queued again" in page and "Waiting for a worker" in page and REFRESH in page

    run_help_import.call(help_import.pk)  # a worker takes it, and lives this time
    help_import.refresh_from_db()
    assert help_import.status == "done" and not help_import.file
    assert HelpResource.objects.get(reference=HARBOR_LEGAL["reference"]).owner == site(
        "harbor.localhost"
    )


def test_an_import_whose_task_the_queue_has_finished_is_interrupted_at_once(
    moderator_a, upload, database_queue
):
    """A worker stopped in the middle by a second SIGTERM records the task as failed; the import,
    beating a moment ago, is over all the same."""
    client = logged_in(moderator_a)
    upload(client, csv_upload([{**HARBOR_LEGAL, "owner": ""}]), site("harbor.localhost").pk)
    help_import = HelpImport.objects.get()
    task_result = DBTaskResult.objects.get(pk=help_import.task_id)

    taken_by_a_worker(help_import, last_beat_ago=timedelta(seconds=5))
    DBTaskResult.objects.filter(pk=task_result.pk).update(status="RUNNING")
    assert "Interrupted" not in client.get(status_url(help_import)).content.decode()

    DBTaskResult.objects.filter(pk=task_result.pk).update(
        status="FAILED", finished_at=timezone.now()
    )
    page = client.get(status_url(help_import)).content.decode()
    assert "Interrupted: the worker stopped before it finished" in page
    assert HelpImport.objects.get().status == "interrupted"


def test_a_waiting_import_whose_task_is_gone_from_the_queue_is_interrupted(
    moderator_a, upload, database_queue
):
    client = logged_in(moderator_a)
    upload(client, csv_upload([{**HARBOR_LEGAL, "owner": ""}]), site("harbor.localhost").pk)
    help_import = HelpImport.objects.get()
    assert "Waiting for a worker" in client.get(INDEX).content.decode()

    DBTaskResult.objects.filter(pk=help_import.task_id).delete()
    assert "Interrupted" in client.get(INDEX).content.decode()
    assert HelpImport.objects.get().status == "interrupted"


def test_after_a_day_the_file_is_deleted_and_the_import_cannot_be_started_again(
    moderator_a, upload, queue_without_worker
):
    client = logged_in(moderator_a)
    upload(client, csv_upload([{**HARBOR_LEGAL, "owner": ""}]), site("harbor.localhost").pk)
    help_import = HelpImport.objects.get()
    taken_by_a_worker(help_import, last_beat_ago=STALE_AFTER * 2)

    # The worker's upkeep notices it with no one looking, and a day later deletes the file.
    assert tidy_imports() == (1, 0)
    assert tidy_imports(timezone.now() + timedelta(days=2)) == (0, 1)
    help_import.refresh_from_db()
    assert help_import.status == "interrupted" and not help_import.file

    page = client.get(status_url(help_import)).content.decode()
    assert "Start it again" not in page and "Its file is no longer kept" in page
    client.post(start_again_url(help_import))
    assert HelpImport.objects.get().status == "interrupted"
    assert "import the file again" in client.get(status_url(help_import)).content.decode()
    assert len(queue_without_worker.results) == 1


def test_another_agencys_moderator_cannot_start_it_again(
    moderator_a, moderator_b, upload, queue_without_worker
):
    upload(
        logged_in(moderator_a),
        csv_upload([{**HARBOR_LEGAL, "owner": ""}]),
        site("harbor.localhost").pk,
    )
    help_import = HelpImport.objects.get()
    taken_by_a_worker(help_import, last_beat_ago=STALE_AFTER * 2)
    tidy_imports()

    response = logged_in(moderator_b).post(start_again_url(help_import))
    assert response.status_code in (403, 404)
    assert HelpImport.objects.get().status == "interrupted"
    assert len(queue_without_worker.results) == 1
