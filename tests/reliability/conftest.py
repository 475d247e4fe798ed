"""Fixtures for the reliability tests (issue #9): a private stack, loaded by locust, broken on
purpose (tests/reliability/stack.py, load.py).

Everything listens on 127.0.0.1 only and is stopped by PID at the end, also when a test fails.
Each scenario's numbers go to var/reliability/result.json.
"""

import contextlib
import datetime
import json
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from tests.bench.run import stop_pid
from tests.reliability.edge import Varnish
from tests.reliability.load import Load
from tests.reliability.stack import (
    BASE_DIR,
    SITES,
    WORKERS,
    Gunicorn,
    PostgreSQL,
    Redis,
    Stack,
    StackError,
    build,
    server_env,
    wait_for,
)
from tests.reliability.task_worker import TaskWorker

OUT_DIR = BASE_DIR / "var" / "reliability"


@pytest.fixture(scope="session")
def stack(request):
    work = Path(tempfile.mkdtemp(prefix="lantern-reliability-"))
    postgresql, redis, varnish = PostgreSQL(work), Redis(work), Varnish(work)
    env = server_env(work, postgresql, redis, varnish)
    stack = Stack(work, postgresql, redis, Gunicorn(env, work), varnish, TaskWorker(env, work))

    def tear_down():
        stack.worker.stop()
        stack.varnish.stop()
        stack.gunicorn.stop()
        stack.redis.stop()
        stack.postgresql.shut_down()
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        for name in (
            "gunicorn.log",
            "postgresql.log",
            "redis.log",
            "varnish.log",
            "worker.log",
        ):  # kept for a look afterwards
            with contextlib.suppress(OSError):
                shutil.copyfile(work / name, OUT_DIR / name)
        shutil.rmtree(work, ignore_errors=True)

    request.addfinalizer(tear_down)
    began = time.monotonic()
    failure = None
    try:
        build(stack, env)
    except StackError as error:
        failure = str(error)
    if failure:
        pytest.fail(f"The reliability stack could not be set up: {failure}", pytrace=False)
    print(
        f"\n[reliability] stack ready in {time.monotonic() - began:.0f} s: {stack.base_url}, "
        f"Varnish in front at {stack.varnish.url}, a task worker beside it"
    )
    return stack


@pytest.fixture
def healthy(stack):
    """Every scenario starts from a stack that says it is ready, has both its workers and its
    task worker, and leaves PostgreSQL, Redis and the task worker running even if it failed
    half-way, for the next one. A task worker that exited (a scenario that failed half-way) is
    started again, as compose's `restart: unless-stopped` does."""
    response = stack.ready()
    assert response.status_code == 200, response.text
    wait_for(lambda: len(stack.gunicorn.workers()) == WORKERS, 30, "both workers up")
    if not stack.worker.running():
        stack.worker.start()
    yield stack
    if stack.postgresql.pid() is None:
        stack.postgresql.start()
    if stack.redis.process is None:
        stack.redis.start()
    if not stack.worker.running():
        stack.worker.start()


@pytest.fixture
def load(stack):
    """Starts locust against the stack; whatever is still running at the end is stopped."""
    started: list[Load] = []

    def start(name: str, **kwargs) -> Load:
        started.append(Load(stack, name, **kwargs).start())
        return started[-1]

    yield start
    for running in started:
        if running.running():
            stop_pid(running.process.pid)


@pytest.fixture(scope="session")
def report(stack):
    """Each scenario's numbers, written to var/reliability/result.json at the end."""
    result = {
        "started": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "stack": {
            "workers": WORKERS,
            "worker_class": "sync",
            "settings": "cms.settings.production",
            "database": "PostgreSQL (private cluster)",
            "cache": "Redis (private)",
            "page_cache_seconds": 600,
            "edge": "Varnish (varnish.vcl, malloc 64 MB), EDGE_CACHE=varnish",
            "tasks": "TASKS_BACKEND=database, one run_worker (--interval 0.2)",
            "cdn_seconds": 600,
            "targets": len(stack.targets),
            "sites": list(SITES),
        },
        "scenarios": {},
    }
    yield result
    scenarios = result["scenarios"].values()
    result["total"] = {
        "scenarios": len(scenarios),
        "held": sum(1 for entry in scenarios if entry["held"]),
        "requests": sum(entry["requests"] for entry in scenarios),
        "load_seconds": round(sum(entry["seconds"] for entry in scenarios), 1),
    }
    result["stack"]["task_worker_starts"] = stack.worker.starts
    result["finished"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUT_DIR / "result.json").write_text(json.dumps(result, indent=2) + "\n")
