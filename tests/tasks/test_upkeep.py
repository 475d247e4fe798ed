"""The worker's upkeep: finished task results pruned daily from the queue's table (succeeded
after TASK_RESULTS_KEEP_DAYS, failed after TASK_FAILURES_KEEP_DAYS, waiting and running never),
and the help directory's interrupted imports noticed every few minutes, both found by the
worker as it finds every recurring task."""

from datetime import timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from sites.tasks.recurring import REGISTERED
from sites.tasks.tasks import prune_task_results
from tests.tasks.conftest import HAND_OVER, QUEUED_IN_PROCESS

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_queue(settings):
    """Tasks written to django-tasks-db's table by this process, as with TASKS_BACKEND=database."""
    if HAND_OVER:
        pytest.skip(QUEUED_IN_PROCESS)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def a_result(status: str, days_ago: float) -> str:
    """A task result in the queue's table, left as a worker leaves it `days_ago`."""
    when = timezone.now() - timedelta(days=days_ago)
    result = prune_task_results.enqueue()
    finished_at = when if status in ("SUCCESSFUL", "FAILED") else None
    started_at = when if status != "READY" else None
    DBTaskResult.objects.filter(pk=result.id).update(
        status=status, started_at=started_at, finished_at=finished_at
    )
    return str(result.id)


def kept() -> set[str]:
    return {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)}


def test_finished_results_are_pruned_after_their_age_and_the_others_never(database_queue):
    keep = {
        a_result("SUCCESSFUL", days_ago=6),
        a_result("FAILED", days_ago=29),  # failures kept longer: their tracebacks
        a_result("RUNNING", days_ago=90),  # a task still running is never pruned
        a_result("READY", days_ago=90),
    }
    gone = {a_result("SUCCESSFUL", days_ago=8), a_result("FAILED", days_ago=31)}

    prune_task_results.call()

    assert kept() == keep
    assert not gone & kept()


def test_the_ages_are_settings(database_queue, settings):
    settings.TASK_RESULTS_KEEP_DAYS = 1
    settings.TASK_FAILURES_KEEP_DAYS = 2
    recent = {a_result("SUCCESSFUL", days_ago=0.5), a_result("FAILED", days_ago=1.5)}
    a_result("SUCCESSFUL", days_ago=1.5)
    a_result("FAILED", days_ago=2.5)

    prune_task_results.call()

    assert kept() == recent


def test_without_a_queue_there_is_nothing_to_prune():
    prune_task_results.call()  # TASKS_BACKEND=immediate: no results kept, no error


def test_the_worker_finds_the_upkeep_with_the_other_recurring_tasks():
    autodiscover_modules("tasks")  # as run_worker does
    assert REGISTERED["sites.tasks.tasks.prune_task_results"][1] == timedelta(days=1)
    assert REGISTERED["sites.help.tasks.tidy_help_imports"][1] == timedelta(minutes=5)
