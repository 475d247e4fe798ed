"""The help directory's background work: imports started from the admin, the imports whose worker
died noticed, and the daily record of resources readers stopped seeing for want of
re-verification (sites.tasks runs them)."""

from datetime import timedelta
from io import StringIO

from django_tasks import task

from django.core.management import call_command

from sites.help.imports import HelpImport, tidy_imports
from sites.tasks.recurring import recurring


@task()
def run_help_import(import_id: int) -> str:
    """Run the import `import_id` (sites.help.imports.HelpImport.run); its status."""
    help_import = HelpImport.objects.filter(pk=import_id).first()
    if help_import is None or help_import.status != HelpImport.Status.QUEUED:
        return "gone" if help_import is None else help_import.status  # run already
    help_import.run()
    return help_import.status


@recurring(every=timedelta(hours=1))
@task()
def check_help_verification() -> None:
    """What run_scheduler does once a day: record the help resources readers stopped seeing for
    want of re-verification (at midnight). Hourly, so a day never goes by without it; a run that
    finds nothing new records nothing."""
    call_command("check_help_verification", stdout=StringIO())


@recurring(every=timedelta(minutes=5))
@task()
def tidy_help_imports() -> dict:
    """Imports whose worker died shown as Interrupted even when no one has their page open, and
    the files of those not started again deleted after a day (sites.help.imports.tidy_imports)."""
    marked, forgotten = tidy_imports()
    return {"interrupted": marked, "files_deleted": forgotten}
