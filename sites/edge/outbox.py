"""Edge purges, written with the change and sent by a task: none lost, none sent twice at once.

`record(tags)` is called by the page cache's invalidation (`sites.caching.invalidation`) the
moment a change works out what it purges, inside the change's transaction: it writes one
`EdgePurge` row for the transaction (adding to it when the change purges again), and asks for
`send_edge_purges` to run once the transaction commits. A change rolled back takes its row
with it.

`send_edge_purges` (a django-tasks task: on the task worker when one is configured, in process
at once otherwise) sends every row that is due, its keys coalesced and batched as the provider
allows, and marks them sent. When the edge does not take them, they stay, with the attempt
counted, the error (never a token) and the next attempt pushed back: 5 s, 10 s, 20 s… up to
ten minutes. A backend that can run a task later gets one for that moment; whatever else is due
is sent by the next change's run or by `manage.py send_edge_purges` (for cron), so a process
dying between the commit and the send loses nothing. On PostgreSQL, two runs at once never
take the same rows (`SELECT … FOR UPDATE SKIP LOCKED`).
"""

import logging
import threading
from dataclasses import asdict, dataclass
from datetime import timedelta

from django_tasks import task

from django.db import connection, transaction
from django.db.models import F, Min
from django.utils import timezone

from sites.edge import keys
from sites.edge.backends import PurgeFailed, get_backend
from sites.edge.models import EdgePurge

logger = logging.getLogger(__name__)

# Rows sent in one go (their keys coalesced): a run sends as many goes as are due.
ROWS_A_GO = 200
FIRST_RETRY = timedelta(seconds=5)
LONGEST_RETRY = timedelta(minutes=10)
# Sent rows are kept this long, for the report and for questions, then deleted.
KEEP_SENT = timedelta(days=7)


class _Open(threading.local):
    """The row this thread's open transaction has written, and its tags: a change that purges
    several times (an object, then what wagtail-localize saves with it) writes one row."""

    pk: int | None = None
    tags: frozenset = frozenset()


_open = _Open()


def record(tags) -> None:
    """The change being made purges `tags` at the edge: noted in its transaction, sent after."""
    if not keys.provider() or not tags:
        return
    in_transaction = transaction.get_connection().in_atomic_block
    if in_transaction and _open.pk is not None:
        merged = _open.tags | set(tags)
        # Still there and unsent: not rolled back since, nor sent by a run.
        if EdgePurge.objects.filter(pk=_open.pk, sent_at=None).update(tags=joined(merged)):
            _open.tags = merged
            return
    row = EdgePurge.objects.create(tags=joined(tags))
    if in_transaction:
        _open.pk, _open.tags = row.pk, frozenset(tags)
    transaction.on_commit(committed)


def joined(tags) -> str:
    return "\n".join(sorted(tags))


def committed() -> None:
    _open.pk, _open.tags = None, frozenset()
    enqueue()


def enqueue(run_after=None) -> None:
    """Asks for a run of `send_edge_purges` (at `run_after` when the backend can wait)."""
    try:
        if run_after is None:
            send_edge_purges.enqueue()
        elif send_edge_purges.get_backend().supports_defer:
            send_edge_purges.using(run_after=run_after).enqueue()
    except Exception:  # the rows stay: the next run or the command sends them
        logger.exception("Edge purges not queued: they wait for the next run")


def retry_delay(attempts: int) -> timedelta:
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


@dataclass
class Outcome:
    sent: int = 0  # rows
    keys: int = 0
    failed: int = 0  # rows left for later
    error: str = ""


def send_due() -> Outcome:
    """Sends every purge that is due; stops at the first the edge does not take."""
    outcome = Outcome()
    backend = get_backend()
    if backend is None:
        return outcome
    EdgePurge.objects.filter(sent_at__lt=timezone.now() - KEEP_SENT).delete()
    while True:
        sent, sent_keys, failed, error = send_some(backend)
        outcome.sent += sent
        outcome.keys += sent_keys
        outcome.failed += failed
        outcome.error = error or outcome.error
        if failed or sent < ROWS_A_GO:
            return outcome


def send_some(backend) -> tuple[int, int, int, str]:
    """One go: up to ROWS_A_GO due rows, taken by this run alone, sent together."""
    now = timezone.now()
    with transaction.atomic():
        due = EdgePurge.objects.filter(sent_at=None, next_attempt_at__lte=now)
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        rows = list(due.order_by("pk")[:ROWS_A_GO])
        if not rows:
            return 0, 0, 0, ""
        # The overflow key too: pages showing more than their header holds carry only it.
        purged = keys.keys({tag for row in rows for tag in row.tag_list()}) | {keys.OVERFLOW}
        try:
            backend.purge_keys(purged)
        except PurgeFailed as error:
            message = str(error)[:500]
            for row in rows:
                row.attempts += 1
                row.next_attempt_at = now + retry_delay(row.attempts)
                row.last_error = message
            EdgePurge.objects.bulk_update(rows, ["attempts", "next_attempt_at", "last_error"])
            logger.warning(
                "Edge purge not taken (%s): %d changes wait to be sent", message, len(rows)
            )
            return 0, 0, len(rows), message
        EdgePurge.objects.filter(pk__in=[row.pk for row in rows]).update(
            sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
        )
    return len(rows), len(purged), 0, ""


def next_due():
    """When the earliest purge still to send is due, or None."""
    return EdgePurge.objects.filter(sent_at=None).aggregate(at=Min("next_attempt_at"))["at"]


@task()
def send_edge_purges() -> dict:
    """Sends the edge purges that are due; when the edge does not take them, runs again when
    the next is due (if the task backend can wait; else the next run or the command sends it)."""
    outcome = send_due()
    if outcome.failed:
        enqueue(run_after=next_due())
    return asdict(outcome)
