"""Open now or not: a help resource's weekly opening hours read at a moment, and told to a reader.

The hours are HSDS weekly schedules (`sites.help.schedules.WeeklyHoursBlock`): days, an opening
and a closing time in the resource's own time zone (`places.time_zone_of`), a closing time
before the opening time being the next morning's. `opening_status(resource, now)` says whether
it is open at `now`, until when or when it opens next, and `sentence` says so in the reader's
language with times as their language writes them ("Open now · until 10 p.m.", "Cerrado ahora
· abre el martes a las 18:00"), in the resource's own time: a reader is near the place, and a
reader elsewhere is shown the zone's name ("until 5 p.m. EST").

Pure functions of the resource and the moment: nothing is read from the database or the clock.
An empty schedule (or one with no time zone to read it in) is None, so the hours in words show
as before; open 24/7 is always open.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.utils import formats
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext

from sites.help.places import time_zone_of

DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]  # as WeeklyHoursBlock stores them
UTC = datetime.UTC
# Weekly rules repeat, so a fortnight around the moment holds the period it is in (even one
# that began the week before) and the next opening. A period longer than a week never closes.
DAYS_BEFORE, DAYS_AFTER = 7, 8
ALWAYS = datetime.timedelta(days=7)


@dataclass(frozen=True)
class OpeningStatus:
    """A resource's opening at one moment. Times are in the resource's own time zone.

    `changes_at` is the next moment (UTC) its sentence may read differently: it opens or
    closes, or a day starts ("tomorrow" becomes "today"). None for a resource always open."""

    is_open: bool
    now: datetime.datetime
    until: datetime.datetime | None = None  # when it closes, if open
    opens: datetime.datetime | None = None  # when it next opens, if closed
    always: bool = False
    changes_at: datetime.datetime | None = None
    show_zone: bool = False  # the reader keeps another time: name the zone with the times

    @property
    def sentence(self) -> str:
        return status_sentence(self)


@dataclass(frozen=True)
class WeeklyRule:
    days: frozenset[int]  # 0 Monday … 6 Sunday
    opens_at: datetime.time
    closes_at: datetime.time


def weekly_rules(opening_hours) -> list[WeeklyRule]:
    """The usable rules of an `opening_hours` stream: those with days and both times."""
    rules = []
    for block in opening_hours or []:
        if block.block_type != "weekly":
            continue
        value = block.value
        days = frozenset(
            DAY_CODES.index(day) for day in value.get("days") or [] if day in DAY_CODES
        )
        opens_at, closes_at = value.get("opens_at"), value.get("closes_at")
        if days and opens_at is not None and closes_at is not None:
            rules.append(WeeklyRule(days, opens_at, closes_at))
    return rules


def at(day: datetime.date, time: datetime.time, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    """`time` on `day` on the clocks of `zone`, in UTC. A time the clocks skip (02:30 as they
    go forward) is read with the offset before the change, so it falls an hour later."""
    return datetime.datetime.combine(day, time.replace(tzinfo=None), tzinfo=zone).astimezone(UTC)


def open_periods(
    rules: list[WeeklyRule], zone: zoneinfo.ZoneInfo, around: datetime.date
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """(opens, closes) in UTC for the fortnight around the day `around`, in order, periods that
    touch or overlap joined (a night shelter open 18:00 to 08:00 every day is open from Monday
    evening to Tuesday morning, and again that evening). A closing time at or before the opening
    time is the next day's (the same time: open 24 hours from then)."""
    periods = []
    for offset in range(-DAYS_BEFORE, DAYS_AFTER + 1):
        day = around + datetime.timedelta(days=offset)
        for rule in rules:
            if day.weekday() not in rule.days:
                continue
            closes_day = day if rule.closes_at > rule.opens_at else day + datetime.timedelta(days=1)
            periods.append((at(day, rule.opens_at, zone), at(closes_day, rule.closes_at, zone)))
    joined: list[list[datetime.datetime]] = []
    for start, end in sorted(periods):
        if joined and start <= joined[-1][1]:
            joined[-1][1] = max(joined[-1][1], end)
        else:
            joined.append([start, end])
    return [(start, end) for start, end in joined]


def opening_status(
    resource, now: datetime.datetime, reader_time_zone: str = ""
) -> OpeningStatus | None:
    """Whether `resource` is open at `now` (an aware datetime), by its 24/7 flag or its weekly
    hours; None when it has no usable hours or no time zone to read them in.
    `reader_time_zone`: the reader's, when known; the sentence names the resource's zone when
    its clocks differ."""
    if resource.is_24_7:
        return OpeningStatus(is_open=True, always=True, now=now)
    rules = weekly_rules(resource.opening_hours)
    zone_name = time_zone_of(resource)
    if not rules or not zone_name:
        return None
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    now = now.astimezone(UTC)
    local_now = now.astimezone(zone)
    show_zone = bool(reader_time_zone) and differs(zone, reader_time_zone, now)
    # A new day turns "tomorrow" into "today": a closed one's sentence changes at midnight too.
    midnight = at(local_now.date() + datetime.timedelta(days=1), datetime.time(0), zone)
    for start, end in open_periods(rules, zone, local_now.date()):
        if start <= now < end:
            if end - now >= ALWAYS:
                return OpeningStatus(is_open=True, always=True, now=local_now)
            # Within a day it says the time alone; from further off, the day as well.
            day_before = end - datetime.timedelta(days=1)
            changes = day_before if day_before > now else end
            return OpeningStatus(
                is_open=True,
                now=local_now,
                until=end.astimezone(zone),
                changes_at=changes,
                show_zone=show_zone,
            )
        if start > now:
            return OpeningStatus(
                is_open=False,
                now=local_now,
                opens=start.astimezone(zone),
                changes_at=min(start, midnight),
                show_zone=show_zone,
            )
    return None  # rules that name days but no period came of them: cannot happen, told plainly


def differs(zone: zoneinfo.ZoneInfo, other: str, now: datetime.datetime) -> bool:
    """Whether the clocks of `zone` and the zone named `other` read differently at `now`."""
    try:
        other_zone = zoneinfo.ZoneInfo(other)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return now.astimezone(zone).utcoffset() != now.astimezone(other_zone).utcoffset()


def clock(moment: datetime.datetime, show_zone: bool) -> str:
    """A time as the reader's language writes it ('10 p.m.', '22:00'), with the zone's name
    ('5 p.m. EST') when the reader keeps another time."""
    text = formats.time_format(moment, "TIME_FORMAT")
    return f"{text} {moment.tzname()}" if show_zone else text


def status_sentence(status: OpeningStatus) -> str:
    """What a reader is told, in their language: 'Open now · until 10 p.m.', 'Closed now ·
    opens tomorrow at 9 a.m.', 'Open 24 hours, every day'."""
    if status.always:
        return gettext("Open 24 hours, every day")
    if status.is_open:
        until = status.until
        time = clock(until, status.show_zone)
        if until - status.now < datetime.timedelta(days=1):
            return gettext("Open now · until %(time)s") % {"time": time}
        return gettext("Open now · until %(day)s %(time)s") % {
            "day": WEEKDAYS[until.weekday()],
            "time": time,
        }
    opens = status.opens
    time = clock(opens, status.show_zone)
    days_away = (opens.date() - status.now.date()).days
    if days_away == 0:
        return gettext("Closed now · opens at %(time)s") % {"time": time}
    if days_away == 1:
        return gettext("Closed now · opens tomorrow at %(time)s") % {"time": time}
    return gettext("Closed now · opens %(day)s at %(time)s") % {
        "day": WEEKDAYS[opens.weekday()],
        "time": time,
    }
