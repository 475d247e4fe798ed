"""Consent behind a story about a survivor: when it ends, the story comes down everywhere and moderators are told.

A news story records who gave consent (described without identifying them), when, and when
it ends: at most three years later, as published anti-trafficking media policies have it.
The record drives Wagtail's scheduled expiry: `settle()`, called from the page's `clean()`
(which the admin's form, `save_revision()` and publishing all go through), sets the page's
`expire_at` to the moment consent ends, so `manage.py publish_scheduled` (run every minute)
unpublishes it. Partner sites show a shared story only while it is live (sites.content.sharing), so it
leaves them with it.

Consent ends at the start of the day after "consent ends on", or at the start of the day it was
withdrawn. A withdrawal cannot wait for a review cycle: `withdraw()` (`manage.py
withdraw_consent`) writes it to the live page and its latest draft, and to its translations
(the same survivor's), and unpublishes them at once. A published withdrawal stays: an older
draft published later keeps it, unless consent was given again after it. Nor is a story
published once its consent has ended: the admin's Publish refuses it, and any other way (a
workflow's approval, a scheduled revision) is undone at once (`unpublish_if_ended()`).

Whenever a story whose consent has ended is unpublished, by expiry, by `withdraw()` or by
hand, its live translations come down too and its agency's moderators get an e-mail; the
page's history says so. Two months before consent ends (`ending_soon`), the story is listed
on its agency's dashboard (sites.agencies.dashboard), in time to ask again.
"""

import datetime
import logging
import zoneinfo

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from wagtail import hooks
from wagtail.log_actions import log

logger = logging.getLogger(__name__)

FIELDS = ["consent_given_by", "consent_given_on", "consent_expires_on", "consent_withdrawn_on"]
MAX_YEARS = 3
# How long before consent ends its agency's dashboard lists the story: time to ask again.
ENDING_SOON_DAYS = 60
WITHDRAWN_LOG_ACTION = "lantern.consent_withdrawn"
ENDED_LOG_ACTION = "lantern.consent_ended"


# --- dates ---------------------------------------------------------------------------------


def zone() -> zoneinfo.ZoneInfo:
    """Lantern's own time zone: days of consent begin and end there, whoever is signed in."""
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def today() -> datetime.date:
    return timezone.localtime(timezone.now(), zone()).date()


def start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone())


def years_after(day: datetime.date, years: int = MAX_YEARS) -> datetime.date:
    """The same day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def as_date(value) -> datetime.date | None:
    """A date field's value, or None while it is unset (or not yet a valid date)."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    return None


def consent_end(expires_on, withdrawn_on) -> datetime.datetime | None:
    """When consent ends: the start of the day after it expires, or of the day it was withdrawn."""
    ends = []
    if as_date(expires_on):
        ends.append(start_of(expires_on + datetime.timedelta(days=1)))
    if as_date(withdrawn_on):
        ends.append(start_of(withdrawn_on))
    return min(ends, default=None)


def ended_on(page, on: datetime.date | None = None) -> datetime.date | None:
    """The day the page's consent ended, if it has by `on` (today): expired or withdrawn."""
    on = on or today()
    expires_on = as_date(getattr(page, "consent_expires_on", None))
    withdrawn_on = as_date(getattr(page, "consent_withdrawn_on", None))
    ended = []
    if expires_on and expires_on < on:
        ended.append(expires_on)
    if withdrawn_on and withdrawn_on <= on:
        ended.append(withdrawn_on)
    return min(ended, default=None)


def ending_soon(stories, on: datetime.date | None = None, days: int = ENDING_SOON_DAYS):
    """The live stories among `stories` whose consent ends within `days` days of `on` (today),
    soonest first: consent expiring, not withdrawn (a withdrawal has ended it already)."""
    on = on or today()
    return stories.filter(
        live=True,
        consent_withdrawn_on__isnull=True,
        consent_expires_on__gte=on,
        consent_expires_on__lt=on + datetime.timedelta(days=days),
    ).order_by("consent_expires_on", "pk")


# --- the record, checked and put to work ---------------------------------------------------


def errors(page) -> dict[str, str]:
    """What is wrong with the page's consent record, by field."""
    given_by = (page.consent_given_by or "").strip()
    given_on = as_date(page.consent_given_on)
    expires_on = as_date(page.consent_expires_on)
    withdrawn_on = as_date(page.consent_withdrawn_on)
    found = {}
    # A withdrawal alone is a record too: the story must not be published, whatever came before.
    if given_by or page.consent_given_on or page.consent_expires_on:
        if not given_by:
            found["consent_given_by"] = (
                "Say who gave consent, without naming them, e.g. “The survivor, in writing”."
            )
        if not page.consent_given_on:
            found["consent_given_on"] = "Say on which day consent was given."
    if given_on:
        if given_on > today():
            found["consent_given_on"] = "Consent cannot have been given on a day still to come."
        latest = years_after(given_on)
        if not page.consent_expires_on:
            found["consent_expires_on"] = (
                f"Say when consent ends: at most three years after it was given, by {latest}."
            )
        elif expires_on and expires_on <= given_on:
            found["consent_expires_on"] = "Consent has to end after the day it was given."
        elif expires_on and expires_on > latest:
            found["consent_expires_on"] = (
                f"Consent lasts at most three years: it has to end on {latest} or before. "
                "Ask again for a longer time."
            )
        if withdrawn_on and withdrawn_on < given_on:
            found["consent_withdrawn_on"] = "Consent cannot be withdrawn before it was given."
    if withdrawn_on and withdrawn_on > today():
        found["consent_withdrawn_on"] = (
            "Record a withdrawal once it has happened: it cannot be on a day still to come. "
            "If consent ends on a later day, set “consent ends on” instead."
        )
    return found


def stored_row(page) -> dict:
    """The page's consent as its database row has it: the live version, once published."""
    if page.pk is None:
        return {}
    return type(page).objects.filter(pk=page.pk).values(*FIELDS).first() or {}


def drafted_ends(page) -> dict:
    """The end dates of the page's latest revision: what the editor's form started from."""
    from wagtail.models import Revision

    if not page.latest_revision_id:
        return {}
    content = (
        Revision.objects.filter(pk=page.latest_revision_id)
        .values_list("content", flat=True)
        .first()
    ) or {}
    field = type(page)._meta.get_field
    return {
        name: field(name).to_python(content[name])
        for name in ("consent_expires_on", "consent_withdrawn_on")
        if content.get(name)
    }


def settle(page) -> None:
    """From `clean()`: check the consent record, keep a published withdrawal, and set
    `expire_at` to the moment consent ends, unless the page is set to expire earlier."""
    row = stored_row(page)
    # A withdrawal the live page carries (published, or written by withdraw()) is kept when an
    # older draft, or a form opened before it, is saved or published; new consent given after
    # it is the only way back.
    withdrawn = as_date(row.get("consent_withdrawn_on"))
    given_on = as_date(page.consent_given_on)
    if withdrawn and not (given_on and given_on > withdrawn):
        current = as_date(page.consent_withdrawn_on)
        if current is None or current > withdrawn:
            page.consent_withdrawn_on = withdrawn
    found = errors(page)
    if found:
        raise ValidationError(found)
    # An expiry consent set earlier follows the record when it changes (consent renewed or
    # extended); one an editor chose (earlier than consent's end) stays.
    if page.expire_at is not None:
        earlier_ends = {
            consent_end(values.get("consent_expires_on"), values.get("consent_withdrawn_on"))
            for values in (row, drafted_ends(page))
        }
        if page.expire_at in earlier_ends:
            page.expire_at = None
    end = consent_end(page.consent_expires_on, page.consent_withdrawn_on)
    if end is not None and (page.expire_at is None or page.expire_at > end):
        page.expire_at = end


def patch_revision(revision, **values) -> None:
    """Write `values` into a revision's content, as Wagtail serialises them."""
    encoder = DjangoJSONEncoder()
    for name, value in values.items():
        revision.content[name] = encoder.default(value) if value is not None else None
    revision.save(update_fields=["content"])


@transaction.atomic
def withdraw(page, on: datetime.date | None = None, user=None) -> list:
    """Record that consent for `page` was withdrawn on `on` (today by default), on the live page
    and its latest revision and on those of its translations, so that nothing publishes it
    again; unpublish them all at once if that day has come. The pages unpublished."""
    NewsStoryPage = apps.get_model("agency_sites", "NewsStoryPage")
    on = on or today()
    if on > today():
        raise ValidationError(
            "A withdrawal is recorded once it has happened, not on a day still to come. "
            "If consent ends on a later day, set “consent ends on” instead."
        )
    given_on = as_date(page.consent_given_on)
    if given_on and on < given_on:
        raise ValidationError(f"Consent was given on {given_on}: it cannot be withdrawn before.")
    translations = NewsStoryPage.objects.filter(translation_key=page.translation_key)
    # The page itself first, then its translations.
    stories = sorted(translations, key=lambda story: (story.pk != page.pk, story.pk))
    # First the record, on every language's page, so that each is due to expire before any
    # comes down (and none is then taken down twice); then down they come.
    for story in stories:
        record_withdrawal(story, on, user)
    unpublished = []
    for story in stories:
        story = NewsStoryPage.objects.filter(pk=story.pk, live=True).first()
        if story is not None:
            story.unpublish(user=user)
            unpublished.append(story)
    return unpublished


def record_withdrawal(story, on: datetime.date, user=None) -> None:
    withdrawn = min(d for d in (as_date(story.consent_withdrawn_on), on) if d)
    end = start_of(withdrawn)
    story.consent_withdrawn_on = withdrawn
    story.expire_at = min(story.expire_at, end) if story.expire_at else end
    story.save(clean=False, update_fields=["consent_withdrawn_on", "expire_at"])
    revision = story.get_latest_revision()
    if revision is not None:
        field = type(story)._meta.get_field("consent_withdrawn_on")
        drafted = as_date(field.to_python(revision.content.get("consent_withdrawn_on")))
        drafted_end = revision.content.get("expire_at")
        drafted_end = drafted_end and datetime.datetime.fromisoformat(drafted_end)
        patch_revision(
            revision,
            consent_withdrawn_on=min(d for d in (drafted, withdrawn) if d),
            expire_at=min(drafted_end, end) if drafted_end else end,
        )
    # Nothing scheduled brings it back either.
    story.revisions.exclude(approved_go_live_at=None).update(approved_go_live_at=None)
    log(
        instance=story,
        action=WITHDRAWN_LOG_ACTION,
        user=user,
        data={"withdrawn_on": withdrawn.isoformat()},
    )


@hooks.register("before_publish_page")
def refuse_to_publish_after_consent_ended(request, page):
    """The admin's Publish (add, edit and revert views) refuses a story whose consent has
    ended, before anything goes live; the draft is saved, with any withdrawal kept."""
    ended = ended_on(page.specific)
    if ended is None:
        return None
    messages.error(
        request,
        f"Consent for this story ended on {ended.isoformat()}: it cannot be published. "
        "Your draft is saved. To publish it, record consent given again.",
    )
    return redirect("wagtailadmin_pages:edit", page.pk)


def unpublish_if_ended(page) -> None:
    """After `page` is published some other way (a workflow's approval, a scheduled revision,
    a bulk action): if its consent had already ended, take it down again at once."""
    fresh = type(page).objects.filter(pk=page.pk, live=True).first()
    if fresh is not None and ended_on(fresh):
        fresh.unpublish()


# --- when a story comes down ---------------------------------------------------------------


def story_unpublished(sender, instance, **kwargs) -> None:
    """`page_unpublished`: a story whose consent has ended takes its live translations with it,
    and its agency's moderators are told."""
    ended = ended_on(instance)
    if ended is None:
        return
    # Translations share the survivor. Those due to expire anyway are left to the expiry run
    # that is unpublishing this one, so that none comes down (and is reported) twice.
    for translation in instance.get_translations().live().specific():
        if translation.expire_at is None or translation.expire_at > timezone.now():
            translation.unpublish()
    tell_moderators(instance, ended)


def moderators_of(page) -> tuple[str, list[str]]:
    """The name of the page's site, and the e-mail addresses of its agency's moderators."""
    site = page.get_site()
    if site is None:
        return "", []
    agency = getattr(site, "agency", None)  # the network's own site may have none
    if agency is None:
        return site.site_name or site.hostname, []
    addresses = (
        get_user_model()
        .objects.filter(groups=agency.moderators, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )
    return site.site_name or site.hostname, list(addresses)


def tell_moderators(page, ended: datetime.date) -> None:
    site_name, recipients = moderators_of(page)
    where = f"from {site_name}" if site_name else "from its site"
    if page.share_with_network:
        where += " and from partner sites"
    message = f"Consent for '{page.title}' ended on {ended.isoformat()}: the story has been unpublished {where}."
    log(
        instance=page,
        action=ENDED_LOG_ACTION,
        data={"ended_on": ended.isoformat(), "moderators_told": len(recipients)},
    )
    if not recipients:
        logger.warning("Consent for page %s ended; no moderators to tell.", page.pk)
        return
    edit_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "wagtailadmin_pages:edit", args=[page.pk]
    )
    body = (
        f"{message}\n\nIt can be published again only with a new consent record: "
        f"who gave it, when, and when it ends.\n\n{edit_url}\n"
    )

    def send():
        try:
            send_mail(
                f"Unpublished: consent ended for '{page.title}'",
                body,
                None,  # DEFAULT_FROM_EMAIL
                recipients,
            )
        except Exception:  # the story is down either way; the mail must not undo that
            logger.exception("Could not tell moderators that consent for page %s ended.", page.pk)

    transaction.on_commit(send)


@hooks.register("register_log_actions")
def register_consent_log_actions(actions):
    actions.register_action(WITHDRAWN_LOG_ACTION, "Consent withdrawn", "Consent withdrawn")
    actions.register_action(
        ENDED_LOG_ACTION, "Consent ended: moderators told", "Consent ended: moderators told"
    )
