"""The help directory's background work: imports started from the admin, and the daily record of
resources readers stopped seeing for want of re-verification (sites.tasks runs them)."""

from datetime import timedelta
from io import StringIO

from django_tasks import task

from django.core.management import call_command

from sites.help.imports import HelpImport
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
