"""Scheduled publishing: pages and snippets whose go-live time has come published, expired ones
unpublished (Wagtail's `publish_scheduled`), with the revisions the privacy gate would hold set
aside first. Run by the task workers every minute (sites.content.tasks) or by `run_scheduler`,
each holding the same lease (`EXCLUSIVE`), so two runs never overlap."""

import logging
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from wagtail.log_actions import log
from wagtail.models import Page, Revision
from wagtail.signals import published, unpublished

from sites.privacy.gate import HELD_LOG_ACTION, kinds, open_findings

logger = logging.getLogger(__name__)

# The lease every scheduled-publishing run holds, and for how long at most: a run that dies
# frees it after that.
EXCLUSIVE = "sites.content.scheduled_publishing"
LONGEST_RUN = timedelta(minutes=15)


def publish_due() -> dict[str, int]:
    """One run: the revisions the privacy gate would hold set aside, then `publish_scheduled`;
    how many were published and unpublished. Raises what the run meets (PrivacyHeld, database
    errors)."""
    changes = {"published": 0, "unpublished": 0}

    def count_published(**kwargs):
        changes["published"] += 1

    def count_unpublished(**kwargs):
        changes["unpublished"] += 1

    published.connect(count_published, weak=False)
    unpublished.connect(count_unpublished, weak=False)
    try:
        set_aside_held_revisions()
        call_command("publish_scheduled", stdout=StringIO())
    finally:
        published.disconnect(count_published)
        unpublished.disconnect(count_unpublished)
    return changes


def set_aside_held_revisions() -> list[int]:
    """Take off the schedule every page revision due to go live that the privacy gate would
    hold, so that `publish_scheduled` publishes the rest; the ids of the pages held."""
    held = []
    due = (
        Revision.objects.page_revisions()
        .filter(approved_go_live_at__lt=timezone.now())
        .order_by("approved_go_live_at")
    )
    for revision in due:
        findings = open_findings(revision)
        if not findings:
            continue
        with transaction.atomic():
            Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=None)
            page = Page.objects.get(pk=revision.object_id)
            log(
                instance=page.specific,
                action=HELD_LOG_ACTION,
                revision=revision,
                data={"kinds": kinds(findings), "findings": len(findings)},
            )
        logger.warning(
            "Scheduled publishing of page %s (revision %s) held by the privacy screen: %s. "
            "Taken off the schedule: a moderator may fix or override it.",
            revision.object_id,
            revision.pk,
            ", ".join(kinds(findings)),
        )
        held.append(int(revision.object_id))
    return held
