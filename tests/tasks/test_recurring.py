"""Recurring tasks with several workers: each is queued once a period whichever worker's clock
gets there first, and runs of scheduled publishing never overlap; the worker command refuses to
start where tasks run in process; a page's sizes come from the one list the templates use."""

import logging
from datetime import timedelta

import pytest
from django_tasks import task_backends

from django.core.management import CommandError, call_command
from django.template import Context, Template, TemplateSyntaxError
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from wagtail.models import Site

from sites.content.scheduling import EXCLUSIVE, LONGEST_RUN
from sites.content.sizes import filter_specs
from sites.content.tasks import images_shown, make_page_renditions
from sites.tasks.models import RecurringTask
from sites.tasks.recurring import REGISTERED, enqueue_due, exclusive

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(settings):
    """Tasks kept, not run, by django-tasks' dummy backend: the module paths of those queued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    autodiscover_modules("tasks")  # as the worker does: every app's recurring tasks
    return lambda: [result.task.module_path for result in task_backends["default"].results]


def test_each_recurring_task_is_queued_once_a_period_however_many_workers_ask(queued):
    now = timezone.now()
    publishing = "sites.content.tasks.publish_scheduled_pages"
    # Purges a lost run left in the outbox (sites.edge.tasks): sent within a minute.
    purges = "sites.edge.outbox.send_edge_purges"
    assert publishing in REGISTERED and purges in REGISTERED

    first = enqueue_due(now)  # one worker's clock
    assert publishing in first
    assert enqueue_due(now) == []  # another worker's, at the same moment
    assert enqueue_due(now + timedelta(seconds=59)) == []
    assert sorted(enqueue_due(now + timedelta(seconds=61))) == [publishing, purges]
    assert queued().count(publishing) == queued().count(purges) == 2


def test_a_run_holds_the_lease_until_it_ends_or_it_runs_out():
    with exclusive("a-job", timedelta(minutes=1)) as first:
        assert first
        with exclusive("a-job", timedelta(minutes=1)) as second:
            assert not second
    with exclusive("a-job", timedelta(minutes=1)) as after:
        assert after

    # A run that died: its hold lapses at held_until.
    RecurringTask.objects.filter(name="a-job").update(
        held_by="dead", held_until=timezone.now() - timedelta(seconds=1)
    )
    with exclusive("a-job", timedelta(minutes=1)) as taken_over:
        assert taken_over


def test_run_scheduler_skips_a_run_while_a_worker_is_publishing(caplog):
    caplog.set_level(logging.INFO)
    with exclusive(EXCLUSIVE, LONGEST_RUN) as ours:
        assert ours
        call_command("run_scheduler", "--once")
    assert "Scheduled publishing skipped: another process is running it." in caplog.text


def test_the_worker_refuses_to_start_where_tasks_run_in_process():
    with pytest.raises(CommandError) as refused:
        call_command("run_worker")
    assert str(refused.value).startswith("TASKS_BACKEND is not 'database'")


def test_a_home_page_is_given_its_hero_logo_and_preview_sizes():
    home = Site.objects.get(hostname="harbor.localhost").root_page.specific
    shown = images_shown(home)
    sizes = {size for _image, size in shown}
    assert {"home_hero", "share", "logo"} <= sizes

    expected = sum(len(set(filter_specs(size))) for size in {"home_hero", "share"})
    hero = home.hero_image
    hero.renditions.all().delete()
    make_page_renditions.call(home.pk)
    made = set(hero.renditions.values_list("filter_spec", flat=True))
    assert {*filter_specs("home_hero"), *filter_specs("share")} <= made
    assert len(made) >= expected


def test_a_size_the_templates_ask_for_by_name_must_be_one_of_the_list():
    with pytest.raises(TemplateSyntaxError) as wrong:
        Template('{% load lantern_images %}{% sized_picture image "huge" %}')
    assert "takes an image and a size's name, one of: home_hero" in str(wrong.value)
    assert (
        Template('{% load lantern_images %}{% sized_image None "logo" %}').render(Context({})) == ""
    )
