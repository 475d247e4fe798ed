"""Sends the edge purges that are due, for cron or an operator: what the task worker does."""

from django.core.management.base import BaseCommand, CommandError

from sites.edge import outbox


class Command(BaseCommand):
    help = (
        "Send the edge cache purges that are due (EDGE_CACHE): what the send_edge_purges task "
        "does, for cron or by hand. Fails when the edge does not take them; they stay queued."
    )

    def handle(self, *args, **options):
        outcome = outbox.send_due()
        self.stdout.write(f"Edge purges sent: {outcome.sent} changes, {outcome.keys} keys.")
        if outcome.failed:
            raise CommandError(
                f"{outcome.failed} edge purges not taken ({outcome.error}); they are retried."
            )
