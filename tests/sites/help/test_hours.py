"""Opening hours read at a moment: what a reader is told, at fixed moments (no clock is read)."""

import datetime
import zoneinfo

import pytest

from django.utils import translation

from sites.help.hours import opening_status
from sites.help.resources import HelpResource

LA = zoneinfo.ZoneInfo("America/Los_Angeles")
EVERY_DAY = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR"]


def service(*rules, **fields) -> HelpResource:
    """An unsaved help resource in Los Angeles (its ZIP code gives its time zone) with weekly
    rules (days, opens, closes), as an editor enters them."""
    values = {"organisation": "Test Service", "postcode": "90012"} | fields
    return HelpResource(
        **values,
        opening_hours=[
            {"type": "weekly", "value": {"days": days, "opens_at": opens, "closes_at": closes}}
            for days, opens, closes in rules
        ],
    )


def told(resource, *moment, zone=LA, reader_time_zone="") -> str:
    status = opening_status(resource, datetime.datetime(*moment, tzinfo=zone), reader_time_zone)
    return status.sentence if status else None


NIGHT_SHELTER = (EVERY_DAY, "18:00", "08:00")


def test_a_night_shelter_is_open_across_midnight_until_the_morning():
    shelter = service(NIGHT_SHELTER)
    # Tuesday 8 December 2026.
    assert told(shelter, 2026, 12, 8, 23, 0) == "Open now · until 8 a.m."
    assert told(shelter, 2026, 12, 9, 0, 30) == "Open now · until 8 a.m."
    assert told(shelter, 2026, 12, 9, 7, 59) == "Open now · until 8 a.m."
    assert told(shelter, 2026, 12, 9, 8, 0) == "Closed now · opens at 6 p.m."
    assert told(shelter, 2026, 12, 9, 9, 0) == "Closed now · opens at 6 p.m."
    assert told(shelter, 2026, 12, 9, 18, 0) == "Open now · until 8 a.m."


def test_closed_for_the_weekend_says_which_day_it_opens():
    office = service((WEEKDAYS, "09:00", "17:00"))
    assert told(office, 2026, 12, 11, 12, 0) == "Open now · until 5 p.m."  # Friday
    assert told(office, 2026, 12, 11, 18, 0) == "Closed now · opens Monday at 9 a.m."
    assert told(office, 2026, 12, 13, 20, 0) == "Closed now · opens tomorrow at 9 a.m."  # Sunday
    assert told(office, 2026, 12, 14, 6, 30) == "Closed now · opens at 9 a.m."  # Monday


def test_sunday_night_runs_into_monday_morning_across_the_weeks_end():
    late = service((["SU"], "22:00", "02:00"))
    assert told(late, 2026, 12, 14, 1, 0) == "Open now · until 2 a.m."  # Monday 1 a.m.
    assert told(late, 2026, 12, 14, 3, 0) == "Closed now · opens Sunday at 10 p.m."


def test_open_longer_than_a_day_names_the_day_it_closes():
    weekend = service(
        (["FR"], "18:00", "00:00"),
        (["SA", "SU"], "00:00", "00:00"),  # the same time: open 24 hours from then
        (["MO"], "00:00", "08:00"),
    )
    assert told(weekend, 2026, 12, 12, 12, 0) == "Open now · until Monday 8 a.m."  # Saturday
    assert told(weekend, 2026, 12, 13, 12, 0) == "Open now · until 8 a.m."  # Sunday noon


def test_the_clocks_changing_moves_the_closing_moment_not_the_closing_time():
    shelter = service(NIGHT_SHELTER)
    # Saturday 7 March 2026 at 11 p.m.: the clocks go forward at 2 a.m. on Sunday.
    status = opening_status(shelter, datetime.datetime(2026, 3, 7, 23, 0, tzinfo=LA))
    assert status.sentence == "Open now · until 8 a.m."
    assert status.until.hour == 8
    assert status.changes_at == datetime.datetime(2026, 3, 8, 15, 0, tzinfo=datetime.UTC)  # PDT
    # Saturday 31 October 2026: they go back on Sunday; 8 a.m. is then 16:00 UTC.
    status = opening_status(shelter, datetime.datetime(2026, 10, 31, 23, 0, tzinfo=LA))
    assert status.changes_at == datetime.datetime(2026, 11, 1, 16, 0, tzinfo=datetime.UTC)


def test_a_time_the_clocks_skip_opens_an_hour_later():
    early = service((["SU"], "02:30", "06:00"))
    status = opening_status(early, datetime.datetime(2026, 3, 8, 1, 0, tzinfo=LA))
    assert not status.is_open
    assert status.opens.hour == 3 and status.opens.minute == 30


def test_open_24_7_is_always_open_and_every_hour_of_the_week_is_too():
    assert told(service(is_24_7=True), 2026, 12, 8, 3, 0) == "Open 24 hours, every day"
    always = service((EVERY_DAY, "00:00", "00:00"))
    assert told(always, 2026, 12, 8, 3, 0) == "Open 24 hours, every day"
    assert opening_status(always, datetime.datetime(2026, 12, 8, tzinfo=LA)).changes_at is None


def test_no_weekly_hours_or_no_time_zone_leave_the_hours_in_words():
    assert told(service(hours="Call us"), 2026, 12, 8, 12, 0) is None
    nationwide = service((WEEKDAYS, "09:00", "17:00"), postcode="", area="national")
    assert told(nationwide, 2026, 12, 8, 12, 0) is None
    # Its state tells the time zone when it serves one state and has no ZIP code of its own.
    maine = service((WEEKDAYS, "09:00", "17:00"), postcode="", area="states", states="ME")
    assert told(maine, 2026, 12, 8, 12, 0, zone=datetime.UTC) == "Closed now · opens at 9 a.m."


def test_a_reader_in_another_time_zone_is_told_the_services_zone():
    new_york = service((WEEKDAYS, "09:00", "17:00"), postcode="", time_zone="America/New_York")
    moment = (2026, 12, 8, 10, 0)  # 10 a.m. in Los Angeles, 1 p.m. in New York
    assert told(new_york, *moment) == "Open now · until 5 p.m."
    assert (
        told(new_york, *moment, reader_time_zone="America/Los_Angeles")
        == "Open now · until 5 p.m. EST"
    )
    assert told(new_york, *moment, reader_time_zone="America/Detroit") == "Open now · until 5 p.m."


def test_a_closed_services_sentence_changes_at_midnight_and_when_it_opens():
    office = service((WEEKDAYS, "09:00", "17:00"))
    friday_night = opening_status(office, datetime.datetime(2026, 12, 11, 20, 0, tzinfo=LA))
    assert friday_night.changes_at == datetime.datetime(2026, 12, 12, 0, 0, tzinfo=LA)
    monday_dawn = opening_status(office, datetime.datetime(2026, 12, 14, 6, 0, tzinfo=LA))
    assert monday_dawn.changes_at == datetime.datetime(2026, 12, 14, 9, 0, tzinfo=LA)


@pytest.mark.parametrize(
    ("moment", "sentence"),
    [
        ((2026, 12, 8, 23, 0), "Abierto ahora · hasta las 08:00"),
        ((2026, 12, 9, 9, 0), "Cerrado ahora · abre a las 18:00"),
    ],
)
def test_spanish_readers_get_the_hours_in_spanish_with_their_clock(moment, sentence):
    with translation.override("es"):
        assert told(service(NIGHT_SHELTER), *moment) == sentence
        office = service((WEEKDAYS, "09:00", "17:00"))
        assert told(office, 2026, 12, 11, 18, 0) == "Cerrado ahora · abre el lunes a las 09:00"
        assert told(office, 2026, 12, 13, 20, 0) == "Cerrado ahora · abre mañana a las 09:00"
