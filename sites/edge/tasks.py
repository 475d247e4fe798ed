"""The edge's recurring work on a task worker (`manage.py run_worker`, sites.tasks).

Each change asks for a run of `send_edge_purges` when it commits. A run can still be lost (the
process that asked died before queueing it, or the task failed outright): every minute a worker
sends whatever is pending and due, so a purge waits in the outbox a minute at most beyond its
backoff, without cron.
"""

from datetime import timedelta

from sites.edge.outbox import send_edge_purges
from sites.tasks.recurring import recurring

recurring(every=timedelta(minutes=1))(send_edge_purges)
