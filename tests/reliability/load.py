"""The reliability tests' readers: locust in its own process, and what it recorded."""

import json
import os
import subprocess
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tests.bench.run import stop_pid
from tests.reliability.stack import BASE_DIR, BIN, Stack, StackError, wait_for

USERS = 12  # concurrent readers
MIN_LOAD_SECONDS = 15  # each scenario's load runs at least this long,
TAIL_SECONDS = 3  # and goes on this long once the scenario's fault is dealt with;
LOAD_CAP_SECONDS = 60  # locust's --run-time: the load stops by itself then at the latest.


@dataclass
class LoadResult:
    records: list[list]  # [start time (epoch s), ms, target name, status (0: no answer), error]
    users: int
    locust_requests: int

    @property
    def requests(self) -> int:
        return len(self.records)

    @property
    def seconds(self) -> float:
        if not self.records:
            return 0.0
        return max(r[0] + r[1] / 1000 for r in self.records) - min(r[0] for r in self.records)

    def statuses(self, records=None) -> Counter:
        return Counter(r[3] for r in (self.records if records is None else records))

    def errors(self) -> Counter:
        return Counter(r[4] for r in self.records if r[3] == 0)

    def server_errors(self, records=None) -> list[list]:
        return [r for r in (self.records if records is None else records) if r[3] >= 500]

    def started_between(self, begin: float, end: float = float("inf")) -> list[list]:
        return [r for r in self.records if begin <= r[0] < end]

    def summary(self) -> dict:
        return {
            "requests": self.requests,
            "concurrency": self.users,
            "seconds": round(self.seconds, 1),
            "requests_per_second": round(self.requests / self.seconds, 1) if self.seconds else 0,
            "statuses": {str(k): v for k, v in sorted(self.statuses().items())},
            "connection_errors": dict(self.errors()),
            "urls": len({r[2] for r in self.records}),
        }


class Load:
    """locust, headless, in its own process: USERS readers spread over every target. It runs
    until `finish` (at least MIN_LOAD_SECONDS, TAIL_SECONDS after the scenario's last step),
    and stops by itself after LOAD_CAP_SECONDS whatever happens."""

    def __init__(self, stack: Stack, name: str, users: int = USERS, base_url: str = ""):
        self.stack, self.name, self.users = stack, name, users
        self.base_url = base_url or stack.base_url  # gunicorn's, or the edge's in front
        self.dir = stack.work / f"load-{name}"
        self.process: subprocess.Popen | None = None
        self.began = 0.0

    def start(self) -> "Load":
        self.dir.mkdir()
        env = dict(os.environ) | {
            "RELIABILITY_TARGETS": str(self.stack.work / "targets.json"),
            "RELIABILITY_RECORD": str(self.dir / "records.json"),
            "RELIABILITY_STARTED": str(self.dir / "started"),
            "RELIABILITY_STOP": str(self.dir / "stop"),
        }
        log = open(self.dir / "locust.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "locust"), "-f", str(Path(__file__).parent / "locustfile.py"),
                "--headless", "--users", str(self.users), "--spawn-rate", str(self.users),
                "--run-time", f"{LOAD_CAP_SECONDS}s", "--stop-timeout", "5",
                "--host", self.base_url, "--only-summary", "--loglevel", "WARNING",
                "--json-file", str(self.dir / "stats"), "--exit-code-on-error", "0",
            ],
            env=env, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        log.close()
        wait_for(
            lambda: (self.dir / "started").exists() or self.process.poll() is not None,
            60,
            "locust starting",
        )
        if self.process.poll() is not None:
            raise StackError(f"locust exited at start:\n{self.log()}")
        self.began = time.monotonic()
        time.sleep(2)  # the readers' first requests are under way
        return self

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        return (self.dir / "locust.log").read_text()[-3000:]

    def finish(self) -> LoadResult:
        """The scenario is done: a last stretch of load, then the readers finish their requests
        and stop, and their records are read."""
        assert self.running(), (
            f"the load ended (after its {LOAD_CAP_SECONDS} s cap) before the scenario did"
        )
        time.sleep(max(TAIL_SECONDS, self.began + MIN_LOAD_SECONDS - time.monotonic()))
        (self.dir / "stop").touch()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            stop_pid(self.process.pid)
            raise StackError(f"locust did not stop:\n{self.log()}") from None
        records_file = self.dir / "records.json"
        if not records_file.exists():
            raise StackError(f"locust wrote no records:\n{self.log()}")
        stats = json.loads((self.dir / "stats.json").read_text())
        return LoadResult(
            records=json.loads(records_file.read_text()),
            users=self.users,
            locust_requests=sum(entry["num_requests"] for entry in stats),
        )


def scenario(report: dict, name: str, load: LoadResult, **facts) -> dict:
    """Records a scenario's numbers (`held` is set once all its assertions passed) and prints
    its one-line summary."""
    entry = {"held": False, **load.summary(), **facts}
    report["scenarios"][name] = entry
    codes = ", ".join(f"{k}: {v}" for k, v in entry["statuses"].items())
    errors = ", ".join(f"{k}: {v}" for k, v in entry["connection_errors"].items()) or "none"
    extra = "; ".join(f"{k} {v}" for k, v in facts.items())
    print(
        f"\n[reliability] {name}: {entry['requests']} requests in {entry['seconds']} s by "
        f"{entry['concurrency']} readers ({entry['requests_per_second']}/s) over "
        f"{entry['urls']} URLs; statuses {codes}; connection errors {errors}; {extra}"
    )
    return entry
