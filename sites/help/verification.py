"""Re-verification: when a help resource is due to be checked again, and when readers stop seeing it.

A resource last verified LANTERN_HELP_REVERIFY_MONTHS ago (12) is due: its agency's staff see it
in the admin's report and on their dashboard. One last verified LANTERN_HELP_HIDE_UNVERIFIED_MONTHS
ago (15) is no longer shown to readers, until someone verifies it again, because a number or
address that nobody has checked for that long may send someone in danger nowhere. National
hotlines are the exception: they are always shown (a reader must always have a line to call).

Every path that shows readers help resources passes its resources through `shown_to_readers`,
and every list of resources to re-verify comes from `due_for_reverification`: the rule is here
only. Months are calendar months: a resource verified on 15 March 2025 is due on 15 March 2026;
one verified on 29 February 2024 on 1 March 2025 (`months_before`, `months_after`).
"""

import calendar
import datetime
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from sites.caching.invalidation import bump_on_commit
from sites.caching.tags import changes_at, model
from sites.help.fields import has_choice
from sites.help.resources import HelpResource, Service

logger = logging.getLogger(__name__)

# The history entry of a resource hidden from readers for want of re-verification.
HIDDEN_LOG_ACTION = "lantern_help.hidden_unverified"

# Exempt from hiding: a nationwide resource that is a hotline. (The network's Hotline snippets,
# which find_help shows beside the directory, have no verification date and are never hidden.)
NATIONAL_HOTLINE = Q(area=HelpResource.Area.NATIONAL) & has_choice("services", Service.HOTLINE)


def is_national_hotline(resource: HelpResource) -> bool:
    """NATIONAL_HOTLINE, asked of one resource in hand."""
    return resource.area == HelpResource.Area.NATIONAL and Service.HOTLINE in resource.services


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month `months` calendar months before `day`, or that month's last
    day where it is shorter: 31 May less 3 months is 28 February (29 in a leap year)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The first day that is `months` calendar months after `day`, the inverse of
    `months_before`: `day <= months_before(today, months)` exactly when
    `today >= months_after(day, months)`. Where the month then is too short for `day`'s day of
    the month, that is the first of the next month (30 November plus 3 months: 1 March)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = index // 12, index % 12 + 1
    length = calendar.monthrange(year, month)[1]
    if day.day <= length:
        return datetime.date(year, month, day.day)
    return datetime.date(year, month, length) + datetime.timedelta(days=1)


def hidden_from(resource: HelpResource) -> datetime.date | None:
    """The day readers stop seeing `resource` unless it is verified again; None for a national
    hotline, always shown."""
    if is_national_hotline(resource):
        return None
    return months_after(resource.last_verified, settings.LANTERN_HELP_HIDE_UNVERIFIED_MONTHS)


def unverified_too_long(today: datetime.date) -> Q:
    """Resources readers no longer see for want of re-verification (whatever their status)."""
    cutoff = months_before(today, settings.LANTERN_HELP_HIDE_UNVERIFIED_MONTHS)
    return Q(last_verified__lte=cutoff) & ~NATIONAL_HOTLINE


def shown_to_readers(resources, today: datetime.date | None = None):
    """`resources` narrowed to those readers may be shown today: active ones, verified within
    LANTERN_HELP_HIDE_UNVERIFIED_MONTHS, or national hotlines.

    The answer changes at midnight, when a resource may cross the line: a reader's page
    listing them says so to the page cache (sites.caching), which keeps it no longer."""
    today = today or timezone.localdate()
    tomorrow = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min)
    changes_at(timezone.make_aware(tomorrow))
    return resources.filter(status=HelpResource.Status.ACTIVE).exclude(unverified_too_long(today))


def due_for_reverification(resources, today: datetime.date | None = None):
    """The resources among `resources` last verified LANTERN_HELP_REVERIFY_MONTHS ago or more,
    oldest first: one row per resource (its row in the source language, which its translations
    copy their verification date from), defunct ones left out (nothing to check)."""
    today = today or timezone.localdate()
    cutoff = months_before(today, settings.LANTERN_HELP_REVERIFY_MONTHS)
    return (
        resources.filter(locale__language_code=settings.LANGUAGE_CODE, last_verified__lte=cutoff)
        .exclude(status=HelpResource.Status.DEFUNCT)
        .order_by("last_verified", "organisation")
    )


def log_newly_hidden(today: datetime.date | None = None) -> list[HelpResource]:
    """Record each active resource that readers stopped seeing for want of re-verification and
    that is not recorded yet (for this verification date): a line in the log, an entry in the
    resource's history; then purge the pages that listed them. The resources recorded.

    Run by `manage.py check_help_verification` (the scheduler runs it daily): running it again
    records nothing twice, and a day missed is caught up. The log line names the resource by
    id, reference and owner site id only."""
    today = today or timezone.localdate()
    hidden = list(
        HelpResource.objects.filter(
            unverified_too_long(today),
            locale__language_code=settings.LANGUAGE_CODE,
            status=HelpResource.Status.ACTIVE,
        ).order_by("last_verified", "pk")
    )
    if not hidden:
        return []
    recorded = {
        (entry.object_id, entry.data.get("last_verified"))
        for entry in ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(HelpResource),
            action=HIDDEN_LOG_ACTION,
            object_id__in=[str(r.pk) for r in hidden],
        ).only("object_id", "data")
    }
    newly = [r for r in hidden if (str(r.pk), r.last_verified.isoformat()) not in recorded]
    months = settings.LANTERN_HELP_HIDE_UNVERIFIED_MONTHS
    for resource in newly:
        log(
            instance=resource,
            action=HIDDEN_LOG_ACTION,
            data={"last_verified": resource.last_verified.isoformat(), "months": months},
        )
        logger.warning(
            "Help resource %s (%s, owner site %s) no longer shown to readers: last verified "
            "%s, %d months ago or more. Verifying it again shows it again.",
            resource.pk,
            resource.reference,
            resource.owner_id if resource.owner_id is not None else "none: the network's",
            resource.last_verified.isoformat(),
            months,
        )
    if newly:
        # Pages listing them expire at midnight anyway (shown_to_readers); this also purges
        # pages kept when the rule was looser (a threshold changed in the settings).
        bump_on_commit({model(HelpResource)})
    return newly
