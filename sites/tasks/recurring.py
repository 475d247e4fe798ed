"""Tasks that come round again (scheduled publishing every minute), safe with several workers.

`@recurring(every=...)` registers a task; each worker's clock calls `enqueue_due()` every few
seconds, and a task is enqueued only by the worker whose conditional UPDATE moves its `due_at`
on (one row a task, `RecurringTask`): however many workers run, it is enqueued once per period.
`exclusive(name)` is the lease a run takes so that two runs never overlap, on SQLite as on
PostgreSQL: a run that dies frees it when `held_until` passes.
"""

import uuid
from contextlib import contextmanager
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from sites.tasks.models import RecurringTask

# module path -> (task, period)
REGISTERED: dict[str, tuple[object, timedelta]] = {}


def recurring(every: timedelta):
    """Register a task (decorated with `@task()` first) to be enqueued every `every`."""

    def register(task):
        REGISTERED[task.module_path] = (task, every)
        return task

    return register


def enqueue_due(now=None) -> list[str]:
    """Enqueue each registered task whose time has come and that no other worker enqueued
    meanwhile; the names of those this call enqueued."""
    now = now or timezone.now()
    enqueued = []
    for name, (task, every) in REGISTERED.items():
        RecurringTask.objects.get_or_create(name=name, defaults={"due_at": now})
        claimed = RecurringTask.objects.filter(name=name, due_at__lte=now).update(
            due_at=now + every
        )
        if claimed:
            task.enqueue()
            enqueued.append(name)
    return enqueued


@contextmanager
def exclusive(name: str, longest: timedelta):
    """Hold `name` for at most `longest` while the block runs; yields whether it was had (False:
    another run holds it). Each statement commits on its own outside a transaction, so the
    other workers see the hold at once."""
    RecurringTask.objects.get_or_create(name=name)
    holder = uuid.uuid4().hex
    now = timezone.now()
    held = RecurringTask.objects.filter(
        Q(held_until__isnull=True) | Q(held_until__lte=now), name=name
    ).update(held_by=holder, held_until=now + longest)
    try:
        yield bool(held)
    finally:
        if held:
            RecurringTask.objects.filter(name=name, held_by=holder).update(
                held_by="", held_until=None
            )
