"""Readers for the reliability tests: GETs spread over every demo site, each status recorded.

Run by tests/reliability/load.py in its own process (locust's gevent patching stays out of
pytest). RELIABILITY_TARGETS names a JSON list of {"name", "kind", "host", "path"}. Every
request's start time, duration, target, status (0 when no answer came) and error class is
written to RELIABILITY_RECORD when locust quits. RELIABILITY_STARTED is created once the readers
start; once RELIABILITY_STOP exists they stop as at the end of --run-time (each finishes its
request first).
"""

import json
import os
import random
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task

TARGETS = json.loads(Path(os.environ["RELIABILITY_TARGETS"]).read_text())
RECORDS: list[list] = []


@events.test_start.add_listener
def started(environment, **kwargs):
    Path(os.environ["RELIABILITY_STARTED"]).touch()
    gevent.spawn(stop_when_asked, environment)


def stop_when_asked(environment):
    stop = Path(os.environ["RELIABILITY_STOP"])
    while not stop.exists():
        gevent.sleep(0.2)
    environment.runner.quit()


@events.request.add_listener
def record(name, response_time, response, exception, start_time=None, **kwargs):
    status = getattr(response, "status_code", 0) or 0
    error = type(exception).__name__ if exception is not None and not status else ""
    RECORDS.append([start_time, response_time, name, status, error])


@events.quitting.add_listener
def write_records(environment, **kwargs):
    Path(os.environ["RELIABILITY_RECORD"]).write_text(json.dumps(RECORDS))


class Reader(HttpUser):
    """An anonymous reader on any demo site, behind the TLS proxy that sets X-Forwarded-Proto.

    HttpUser (requests) rather than FastHttpUser: geventhttpclient sends a GET again when its
    connection closes without an answer, which would hide the requests a killed worker held.
    """

    wait_time = between(0.1, 0.4)

    @task
    def read(self):
        target = random.choice(TARGETS)  # noqa: S311 (spreading load, not security)
        self.client.get(
            target["path"],
            name=target["name"],
            headers={"Host": target["host"], "X-Forwarded-Proto": "https"},
        )
