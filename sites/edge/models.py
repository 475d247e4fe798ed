"""The outbox of edge purges: one row per change, written in the change's own transaction."""

from django.db import models
from django.utils import timezone


class EdgePurge(models.Model):
    """The tags one change touched, to purge at the edge (`sites.edge.outbox`).

    Written in the change's transaction, so a change rolled back leaves none and a committed one
    always has one, whatever happens to the process next. Sent by the `send_edge_purges` task;
    until the edge takes it, it stays here with the number of attempts, when the next is due and
    what went wrong last. Sent rows are deleted after a week.
    """

    tags = models.TextField(help_text="The tags the change touched, one a line.")
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "edge purge"
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"], name="lantern_edge_due")]

    def __str__(self):
        return f"Edge purge {self.pk} ({self.status})"

    def tag_list(self) -> list[str]:
        return self.tags.split("\n") if self.tags else []

    @property
    def status(self) -> str:
        if self.sent_at is not None:
            return "sent"
        return "failing" if self.attempts else "pending"
