"""The reliability stack's task worker: `manage.py run_worker` beside gunicorn, as in compose.

With TASKS_BACKEND=database (the stack's env, for gunicorn, the changes made in a shell and the
worker alike) a change only queues its edge purge in the outbox; this worker sends it, and
sends it again with the outbox's backoff while the edge does not take it, as in production. It
polls the queue every 0.2 s, so a purge leaves within a few tenths of a second of its commit.
Started in the stack fixture and stopped by its PID.
"""

import contextlib
import subprocess
from pathlib import Path

from tests.bench.run import stop_pid
from tests.reliability.stack import BASE_DIR, BIN, StackError, wait_for

POLL_SECONDS = "0.2"  # run_worker's --interval: how long an idle worker waits to look again
# db_worker's first line (django-tasks-db), once it polls the queue.
STARTED = "Starting worker"


class TaskWorker:
    """`manage.py run_worker` with the stack's settings; its whole log in one file."""

    def __init__(self, env: dict, work: Path):
        self.env = env
        self.log = work / "worker.log"
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self, **environ: str) -> None:
        """Starts the worker; `environ`: settings of its own for this run (EDGE_CACHE_URL, say)."""
        since = self.log.stat().st_size if self.log.exists() else 0
        log = open(self.log, "a")  # noqa: SIM115 (the worker's, closed by it)
        self.process = subprocess.Popen(  # noqa: S603
            [str(BIN / "python"), "manage.py", "run_worker", "--interval", POLL_SECONDS],
            env=self.env | environ,
            cwd=BASE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log.close()
        self.starts += 1

        def ready():
            if self.process.poll() is not None:
                raise StackError(
                    f"the task worker exited at start:\n{self.log_text(since)[-3000:]}"
                )
            return STARTED in self.log_text(since)

        wait_for(ready, 60, "the task worker polling its queue")

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_text(self, since: int = 0) -> str:
        with open(self.log, encoding="utf-8", errors="replace") as log:
            log.seek(since)
            return log.read()

    def stop(self) -> None:
        """SIGTERM: the task in progress finishes, then it exits (killed after 20 s)."""
        if self.process is None:
            return
        stop_pid(self.process.pid, timeout=20)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self.process = None
