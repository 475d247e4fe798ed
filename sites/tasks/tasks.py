"""The task worker's own upkeep: finished task results pruned daily, so that the queue's table
(django-tasks-db's `django_tasks_db_dbtaskresult`, one row a task: every edge purge run, every
scheduled-publishing minute) does not grow for ever."""

from datetime import timedelta
from io import StringIO

from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task, task_backends
from django_tasks_db.backend import DatabaseBackend

from django.conf import settings
from django.core.management import call_command

from sites.tasks.recurring import recurring


@recurring(every=timedelta(days=1))
@task()
def prune_task_results() -> None:
    """Deletes the results of tasks that succeeded more than TASK_RESULTS_KEEP_DAYS ago, and of
    those that failed more than TASK_FAILURES_KEEP_DAYS ago (kept longer: their tracebacks are
    what an operator looks for), on every queue; waiting and running tasks are never touched.
    django-tasks-db's own command does it, as an operator would by hand."""
    if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        return  # tasks run in process: no results are kept
    call_command(
        "prune_db_task_results",
        queue_name="*",
        min_age_days=settings.TASK_RESULTS_KEEP_DAYS,
        failed_min_age_days=settings.TASK_FAILURES_KEEP_DAYS,
        stdout=StringIO(),
    )
