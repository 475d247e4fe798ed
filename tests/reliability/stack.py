"""The reliability tests' private stack: PostgreSQL, Redis, gunicorn and Varnish on 127.0.0.1.

A PostgreSQL cluster and a Redis of the session's own on free ports (the shared ones on 5432 and
6379 are never stopped), the demo network migrated and loaded into that database, and gunicorn
with the production settings in front of them: 2 sync workers, the page cache in Redis, JSON
logs; Varnish with the project's VCL in front of gunicorn (tests/reliability/edge.py), which
Lantern purges by tag; and a task worker beside gunicorn (tests/reliability/task_worker.py),
which sends those purges. Every process is started here and stopped by its PID.
"""

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import requests

from tests.bench.run import children_of, free_port, port_open, stop_pid
from tests.bench.run import run as run_command

if TYPE_CHECKING:
    from tests.reliability.edge import Varnish
    from tests.reliability.task_worker import TaskWorker

BASE_DIR = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
PG_BIN = Path(os.environ.get("LANTERN_PG_BIN", "/usr/lib/postgresql/15/bin"))
HTTPS = {"X-Forwarded-Proto": "https"}  # as the TLS proxy in front of gunicorn sends it
WORKERS = 2

# Each demo site (tests/conftest.py, fixtures/demo) and a ZIP code in its state for find-help.
SITES = {
    "localhost": "10001",
    "harbor.localhost": "90012",
    "pines.localhost": "04101",
    "ridge.localhost": "27601",
    "passage.localhost": "55401",
}
STORY_TYPES = ("news_story", "awareness_article")

# --- processes -----------------------------------------------------------------------------


class StackError(Exception):
    pass


def run(cmd: list[str], env: dict | None = None, timeout: float = 300, what: str = "") -> str:
    """A bounded command (the bench's), failing with a StackError that shows its output."""
    return run_command(cmd, env, timeout, what or cmd[0], error=StackError).stdout


def wait_for(check, timeout: float, what: str, interval: float = 0.2):
    """Poll `check` until it returns something true; a bounded wait, never an assertion on time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise StackError(f"{what}: not within {timeout:.0f} s")


class PostgreSQL:
    """A throwaway cluster: initdb and pg_ctl as the postgres user (initdb refuses root)."""

    def __init__(self, work: Path):
        self.dir = work / "pg"
        self.data = self.dir / "data"
        self.port = free_port()
        self.log = work / "postgresql.log"

    def as_owner(self, *cmd: str) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *cmd]
        return list(cmd)

    def init(self) -> None:
        for tool in ("initdb", "pg_ctl"):
            if not (PG_BIN / tool).exists():
                raise StackError(
                    f"{PG_BIN / tool} is missing: install PostgreSQL 15 (apt-get install "
                    "postgresql-15) or set LANTERN_PG_BIN to its bin/ folder."
                )
        self.dir.mkdir()
        self.log.touch()
        if os.geteuid() == 0:
            self.dir.parent.chmod(0o711)  # the postgres user passes through, reads nothing
            shutil.chown(self.dir, "postgres", "postgres")
            shutil.chown(self.log, "postgres", "postgres")
        run(
            self.as_owner(
                str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                "--no-sync", "-E", "UTF8",
            ),
            what="initdb",
        )  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        run(
            self.as_owner(
                str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.log),
                "-w", "-t", "60", "start",
            ),
            what="pg_ctl start",
        )  # fmt: skip

    def stop(self) -> None:
        """Fast shutdown: open sessions are ended, as when the server is restarted for real."""
        run(
            self.as_owner(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"),
            what="pg_ctl stop",
        )

    def pid(self) -> int | None:
        with contextlib.suppress(OSError, ValueError, IndexError):
            return int((self.data / "postmaster.pid").read_text().split()[0])
        return None

    def shut_down(self) -> None:
        """At the end: by the postmaster's PID (SIGINT is its fast shutdown)."""
        pid = self.pid()
        if pid:
            stop_pid(pid, timeout=30, sig=signal.SIGINT)

    def url(self, database: str = "lantern") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute("CREATE DATABASE lantern")

    def query(self, sql: str, params=()) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url(), connect_timeout=10) as connection:
            return connection.execute(sql, params).fetchall()


class Redis:
    """redis-server in the foreground, no persistence; started again on the same port."""

    def __init__(self, work: Path):
        self.port = free_port()
        self.work = work
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        server = shutil.which("redis-server")
        if server is None:
            raise StackError("redis-server is not installed (apt-get install redis-server).")
        log = open(self.work / "redis.log", "a")  # noqa: SIM115 (the server's, closed by it)
        self.process = subprocess.Popen(  # noqa: S603
            [
                server, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--daemonize", "no", "--dir", str(self.work),
            ],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        log.close()
        wait_for(lambda: port_open(self.port), 20, "redis-server listening")

    def kill(self) -> None:
        """As in a crash: SIGKILL, nothing saved, every connection dropped."""
        self.process.kill()
        self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            stop_pid(self.process.pid, timeout=10)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=5)
            self.process = None

    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


class Gunicorn:
    """gunicorn with gunicorn.conf.py and the production settings; its whole log in one file."""

    def __init__(self, env: dict, work: Path):
        self.env = env
        self.port = free_port()
        self.log = work / "gunicorn.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = open(self.log, "a")  # noqa: SIM115 (gunicorn's, closed by it)
        self.process = subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "cms.wsgi:application", "-c", "gunicorn.conf.py"],
            env=self.env | {"GUNICORN_BIND": f"127.0.0.1:{self.port}"},
            cwd=BASE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log.close()

        def ready():
            if self.process.poll() is not None:
                raise StackError(f"gunicorn exited at start:\n{self.log_text()[-3000:]}")
            return port_open(self.port) and len(self.workers()) >= WORKERS

        wait_for(ready, 90, "gunicorn with its workers")

    def workers(self) -> list[int]:
        return children_of(self.process.pid) if self.process else []

    def log_size(self) -> int:
        return self.log.stat().st_size

    def log_text(self, since: int = 0) -> str:
        with open(self.log, encoding="utf-8", errors="replace") as log:
            log.seek(since)
            return log.read()

    def answered(self, since: int, status: int) -> int:
        """Requests answered `status` since the log's offset `since`, health checks aside."""
        return sum(
            1
            for line in self.log_text(since).splitlines()
            if (answer := access(line)) is not None
            and answer[0] == status
            and answer[1] not in ("/readyz", "/healthz")
        )

    def stop(self) -> None:
        if self.process is None:
            return
        workers = set(self.workers())
        stop_pid(self.process.pid, timeout=25)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        for pid in workers:  # normally gone with their master
            stop_pid(pid, timeout=5)
        self.process = None


# gunicorn.conf.py's access log line: method, path, status, duration, host (and request id).
ACCESS_LINE = re.compile(r"^[A-Z]+ (\S+) (\d{3}) \d+ms host=")


def json_entry(line: str) -> dict | None:
    """A LOG_FORMAT=json line as a dict; None for a plain line."""
    if not line.startswith("{"):
        return None
    try:
        entry = json.loads(line)
    except ValueError:
        return None
    return entry if isinstance(entry, dict) else None


def access(line: str) -> tuple[int, str] | None:
    """An access-log line's status and path, plain or as the message of a JSON line from
    gunicorn.access; None for any other line."""
    entry = json_entry(line)
    if entry is not None:
        if entry.get("logger") != "gunicorn.access":
            return None
        line = str(entry.get("message", ""))
    found = ACCESS_LINE.match(line)
    return (int(found.group(2)), found.group(1)) if found else None


def server_faults(log: str, expected: tuple[str, ...] = ()) -> list[str]:
    """Log lines that show a bug rather than an outage handled: an answer 500 or above other
    than 503, a traceback (plain, or a JSON line's `exc`), an ERROR or CRITICAL line. Lines
    holding one of the `expected` texts are the fault the test caused, and left out."""
    faults = []
    for line in log.splitlines():
        if any(text in line for text in expected):
            continue
        answer, entry = access(line), json_entry(line) or {}
        if answer is not None:
            bad = answer[0] >= 500 and answer[0] != 503
        else:
            bad = (
                any(word in line for word in ("Traceback", "[ERROR]", "[CRITICAL]"))
                or entry.get("level") in ("ERROR", "CRITICAL")
                or "exc" in entry
            )
        if bad:
            faults.append(line[:500])
    return faults


# --- the stack -----------------------------------------------------------------------------


@dataclass
class Stack:
    work: Path
    postgresql: PostgreSQL
    redis: Redis
    gunicorn: Gunicorn
    varnish: "Varnish"
    worker: "TaskWorker"
    password: str = ""
    targets: list[dict] = field(default_factory=list)
    stories: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.gunicorn.port}"

    def get(self, host: str, path: str, **kwargs) -> requests.Response:
        """An anonymous reader's request, as the proxy passes it on."""
        return requests.get(
            self.base_url + path,
            headers={"Host": host, **HTTPS},
            allow_redirects=False,
            timeout=30,
            **kwargs,
        )

    def ready(self) -> requests.Response:
        return self.get("localhost", "/readyz")


def server_env(work: Path, postgresql: PostgreSQL, redis: Redis, varnish: "Varnish") -> dict:
    """The production settings, and nothing from the caller's own Lantern settings. Readers'
    pages may be kept at the edge 10 minutes: each change purges them there by tag. Tasks are
    queued in the database (TASKS_BACKEND=database) and run by the task worker: a change only
    writes its edge purge to the outbox, and the worker sends it, as in production."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "LANTERN_", "GUNICORN_", "WEB_CONCURRENCY", "LOG_"))
        and key not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS")
    }
    return env | {
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": ",".join(SITES),
        "DATABASE_URL": postgresql.url(),
        "REDIS_URL": redis.url(),
        "LANTERN_PAGE_CACHE_SECONDS": "600",
        "LANTERN_CDN_SECONDS": "600",
        "EDGE_CACHE": "varnish",
        "EDGE_CACHE_URL": varnish.purge_url,
        "TASKS_BACKEND": "database",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "AWS_STORAGE_BUCKET_NAME": "",
        "WEB_CONCURRENCY": str(WORKERS),
        "GUNICORN_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


# collectstatic with the production settings' hashed names and manifest, but without whitenoise
# compressing every file twice (gzip and brotli: 40 s of CPU here, nothing these tests look at).
COLLECTSTATIC = """
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings
manifest = {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}
with override_settings(STORAGES={**settings.STORAGES, "staticfiles": manifest}):
    call_command("collectstatic", interactive=False, verbosity=0)
"""


def build(stack: Stack, env: dict) -> None:
    stack.postgresql.init()
    stack.postgresql.start()
    stack.postgresql.create_database()
    stack.redis.start()
    manage = [str(BIN / "python"), "manage.py"]
    run([*manage, "migrate", "--no-input", "-v0"], env, 300, "manage.py migrate")
    password_file = stack.work / "demo-password.txt"
    run(
        [*manage, "load_demo", "--password-file", str(password_file)],
        env,
        300,
        "manage.py load_demo",
    )
    stack.password = password_file.read_text().strip()
    run([str(BIN / "python"), "-c", COLLECTSTATIC], env, 300, "collectstatic")
    stack.gunicorn.start()
    stack.varnish.start(stack.gunicorn.port)
    stack.worker.start()
    # What loading the demo queued (its purges, its pages' renditions) is done before any test.
    wait_for(lambda: tasks_queued(stack) == 0, 120, "the task worker through the demo's tasks")
    discover(stack)


def tasks_queued(stack: Stack) -> int:
    """Tasks waiting for a worker or running now; those deferred to later (a purge's retry)
    aside. A task queued to run at once has django-tasks-db's far-future `run_after`."""
    return stack.postgresql.query(
        "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'"
        " OR (status = 'READY' AND (run_after <= now() OR run_after > now() + '100 years'))"
    )[0][0]


def discover(stack: Stack) -> None:
    """What readers ask for on every site: home, stories, each story, find-help with a ZIP,
    search, API listings and the stylesheet; each checked to answer 200 before any load."""
    targets = []
    for host, zip_code in SITES.items():
        home = stack.get(host, "/en/")
        if home.status_code != 200:
            raise StackError(f"{host}/en/ answers {home.status_code}:\n{home.text[:500]}")
        pages = stack.get(host, "/api/pages?limit=100").json()["items"]
        stack.stories[host] = [page for page in pages if page["type"] in STORY_TYPES]
        index = next(page for page in pages if page["type"] == "news_index")
        site = [
            {"kind": "home", "path": "/en/"},
            {"kind": "stories index", "path": index["path"]},
            *({"kind": "story", "path": page["path"]} for page in stack.stories[host]),
            {"kind": "find-help", "path": f"/en/find-help/?zip={zip_code}"},
            {"kind": "search", "path": "/en/search/?q=hotline"},
            {"kind": "api pages", "path": "/api/pages?limit=20"},
            {"kind": "api site", "path": "/api/site"},
        ]
        if host == "localhost":
            css = re.search(r'href="(/static/[^"]+\.css)"', home.text)
            if not css:
                raise StackError("The home page links no stylesheet.")
            site.append({"kind": "static css", "path": css.group(1)})
        targets += [target | {"host": host, "name": f"{host}{target['path']}"} for target in site]
    for target in targets:
        for through in (stack.get, stack.varnish.get):
            status = through(target["host"], target["path"]).status_code
            if status != 200:
                raise StackError(f"{target['host']}{target['path']} answers {status}, not 200")
    stack.targets = targets
    (stack.work / "targets.json").write_text(json.dumps(targets, indent=1))


def body(response: requests.Response):
    """An answer's JSON, or the start of its text if it is not JSON."""
    try:
        return response.json()
    except ValueError:
        return response.text[:200]
