"""The task worker as it runs in production: `manage.py run_worker` in its own process, on the
test's database, doing each kind of Lantern's background work while the test watches the effect;
and SIGTERM stopping it cleanly."""

import time
from datetime import timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wagtail.images import get_image_model
from wagtail.models import Site

from blocks.hotline import Hotline
from sites.agencies.tenancy import Agency
from sites.caching import tags
from sites.content.pages import NewsStoryPage
from sites.content.sizes import filter_specs
from sites.edge import keys
from sites.edge.models import EdgePurge
from sites.help.imports import HelpImport
from sites.help.resources import HelpResource
from tests.conftest import member_of, site_client
from tests.operations.test_scheduler import story
from tests.sites.edge.conftest import EdgeServer
from tests.sites.help.test_import import HARBOR_LEGAL, csv_text

pytestmark = pytest.mark.django_db(transaction=True)

HARBOR = "harbor.localhost"


def sizes_made(image) -> set[str]:
    return set(image.renditions.values_list("filter_spec", flat=True))


def test_a_published_story_has_every_size_readers_see_made_by_the_worker(worker):
    page = (
        NewsStoryPage.objects.live()
        .filter(hero_image__isnull=False)
        .descendant_of(Site.objects.get(hostname=HARBOR).root_page)
        .first()
        .specific
    )
    image = get_image_model().objects.get(pk=page.hero_image_id)
    image.renditions.all().delete()
    wanted = {*filter_specs("story_hero"), *filter_specs("story_card"), *filter_specs("share")}
    worker.start()

    page.title = "A story republished"
    page.save_revision().publish()  # committed at once: the task is queued for the worker
    worker.hand_over()

    worker.wait_for("make the story's sizes", lambda: wanted <= sizes_made(image))
    # A reader then pays for none: the page asks only for sizes that exist.
    before = image.renditions.count()
    assert site_client(HARBOR).get(page.get_url_parts()[2]).status_code == 200
    assert image.renditions.count() == before


def test_scheduled_publishing_runs_on_the_worker(worker):
    # Due before the worker starts: its clock enqueues scheduled publishing at once.
    go_live = timezone.now() + timedelta(seconds=2)
    page = story("worker-goes-live", go_live_at=go_live)
    assert not page.live
    time.sleep(max(0.0, (go_live - timezone.now()).total_seconds()) + 0.2)
    worker.start()

    worker.wait_for(
        "publish the scheduled story",
        lambda: NewsStoryPage.objects.filter(pk=page.pk, live=True).exists(),
    )
    assert site_client(HARBOR).get(page.get_url_parts()[2]).status_code == 200


def test_an_import_uploaded_in_the_admin_is_run_by_the_worker(worker):
    moderator = member_of(Agency.objects.get(site__hostname=HARBOR).moderators, "worker_mod")
    client = Client()
    client.force_login(moderator)
    worker.start()
    harbor = Site.objects.get(hostname=HARBOR)
    upload = SimpleUploadedFile(
        "harbor.csv", csv_text([{**HARBOR_LEGAL, "owner": ""}]).encode(), "text/csv"
    )
    response = client.post(
        reverse("lantern_help_import_new"), {"file": upload, "agency": str(harbor.pk)}
    )
    worker.hand_over()
    help_import = HelpImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("lantern_help_import", args=[help_import.pk])

    worker.wait_for(
        "run the import",
        lambda: HelpImport.objects.filter(pk=help_import.pk, status="done").exists(),
    )
    help_import.refresh_from_db()
    assert (help_import.done, help_import.total, help_import.errors) == (1, 1, [])
    assert help_import.counts["created"] == 1
    resource = HelpResource.objects.get(reference=HARBOR_LEGAL["reference"])
    assert resource.owner == harbor
    assert not help_import.file  # the upload is not kept once imported
    page = client.get(response["Location"])
    assert "Imported" in page.content.decode()
    assert 'http-equiv="refresh"' not in page.content.decode()


def test_sigterm_stops_an_idle_worker_at_once(worker):
    worker.start()
    worker.wait_for("start", lambda: "Starting worker" in worker.said(), timeout=60)
    started = time.monotonic()
    assert worker.stop() == 0
    assert time.monotonic() - started < 10


def test_an_edge_purge_is_sent_by_the_worker(worker, settings):
    edge = EdgeServer()  # the edge's purge endpoint: a real HTTP server on 127.0.0.1
    try:
        settings.EDGE_CACHE, settings.EDGE_CACHE_URL = "varnish", edge.url + "/"
        worker.start(EDGE_CACHE="varnish", EDGE_CACHE_URL=edge.url + "/")
        hotline = Hotline.objects.get(owner__hostname=HARBOR, locale__language_code="en")
        hotline.phone = "(213) 555-0142"
        hotline.save()  # committed at once: the purge waits in the outbox for the worker
        worker.hand_over()

        worker.wait_for(
            "send the purge",
            lambda: EdgePurge.objects.filter(sent_at__isnull=False).exists(),
        )
        assert EdgePurge.objects.filter(sent_at=None).count() == 0
        assert keys.key(tags.one(Hotline, hotline.pk)) in edge.purged_keys()
        assert {request["method"] for request in edge.requests} == {"PURGE"}
    finally:
        edge.stop()


def test_the_workers_clock_runs_its_upkeep_old_results_pruned_dead_imports_shown(worker):
    """The recurring upkeep, enqueued by the worker's own clock when first due (at its start)
    and run by it: a result finished weeks ago is pruned, and an import whose run stopped
    beating (its worker killed) is shown as interrupted."""
    old = DBTaskResult.objects.create(
        status="SUCCESSFUL",
        args_kwargs={"args": [], "kwargs": {}},
        task_path="sites.edge.outbox.send_edge_purges",
        queue_name="default",
        backend_name="default",
        run_after=timezone.now() - timedelta(days=40),
        finished_at=timezone.now() - timedelta(days=40),
        exception_class_path="",
        traceback="",
    )
    killed = HelpImport.objects.create(
        site=Site.objects.get(hostname=HARBOR),
        kind=HelpImport.Kind.CSV,
        file_name="killed.csv",
        status=HelpImport.Status.RUNNING,
        heartbeat_at=timezone.now() - timedelta(minutes=10),
    )
    worker.start()

    worker.wait_for("prune the old result", lambda: not DBTaskResult.objects.filter(pk=old.pk))
    worker.wait_for(
        "show the killed import as interrupted",
        lambda: HelpImport.objects.filter(pk=killed.pk, status="interrupted").exists(),
    )
