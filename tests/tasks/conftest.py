"""A real task worker for a test: `manage.py run_worker` in its own process, on the test's own
database (committed, so `transaction=True`) and media folder, stopped by its PID afterwards."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django_tasks import task_backends
from django_tasks_db.models import DBTaskResult

import django
from django.db import connection

from tests.conftest import load_demo_network

ROOT = Path(__file__).resolve().parents[2]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
# On Django 6, django-tasks-db queues Django's own Task objects, while the django-tasks backport
# (which Wagtail 8 and Lantern decorate with) fixes a task's class when its module is imported:
# in this process, imported under the test settings' immediate backend, tasks cannot then be
# queued in the database (a worker started with TASKS_BACKEND=database, as in production, can).
# There this process keeps its tasks (django-tasks' dummy backend) and the test hands Lantern's
# over to the database queue as django-tasks-db's backend writes them (`Worker.hand_over`).
HAND_OVER = django.VERSION >= (6, 0)
# Why a test that queues in this process's database queue runs on Django 5.2 alone: the same
# work is done by a real worker on both versions (test_worker.py).
QUEUED_IN_PROCESS = (
    "Django 6: this test process's tasks were made under the immediate backend, and rows it "
    "writes to the database queue point to no Django Task; test_worker.py's real worker runs "
    "the same work on Django 6"
)
# How long a test waits for the worker to do something, at most.
WAIT_SECONDS = 90


class Worker:
    def __init__(self, log: Path, media_root: str):
        self.log = log
        self.media_root = media_root
        self.process = None

    def start(self, **environ: str) -> "Worker":
        """Starts the worker process; `environ`: settings of its own (EDGE_CACHE, say)."""
        keys = ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")
        database = {key: connection.settings_dict[key] for key in keys}
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.tasks.worker_settings",
            "LANTERN_TEST_DATABASE": json.dumps(database),
            "LANTERN_TEST_MEDIA_ROOT": self.media_root,
            "TASKS_BACKEND": "database",
            "PYTHONPATH": str(ROOT),
            **environ,
        }
        self.output = self.log.open("w")
        self.process = subprocess.Popen(  # noqa: S603 (our own manage.py)
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "run_worker",
                "--interval",
                "0.2",
                "--clock",
                "0.5",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
        )
        return self

    def hand_over(self) -> None:
        """Lantern's tasks this process has queued, into the worker's queue (Django 6 only; on
        Django 5.2 this process's database backend has queued them itself)."""
        if not HAND_OVER:
            return
        backend = task_backends["default"]
        for result in backend.results:
            if result.task.module_path.startswith("sites."):
                DBTaskResult.objects.create(
                    args_kwargs={"args": list(result.args), "kwargs": dict(result.kwargs)},
                    priority=result.task.priority,
                    task_path=result.task.module_path,
                    queue_name=result.task.queue_name,
                    backend_name="default",
                )
        backend.clear()

    def wait_for(self, what: str, check, timeout: float = WAIT_SECONDS):
        """`check()`'s first true value, asked every few tenths of a second; fails after
        `timeout` seconds, or at once if the worker has died, with its output."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if value := check():
                return value
            if self.process.poll() is not None:
                pytest.fail(
                    f"the worker exited ({self.process.returncode}) before {what}:\n{self.said()}"
                )
            time.sleep(0.3)
        pytest.fail(f"the worker did not {what} within {timeout} s:\n{self.said()}")

    def stop(self) -> int:
        """SIGTERM to its PID; its exit code (killed if it has not stopped in 20 s)."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        os.kill(self.process.pid, signal.SIGTERM)
        try:
            return self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()
            pytest.fail(f"the worker did not stop on SIGTERM:\n{self.said()}")
        finally:
            self.output.close()

    def said(self) -> str:
        self.output.flush()
        return self.log.read_text()[-4000:]


@pytest.fixture
def worker(transactional_db, settings, tmp_path):
    """A worker process (not started yet: `worker.start()`), with this test's tasks queued in the
    database as TASKS_BACKEND=database does, on the demo network committed."""
    load_demo_network(translated=False)  # the tables may have been emptied; English is enough
    settings.TASKS = DUMMY_TASKS if HAND_OVER else DATABASE_TASKS
    settings.LANTERN_RENDITIONS_ON_PUBLISH = True
    running = Worker(tmp_path / "worker.log", settings.MEDIA_ROOT)
    yield running
    running.stop()
