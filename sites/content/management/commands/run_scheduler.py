"""`manage.py run_scheduler [--interval N] [--once]`: publish and expire scheduled pages every N seconds.

The long-running form of Wagtail's `publish_scheduled`, for the compose `scheduler` service.
It holds the same lease as the task workers' scheduled publishing (sites.content.tasks), so a
scheduler beside workers, or two schedulers, never publish the same revision twice.

Once a day (after the first run that goes through each day, and with --once), it also runs
`check_help_verification`, which records the help resources readers stopped seeing for want of
re-verification (sites.help.verification).

Before each run, a page revision due to go live that the privacy gate would hold
(sites.privacy.gate) is taken off the schedule, noted in the page's history and logged by id and
kinds of finding only, never the words found: `publish_scheduled` would otherwise stop at it,
every run, and publish nothing scheduled after it.
"""

import logging
import signal
import time
from io import StringIO

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import InterfaceError, OperationalError, close_old_connections
from django.utils import timezone

from wagtail.signals import published, unpublished

from sites.content.scheduling import EXCLUSIVE, LONGEST_RUN, set_aside_held_revisions
from sites.privacy.gate import PrivacyHeld, kinds
from sites.tasks.recurring import exclusive

logger = logging.getLogger(__name__)

# How often a sleeping scheduler looks whether it was asked to stop.
WAKE_SECONDS = 0.5


def first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [""])[0]


class Command(BaseCommand):
    help = (
        "Publish pages and snippets whose go-live time has come and unpublish those that have "
        "expired (Wagtail's publish_scheduled), every --interval seconds until stopped, and "
        "once a day check_help_verification. "
        "SIGTERM or Ctrl-C stops it after the run in progress; a database outage is logged and "
        "retried at the next run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=int,
            default=60,
            help="Seconds between runs (at least 1; default 60).",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="Run once and exit: non-zero if the run failed.",
        )

    def handle(self, *args, interval, once, **options):
        if interval < 1:
            raise CommandError(
                f"--interval must be a whole number of seconds, at least 1 (not {interval})."
            )
        self.help_checked_on = None
        if once:
            if not self.run_once(retry="not retried (--once)"):
                raise CommandError("Scheduled publishing failed; see the log above.")
            self.check_help_directory()
            return

        self.stopping = False
        previous = {
            signum: signal.signal(signum, self.stop) for signum in (signal.SIGTERM, signal.SIGINT)
        }
        logger.info("Scheduler started: publishing scheduled pages every %d s.", interval)
        try:
            while not self.stopping:
                if self.run_once(retry=f"trying again in {interval} s", long_running=True):
                    self.check_help_directory()
                self.sleep(interval)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        logger.info("Scheduler stopped.")

    def stop(self, signum, frame):
        # Only a flag: the run in progress finishes, and the loop ends before the next one.
        self.stopping = True

    def sleep(self, seconds: int) -> None:
        # Short naps rather than one long one: a signal does not cut time.sleep() short.
        deadline = time.monotonic() + seconds
        while not self.stopping and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, WAKE_SECONDS))

    def run_once(self, retry: str, long_running: bool = False) -> bool:
        """One publish_scheduled run, and whether it went through; a failure is logged, not raised."""
        changes = {"published": 0, "unpublished": 0}

        def counter(kind):
            def count(**kwargs):
                changes[kind] += 1

            return count

        count_published, count_unpublished = counter("published"), counter("unpublished")
        published.connect(count_published, weak=False)
        unpublished.connect(count_unpublished, weak=False)
        try:
            if long_running:
                # As Django does before each request: drop a connection that broke or grew old,
                # so that the first run after a database outage connects afresh.
                close_old_connections()
            with exclusive(EXCLUSIVE, LONGEST_RUN) as ours:
                if not ours:
                    logger.info("Scheduled publishing skipped: another process is running it.")
                    return True
                set_aside_held_revisions()
                call_command("publish_scheduled", stdout=StringIO())
        except PrivacyHeld as held:
            # Held between the check and its turn (its words are not logged): set aside next run.
            logger.warning(
                "Scheduled publishing stopped at revision %s, held by the privacy screen (%s); %s.",
                held.revision.pk,
                ", ".join(kinds(held.findings)),
                retry,
            )
            return False
        except (OperationalError, InterfaceError) as error:
            logger.warning(
                "Scheduled publishing skipped: the database is unavailable (%s: %s); %s.",
                type(error).__name__,
                first_line(error),
                retry,
            )
            return False
        except Exception:
            logger.exception("Scheduled publishing failed; %s.", retry)
            return False
        finally:
            published.disconnect(count_published)
            unpublished.disconnect(count_unpublished)
            if any(changes.values()):
                logger.info(
                    "Scheduled publishing: %d published, %d unpublished.",
                    changes["published"],
                    changes["unpublished"],
                )
        return True

    def check_help_directory(self) -> None:
        """`check_help_verification`, once a day: readers stop seeing unverified help resources
        at midnight, and this records the ones that stopped. A failure is logged and it is tried
        again after the next run; it never stops publishing."""
        today = timezone.localdate()
        if self.help_checked_on == today:
            return
        try:
            call_command("check_help_verification", stdout=StringIO())
        except (OperationalError, InterfaceError) as error:
            logger.warning(
                "Help directory check skipped: the database is unavailable (%s: %s); "
                "trying again after the next run.",
                type(error).__name__,
                first_line(error),
            )
            return
        except Exception:
            logger.exception("Help directory check failed; trying again after the next run.")
            return
        self.help_checked_on = today
