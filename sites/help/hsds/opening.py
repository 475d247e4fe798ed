"""HSDS schedules as a help resource's opening hours: weekly rules as `weekly` blocks, every
day around the clock as open 24/7, a schedule in words as its hours text. Rules Lantern cannot
keep (monthly, every other week) are refused with their reason."""

import datetime
import re
import zoneinfo

from sites.help.hsds.compiled import OPEN_24_7
from sites.help.hsds.records import Findings, as_text, label_of, locations_of, records_in, unique
from sites.help.hsds.vocabulary import TIME_ZONE_NOTE_PATTERN
from sites.help.schedules import DAYS

DAY_CODES = [code for code, _name in DAYS]
TIME = re.compile(
    r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?"
)
MIDNIGHT = datetime.time(0, 0)
END_OF_DAY = {datetime.time(0, 0), datetime.time(23, 59), datetime.time(23, 59, 59)}
# Parts of an iCal rule that narrow a weekly schedule; Lantern keeps every week.
NARROWING = ["byweekno", "bymonthday", "byyearday", "count", "until", "valid_to"]
HOURS_LENGTH = 120


def opening_hours(service: dict, findings: Findings) -> tuple[dict, float | None]:
    """Weekly schedules as opening hours; every day around the clock as open 24/7; schedules
    in words as the hours text. Other rules (monthly, every other week) are refused.

    Also returns the UTC offset the schedules give (a number of hours, or None): HSDS's way of
    saying when, which Lantern keeps only when nothing else tells its time zone."""
    schedules = unique(records_in(service.get("schedules")))
    if not schedules:
        for at in records_in(service.get("service_at_locations")):
            schedules += records_in(at.get("schedules"))
        schedules = unique(schedules)
    if not schedules:
        for location in locations_of(service):
            schedules += records_in(location.get("schedules"))
        schedules = unique(schedules)
    texts, weekly, always, zones, offsets = [], [], False, [], []
    for schedule in schedules:
        label = label_of("schedule", schedule)
        description = as_text(schedule.get("description"))
        if description and description not in texts:
            texts.append(description)
        zone = _time_zone(schedule.get("timezone"), label, findings)
        named = re.search(TIME_ZONE_NOTE_PATTERN, as_text(schedule.get("notes")))
        if named and named["zone"] in zoneinfo.available_timezones():
            zone = named["zone"]  # as Lantern exports it: the offset's zone, by name
        if isinstance(zone, float):
            offsets.append(zone)
        elif zone and zone not in zones:
            zones.append(zone)
        if (written := _offset(schedule.get("opens_at"))) is not None:
            offsets.append(written)
        rule = _weekly_rule(schedule, label, findings)
        if rule is None:
            if not description:
                findings.notes.append(f"{label} gives no days, times or description: left out.")
            continue
        days, opens_at, closes_at = rule
        if days == DAY_CODES and opens_at == MIDNIGHT and closes_at in END_OF_DAY:
            always = True
        elif rule not in weekly:
            weekly.append(rule)
    if always:
        if weekly:
            findings.notes.append("Open 24/7: its other weekly hours are not kept.")
        # Lantern's own export says so in words when no hours were written.
        texts = [text for text in texts if text != OPEN_24_7]
    if len(zones) > 1:
        findings.errors.append(
            f"timezone: its schedules name different time zones ({', '.join(zones)})."
        )
    hours = "; ".join(texts)
    if len(hours) > HOURS_LENGTH:
        findings.notes.append(f"Its hours in words are cut to {HOURS_LENGTH} characters.")
        hours = hours[: HOURS_LENGTH - 1].rstrip() + "…"
    blocks = [
        ("weekly", {"days": days, "opens_at": opens, "closes_at": closes})
        for days, opens, closes in ([] if always else weekly)
    ]
    values = {
        "is_24_7": always,
        "opening_hours": blocks,
        "hours": hours,
        "time_zone": zones[0] if zones else "",
    }
    return values, offsets[0] if offsets else None


def _weekly_rule(schedule: dict, label: str, findings: Findings):
    """(days, opens_at, closes_at) of a weekly schedule; None for one with no rule or times
    (or a rule refused, with its reason)."""
    freq = as_text(schedule.get("freq")).upper()
    byday = as_text(schedule.get("byday")).upper()
    opens, closes = as_text(schedule.get("opens_at")), as_text(schedule.get("closes_at"))
    if not (freq or byday or opens or closes):
        return None
    if freq not in ("", "WEEKLY"):
        findings.errors.append(
            f"{label}: a {freq} rule cannot be kept: Lantern keeps hours that repeat every "
            "week. Describe it in the schedule's description (e.g. 'the first Monday of each "
            "month, 10am to 2pm') and leave freq, byday and the times empty."
        )
        return None
    interval = as_text(schedule.get("interval"))
    if interval and interval not in ("1", "1.0"):
        findings.errors.append(
            f"{label}: every {interval} weeks cannot be kept: Lantern keeps hours that repeat "
            "every week. Describe it in the schedule's description instead."
        )
        return None
    days = [day.strip() for day in byday.split(",") if day.strip()]
    unknown = [day for day in days if day not in DAY_CODES]
    if not days or unknown:
        shown = f"'{byday}'" if byday else "no byday"
        findings.errors.append(
            f"{label}: {shown}: give the days it opens as byday, e.g. MO,TU,WE (a day with a "
            "number, like 2MO, is a monthly rule)."
        )
        return None
    opens_at = _time(opens, f"{label}: opens_at", findings, closing=False)
    closes_at = _time(closes, f"{label}: closes_at", findings, closing=True)
    if opens_at is None or closes_at is None:
        return None
    narrowing = [name for name in NARROWING if as_text(schedule.get(name))]
    if narrowing:
        findings.notes.append(
            f"{label}: {', '.join(narrowing)} not kept: its days and times are kept as every week's."
        )
    return [code for code in DAY_CODES if code in days], opens_at, closes_at


def _time(value: str, label: str, findings: Findings, *, closing: bool) -> datetime.time | None:
    """'09:00', '09:00:00', '09:00-05:00' or '17:00Z' as the time on the service's clock.

    HSDS writes its UTC offset with the time; Lantern keeps times on the service's own clock
    and its time zone by name, so the offset is not kept. '24:00' closes at midnight."""
    if not value:
        findings.errors.append(f"{label}: give both opens_at and closes_at, e.g. 09:00 and 17:00.")
        return None
    match = TIME.fullmatch(value)
    if match:
        hour, minute, second = (int(part or 0) for part in match.groups()[:3])
        if closing and (hour, minute, second) == (24, 0, 0):
            return MIDNIGHT
        if hour <= 23 and minute <= 59 and second <= 59:
            return datetime.time(hour, minute, second)
    findings.errors.append(f"{label}: '{value}' is not a time written HH:MM, e.g. 17:30.")
    return None


def _offset(value) -> float | None:
    """The UTC offset, in hours, written with a time ('09:00-05:00' -> -5.0), if any."""
    match = TIME.fullmatch(as_text(value))
    written = match.group(4) if match else None
    if not written:
        return None
    if written.upper() == "Z":
        return 0.0
    sign = -1 if written[0] == "-" else 1
    digits = written[1:].replace(":", "")
    return sign * (int(digits[:2]) + int(digits[2:] or 0) / 60)


def offset_time_zone(offset: float) -> str:
    """The IANA zone that keeps a whole-hour UTC offset all year ('Etc/GMT-3' is UTC+3: the
    Etc zones' signs are POSIX's, the other way round); '' for a fractional offset."""
    if offset != int(offset):
        return ""
    hours = int(offset)
    return "Etc/UTC" if hours == 0 else f"Etc/GMT{'-' if hours > 0 else '+'}{abs(hours)}"


def _time_zone(value, label: str, findings: Findings) -> str | float:
    """An IANA time zone name given as a schedule's timezone, or the UTC offset HSDS 3.1 gives
    there (a number of hours), or ''."""
    text = as_text(value)
    if not text:
        return ""
    try:
        offset = float(text)
    except ValueError:
        if text in zoneinfo.available_timezones():
            return text
        findings.errors.append(
            f"{label}: timezone '{text}' is neither a UTC offset nor a time zone name such as "
            "America/Chicago."
        )
        return ""
    if not -12 <= offset <= 14:
        findings.errors.append(f"{label}: timezone {text} is not a UTC offset (-12 to 14).")
        return ""
    return offset
