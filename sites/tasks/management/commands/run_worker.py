"""`manage.py run_worker`: run Lantern's background tasks from the database, and enqueue the
recurring ones (scheduled publishing every minute) when they are due.

The worker is django-tasks-db's `db_worker` on Lantern's queues (settings.TASK_QUEUES), with a
clock beside it in a thread: every few seconds it enqueues the recurring tasks that are due
(sites.tasks.recurring). Run one or several: each task is claimed by one worker, each recurring
task is enqueued once per period whichever worker's clock gets there first, and scheduled
publishing holds a lease so two runs never overlap. It replaces `run_scheduler` where
TASKS_BACKEND=database.

SIGTERM or Ctrl-C: the task in progress finishes, then the worker exits (db_worker's own
handling); a second signal stops it at once. Tasks still queued wait for the next worker.

The database going away (PostgreSQL restarted, a failover) stops db_worker with the error; the
worker then waits (1 s, doubling to 30 s) and starts it again on a new connection, as the web
workers carry on after a restart, rather than leaving the queue to whoever restarts containers.
"""

import logging
import signal
import threading
import time

from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections, connections
from django.utils.crypto import get_random_string
from django.utils.module_loading import autodiscover_modules

from sites.tasks.recurring import REGISTERED, enqueue_due

logger = logging.getLogger(__name__)

# Seconds to wait before starting again after the database went away, doubling each time.
FIRST_PAUSE, LONGEST_PAUSE = 1.0, 30.0


class Clock(threading.Thread):
    """Enqueues the recurring tasks that are due, every `every` seconds until stopped."""

    def __init__(self, every: float):
        super().__init__(name="lantern-recurring-tasks", daemon=True)
        self.every = every
        self.stopped = threading.Event()

    def run(self):
        try:
            while not self.stopped.is_set():
                close_old_connections()
                try:
                    for name in enqueue_due():
                        logger.debug("Enqueued %s.", name)
                except DatabaseError as error:
                    logger.warning("Recurring tasks not checked (%s); trying again.", error)
                self.stopped.wait(self.every)
        finally:
            connections.close_all()  # this thread's own connections

    def stop(self):
        self.stopped.set()
        self.join(timeout=10)


class Command(BaseCommand):
    help = (
        "Run background tasks from the database (TASKS_BACKEND=database) and enqueue the "
        "recurring ones, such as scheduled publishing every minute. Several may run at once. "
        "SIGTERM finishes the task in progress, then stops."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait, when no task is queued, before looking again (default 1).",
        )
        parser.add_argument(
            "--clock",
            type=float,
            default=5.0,
            help="Seconds between looks for recurring tasks that are due (default 5).",
        )
        parser.add_argument(
            "--no-recurring",
            action="store_true",
            help="Run queued tasks only; enqueue no recurring ones (another worker does).",
        )

    def handle(self, *args, interval, clock, no_recurring, **options):
        if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
            raise CommandError(
                "TASKS_BACKEND is not 'database': tasks run at once in the process that asks "
                "for them, and a worker has nothing to do. Set TASKS_BACKEND=database on the "
                "web containers and the workers alike."
            )
        if interval <= 0 or clock <= 0:
            raise CommandError("--interval and --clock must be more than 0 seconds.")
        # Each app's tasks.py: its tasks, and the recurring ones among them.
        autodiscover_modules("tasks")
        ticking = None
        if not no_recurring:
            ticking = Clock(clock)
            ticking.start()
            logger.info("Recurring tasks: %s.", ", ".join(sorted(REGISTERED)) or "none")
        try:
            pause = FIRST_PAUSE
            while True:
                try:
                    call_command(
                        "db_worker",
                        queue_name=",".join(settings.TASK_QUEUES),
                        interval=interval,
                        reload=False,
                        startup_delay=True,
                        worker_id=get_random_string(32),
                        verbosity=options["verbosity"],
                    )
                    return  # stopped by a signal
                except DatabaseError as error:
                    logger.warning(
                        "The database went away (%s); the worker starts again in %.0f s.",
                        error.__class__.__name__,
                        pause,
                    )
                    connections.close_all()
                    # No task is running: a signal while waiting stops the worker at once (the
                    # db_worker that failed left its handlers, which would let it start again).
                    for stop_signal in (signal.SIGTERM, signal.SIGINT):
                        signal.signal(stop_signal, signal.SIG_DFL)
                    time.sleep(pause)
                    pause = min(pause * 2, LONGEST_PAUSE)
        finally:
            if ticking is not None:
                ticking.stop()
