"""Where a site's Donate buttons lead (the header's, the home page's hero): the donation step of
the appeal on the site's giving page, in the language being read, where the site takes gifts
through a processor; otherwise the branding's donate link; no button if neither.

Worked out once per site and language with the rest of the chrome (sites.serving.chrome), in one
query, and built again when what it rests on changes: a giving page published, moved, made
private or unpublished (`model(DonationAppealPage)`, the pages' own tags), its appeal changed,
the giving settings or keys saved, or the appeal closing at the end of its last day.
"""

import datetime

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from sites.caching.tags import changes_at, depends_on, model
from sites.content.pages import DonationAppealPage
from sites.content.visibility import readable, within
from sites.giving.handoff import taking_gifts_online
from sites.giving.models import GivingSettings, ProcessorSecrets


def closes_at(appeal) -> datetime.datetime | None:
    """The moment an appeal stops taking gifts (`DonationAppeal.is_open`): the start of the day
    after its end date, in the site's time zone."""
    if appeal.end_date is None:
        return None
    day_after = appeal.end_date + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day_after, datetime.time.min))


def appeal_to_give_to(site, home):
    """The open appeal of the first readable giving page (`DonationAppealPage`) under `home`,
    else under the site's root (a giving page not translated yet), whose processor takes gifts
    online (`handoff.taking_gifts_online`): the site's own for its appeals, the network's site's
    for the network's. None when there is none. One query, which loads every candidate page and
    its appeal, so that a change to any of them builds the chrome again."""
    depends_on(model(DonationAppealPage), model(GivingSettings), model(ProcessorSecrets))
    taking = taking_gifts_online()
    where = within(home.path) | within(site.root_page.path)
    candidates = (
        readable(DonationAppealPage.objects.filter(where))
        .select_related("appeal")
        .annotate(
            owner_takes=Exists(taking.filter(site_id=OuterRef("appeal__owner_id"))),
            network_takes=Exists(taking.filter(site__is_default_site=True)),
        )
        .order_by("path")
    )
    found = []
    for page in candidates:
        appeal = page.appeal
        changes_at(closes_at(appeal))
        if appeal.owner_id not in (None, site.pk) or not appeal.is_open:
            continue  # another agency's appeal is not given on this site (sites.giving.views)
        if page.owner_takes if appeal.owner_id else page.network_takes:
            found.append((not page.path.startswith(home.path), appeal))
    return min(found, key=lambda pair: pair[0])[1] if found else None


def donate_url(site, home, branding) -> str:
    """Where the site's Donate buttons lead, in the language being read: its donation step
    (`appeal_to_give_to`), else the branding's donate link; "" for no button."""
    appeal = appeal_to_give_to(site, home) if site is not None and home is not None else None
    if appeal is not None:
        return reverse("giving_step", args=[appeal.pk])
    return branding.donate_url or ""
