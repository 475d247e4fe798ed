"""Tests for blocks.appeals: an appeal's progress, when it is open, its checks, and how readers see it."""

import datetime

import pytest

from django.core.exceptions import ValidationError
from django.utils import timezone

from blocks.appeals import DonationAppeal, DonationAppealBlock

DONATE_URL = "https://donate.example.org/winter"


def make_appeal(**fields) -> DonationAppeal:
    values = {
        "headline": "Keep the shelter warm",
        "text": "<p>Your gift pays for <strong>heating</strong>.</p>",
        "goal": 10_000,
        "raised": 2_500,
        "donate_url": DONATE_URL,
        "end_date": None,
    }
    return DonationAppeal(**(values | fields))


def days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.mark.parametrize(
    ("raised", "goal", "percent"),
    [
        (0, 10_000, 0),
        (2_500, 10_000, 25),
        (9_999, 10_000, 99),
        (9_800, 25_000, 39),
        (10_000, 10_000, 100),
        (15_000, 10_000, 100),
        (500, 0, 0),
    ],
)
def test_progress_is_whole_percent_and_never_overflows(raised, goal, percent):
    assert make_appeal(raised=raised, goal=goal).percent == percent


@pytest.mark.parametrize(
    ("days_left", "is_open"), [(None, True), (30, True), (0, True), (-1, False), (-365, False)]
)
def test_appeal_stays_open_through_its_end_date(days_left, is_open):
    end_date = None if days_left is None else days_from_today(days_left)
    assert make_appeal(end_date=end_date).is_open is is_open


@pytest.mark.django_db
def test_a_goal_of_zero_is_refused():
    with pytest.raises(ValidationError) as exc:
        make_appeal(goal=0).full_clean()
    assert exc.value.message_dict == {"goal": ["A goal must be more than zero dollars."]}


@pytest.mark.django_db
def test_a_new_appeal_cannot_end_in_the_past():
    with pytest.raises(ValidationError) as exc:
        make_appeal(end_date=days_from_today(-1)).full_clean()
    assert exc.value.message_dict == {
        "end_date": ["This date has passed: a new appeal needs an end date from today on."]
    }


@pytest.mark.django_db
def test_a_new_appeal_may_end_today():
    make_appeal(end_date=days_from_today(0)).full_clean()


@pytest.mark.django_db
def test_an_appeal_that_has_ended_can_still_be_edited():
    appeal = make_appeal(end_date=days_from_today(10))
    appeal.full_clean()
    appeal.save()
    appeal.end_date = days_from_today(-10)
    appeal.raised = 11_000
    appeal.full_clean()
    appeal.save()
    appeal.refresh_from_db()
    assert appeal.raised == 11_000


def render(appeal: DonationAppeal, show_progress: bool = True) -> str:
    appeal.save()
    block = DonationAppealBlock()
    return block.render(block.to_python({"appeal": appeal.pk, "show_progress": show_progress}))


@pytest.mark.django_db
def test_an_open_appeal_asks_for_a_gift_and_shows_progress():
    appeal = make_appeal(end_date=days_from_today(30))
    html = render(appeal)
    assert f'<form class="gift" method="get" action="/en/give/{appeal.pk}/">' in html
    assert '<button type="submit" class="button">Donate</button>' in html
    assert (
        '<progress class="progress" max="100" value="25" aria-label="Progress toward the goal">'
        "25%</progress>"
    ) in html
    assert "<p><strong>$2,500</strong> raised of $10,000 goal</p>" in html
    end = days_from_today(30)
    assert f"Open until {end:%B} {end.day}, {end.year}." in html
    assert "Your gift pays for <strong>heating</strong>." in html
    assert (
        f'<h2 id="appeal-{appeal.pk}" class="appeal__headline">Keep the shelter warm</h2>' in html
    )
    assert "has closed" not in html


@pytest.mark.django_db
def test_an_appeal_without_end_date_has_no_closing_date():
    html = render(make_appeal())
    assert '<button type="submit" class="button">Donate</button>' in html
    assert "Open until" not in html


@pytest.mark.django_db
def test_progress_bar_is_full_once_the_goal_is_passed():
    html = render(make_appeal(raised=12_345))
    assert 'max="100" value="100"' in html
    assert "<p><strong>$12,345</strong> raised of $10,000 goal</p>" in html


@pytest.mark.django_db
def test_progress_can_be_hidden():
    html = render(make_appeal(), show_progress=False)
    assert "<progress" not in html
    assert "raised of" not in html
    assert '<button type="submit" class="button">Donate</button>' in html


@pytest.mark.django_db
def test_a_closed_appeal_thanks_readers_and_asks_for_nothing():
    html = render(make_appeal(end_date=days_from_today(-1)))
    assert (
        '<p class="appeal__end">This appeal has closed. Thank you to everyone who gave.</p>' in html
    )
    assert "Donate" not in html
    assert "<form" not in html
    assert DONATE_URL not in html
    assert "Open until" not in html
