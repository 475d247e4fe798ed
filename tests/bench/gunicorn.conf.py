"""Lantern's gunicorn.conf.py, and each worker saying when it has loaded the app (the bench waits
for every worker: a worker that is still importing Django would be measured as a slow page)."""

import os
from pathlib import Path

_production = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
exec(compile(_production.read_text(), str(_production), "exec"))  # noqa: S102 - our own file

_production_post_worker_init = post_worker_init  # noqa: F821 - defined by the file above


def post_worker_init(worker):
    _production_post_worker_init(worker)
    (Path(os.environ["BENCH_READY_DIR"]) / str(os.getpid())).touch()
