"""`manage.py check_help_verification`: record the help resources readers stopped seeing today.

Readers stop seeing a resource by itself, at midnight, once it has gone unverified for
LANTERN_HELP_HIDE_UNVERIFIED_MONTHS (sites.help.verification). This says so, once per
resource: a line in the log and an entry in its history. The scheduler (`run_scheduler`) runs it
once a day; running it again, or after days missed, records nothing twice.
"""

from django.core.management.base import BaseCommand

from sites.help.verification import log_newly_hidden


class Command(BaseCommand):
    help = (
        "Log each help resource that readers no longer see because it has not been verified "
        "for LANTERN_HELP_HIDE_UNVERIFIED_MONTHS, once per resource (and again only after it "
        "is verified and lapses again), and purge the pages that listed it."
    )

    def handle(self, *args, **options):
        newly = log_newly_hidden()
        self.stdout.write(f"Newly hidden from readers: {len(newly)}.")
