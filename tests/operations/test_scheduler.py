"""The scheduler (`manage.py run_scheduler`): a story whose time has come goes live for readers,
an expired one comes down, each run that changed something says so in one log line, and a
database outage in one run does not stop the next; SIGTERM stops it after the run in progress."""

import json
import logging
import os
import signal
from datetime import timedelta

import pytest

from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.utils import timezone

from wagtail.models import Site
from wagtail.signals import published

from sites.content.management.commands.run_scheduler import Command
from sites.content.pages import NewsIndexPage, NewsStoryPage
from tests.conftest import committed, load_demo_network, site_client

HARBOR = "harbor.localhost"
LOGGER = "sites.content.management.commands.run_scheduler"
HOUR = timedelta(hours=1)


def story(slug: str, *, go_live_at=None, expire_at=None) -> NewsStoryPage:
    """A story on Harbor's site, published the way the admin's Publish button does: it goes live
    now, or, with a go-live time still to come, waits for it."""
    index = NewsIndexPage.objects.child_of(Site.objects.get(hostname=HARBOR).root_page).get()
    page = NewsStoryPage(
        title=f"Scheduler story {slug}",
        slug=slug,
        date="2026-10-01",
        kind="news",
        summary="A story the scheduler acts on.",
        body=json.dumps([{"type": "text", "value": "<p>Words.</p>"}]),
        live=False,
        go_live_at=go_live_at,
        expire_at=expire_at,
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return NewsStoryPage.objects.get(pk=page.pk)


def read(page) -> int:
    return site_client(HARBOR).get(page.get_url_parts()[2]).status_code


def move_clock_forward(monkeypatch, delta: timedelta):
    """From now on, `timezone.now()` (which Wagtail's scheduling asks) is `delta` later."""
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + delta)


def scheduler_lines(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == LOGGER]


@pytest.mark.django_db
def test_one_run_publishes_a_story_whose_time_has_come_and_says_so(monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)
    page = story("goes-live", go_live_at=timezone.now() + HOUR)
    assert not page.live
    assert read(page) == 404

    call_command("run_scheduler", "--once")  # not due yet: nothing changes, nothing is logged
    assert read(page) == 404
    assert scheduler_lines(caplog) == []

    move_clock_forward(monkeypatch, HOUR + timedelta(minutes=1))
    call_command("run_scheduler", "--once")

    assert read(page) == 200
    assert NewsStoryPage.objects.get(pk=page.pk).live
    assert scheduler_lines(caplog) == ["Scheduled publishing: 1 published, 0 unpublished."]


@pytest.mark.django_db
def test_one_run_unpublishes_an_expired_story(monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)
    page = story("expires", expire_at=timezone.now() + HOUR)
    assert read(page) == 200

    move_clock_forward(monkeypatch, HOUR + timedelta(minutes=1))
    with committed():  # as the run's own transaction is: its purge then reaches readers
        call_command("run_scheduler", "--once")

    page.refresh_from_db()
    assert not page.live
    assert page.expired
    assert read(page) == 404
    assert scheduler_lines(caplog) == ["Scheduled publishing: 0 published, 1 unpublished."]


def database_down(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly\n\tThis probably means...")


@pytest.mark.django_db
def test_a_single_run_with_the_database_down_fails_with_a_clear_message(caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)
    with connection.execute_wrapper(database_down), pytest.raises(CommandError) as failed:
        call_command("run_scheduler", "--once")
    assert str(failed.value) == "Scheduled publishing failed; see the log above."
    assert scheduler_lines(caplog) == [
        "Scheduled publishing skipped: the database is unavailable (OperationalError: server "
        "closed the connection unexpectedly); not retried (--once)."
    ]


@pytest.mark.django_db
def test_an_interval_below_one_second_is_refused():
    with pytest.raises(CommandError) as refused:
        call_command("run_scheduler", "--interval", "0")
    assert str(refused.value) == (
        "--interval must be a whole number of seconds, at least 1 (not 0)."
    )


@pytest.mark.django_db(transaction=True)
def test_a_database_outage_skips_one_run_and_sigterm_stops_after_the_run_in_progress(
    monkeypatch, caplog
):
    """The real loop, with real commits: the first run meets a database error, the next one
    publishes the story, and a SIGTERM sent while it publishes lets that run finish."""
    load_demo_network(translated=False)  # the tables may have been emptied; English is enough
    caplog.set_level(logging.INFO, logger=LOGGER)
    page = story("after-the-outage", go_live_at=timezone.now() + HOUR)
    move_clock_forward(monkeypatch, HOUR + timedelta(minutes=1))

    # The database fails the first query it is sent, as when PostgreSQL restarts.
    outage = {"queries_failed": 0}

    def first_query_fails(execute, sql, params, many, context):
        if outage["queries_failed"] == 0:
            outage["queries_failed"] += 1
            database_down(execute, sql, params, many, context)
        return execute(sql, params, many, context)

    # The stop request comes while the story is being published, from the outside.
    def terminate(**kwargs):
        os.kill(os.getpid(), signal.SIGTERM)

    # Were the scheduler not to stop, the test fails instead of looping for ever.
    runs = []
    run_once = Command.run_once

    def counted(self, *args, **kwargs):
        runs.append(1)
        if len(runs) > 3:
            pytest.fail("the scheduler did not stop after SIGTERM")
        return run_once(self, *args, **kwargs)

    monkeypatch.setattr(Command, "run_once", counted)

    def not_caught(signum, frame):
        pytest.fail("SIGTERM reached the test: the scheduler did not handle it")

    previous = signal.signal(signal.SIGTERM, not_caught)
    published.connect(terminate, weak=False)
    try:
        with connection.execute_wrapper(first_query_fails):
            call_command("run_scheduler", "--interval", "1")
        # The scheduler put the handler it found back.
        assert signal.getsignal(signal.SIGTERM) is not_caught
    finally:
        published.disconnect(terminate)
        signal.signal(signal.SIGTERM, previous)

    assert len(runs) == 2
    assert read(page) == 200
    assert scheduler_lines(caplog) == [
        "Scheduler started: publishing scheduled pages every 1 s.",
        "Scheduled publishing skipped: the database is unavailable (OperationalError: server "
        "closed the connection unexpectedly); trying again in 1 s.",
        "Scheduled publishing: 1 published, 0 unpublished.",
        "Scheduler stopped.",
    ]
    warning = next(record for record in caplog.records if record.levelno == logging.WARNING)
    assert warning.name == LOGGER
