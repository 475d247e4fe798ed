"""gunicorn.conf.py's worker hook (the real gunicorn runs it in tests/operations/test_health.py)."""

import gc
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def test_a_worker_takes_what_it_has_loaded_out_of_the_garbage_collectors_sight():
    hooks = runpy.run_path(str(CONF))
    # Python 3.12 and later may start with a few objects frozen already.
    before = gc.get_freeze_count()
    try:
        hooks["post_worker_init"](worker=None)
        # Django, Wagtail, Lantern and the URLconf: the bulk of a worker's objects.
        assert gc.get_freeze_count() > before + 50_000
    finally:
        gc.unfreeze()
