"""Purges by tag through the outbox: a change writes its row in its own transaction, the task
sends it to the edge (a real HTTP server here) once committed, and an edge that does not answer
keeps it queued, with backoff, until it does."""

from datetime import timedelta

import pytest

from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blocks.hotline import Hotline
from sites.caching import tags
from sites.content.branding import SiteBranding
from sites.content.pages import NewsStoryPage
from sites.edge import backends, keys, outbox
from sites.edge.models import EdgePurge

pytestmark = pytest.mark.django_db

HARBOR = "harbor.localhost"


def harbor_hotline() -> Hotline:
    return Hotline.objects.get(owner__hostname=HARBOR, locale__language_code="en")


def new_number(hotline, number="(213) 555-0199"):
    hotline.phone = number
    hotline.save()


def test_a_hotline_change_writes_one_row_in_its_transaction_and_sends_it_once_committed(
    varnish, change, django_capture_on_commit_callbacks
):
    hotline = harbor_hotline()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with CaptureQueriesContext(connection) as queries:
            new_number(hotline)
        [row] = EdgePurge.objects.all()  # written before the commit, in the change's transaction
    # One row, however many times the change purges (wagtail-localize saves its source too).
    inserts = [q["sql"] for q in queries if q["sql"].startswith("INSERT")]
    assert len([sql for sql in inserts if "lantern_edge_edgepurge" in sql]) == 1
    assert tags.one(Hotline, hotline.pk) in row.tag_list()
    assert tags.model(Hotline) in row.tag_list()
    assert varnish.requests == []  # nothing sent before the commit
    for callback in callbacks:
        callback()
    [purge] = varnish.requests
    assert purge["method"] == "PURGE"
    sent = set(purge["headers"]["xkey-purge"].split(" "))
    assert keys.key(tags.one(Hotline, hotline.pk)) in sent
    assert keys.OVERFLOW in sent
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 1


def test_a_change_costs_one_insert_more_with_an_edge(settings, varnish, change):
    hotline = harbor_hotline()
    settings.EDGE_CACHE = ""
    new_number(hotline, "(213) 555-0100")  # what a first save loads once (content types...)
    with CaptureQueriesContext(connection) as without:
        new_number(hotline, "(213) 555-0101")
    settings.EDGE_CACHE = "varnish"
    with CaptureQueriesContext(connection) as with_edge:
        new_number(hotline, "(213) 555-0102")
    assert len(with_edge) == len(without) + 1
    [added] = [q["sql"] for q in with_edge if "lantern_edge" in q["sql"]]
    assert added.startswith('INSERT INTO "lantern_edge_edgepurge"')


def test_a_change_rolled_back_leaves_no_purge(varnish):
    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        new_number(harbor_hotline())
        assert EdgePurge.objects.count() == 1
        raise Abandoned
    assert EdgePurge.objects.count() == 0
    assert varnish.requests == []


def test_branding_and_a_published_story_reach_the_edge(varnish, change):
    branding = SiteBranding.objects.get(site__hostname=HARBOR)
    branding.tagline = "Always here"
    change(branding.save)
    assert keys.key(tags.one(SiteBranding, branding.pk)) in varnish.purged_keys()
    story = NewsStoryPage.objects.get(
        slug="eight-children-safe-in-two-weeks", locale__language_code="en"
    )
    story.title = "A new headline"
    change(lambda: story.save_revision().publish())
    assert keys.key(tags.page(story.pk)) in varnish.purged_keys()
    assert keys.key(tags.children(story.get_parent())) in varnish.purged_keys()
    assert not EdgePurge.objects.filter(sent_at=None).exists()


def test_an_edge_that_is_down_keeps_the_purge_with_backoff_until_it_answers(varnish, change):
    varnish.status = 503
    change(new_number, harbor_hotline())
    [row] = EdgePurge.objects.all()
    assert row.status == "failing" and row.attempts == 1
    assert row.last_error == "Varnish: HTTP 503 Service Unavailable"
    assert row.next_attempt_at > timezone.now()
    # Not due yet: a run sends nothing and does not count an attempt.
    varnish.status = 200
    call_command("send_edge_purges")
    assert len(varnish.requests) == 1
    row.refresh_from_db()
    assert row.sent_at is None and row.attempts == 1
    # Down again when it is due: the wait doubles.
    varnish.status = 502
    EdgePurge.objects.update(next_attempt_at=timezone.now())
    with pytest.raises(CommandError, match="1 edge purges not taken"):
        call_command("send_edge_purges")
    row.refresh_from_db()
    assert row.attempts == 2
    waited = row.next_attempt_at - timezone.now()
    assert timedelta(seconds=8) < waited <= timedelta(seconds=10)
    # Up again: the next run sends it.
    varnish.status = 200
    EdgePurge.objects.update(next_attempt_at=timezone.now())
    call_command("send_edge_purges")
    row.refresh_from_db()
    assert row.status == "sent"
    assert keys.key(tags.one(Hotline, harbor_hotline().pk)) in varnish.purged_keys()


def test_an_edge_out_of_reach_is_an_error_without_secrets(settings, change):
    settings.EDGE_CACHE = "fastly"
    settings.FASTLY_SERVICE_ID = "svc"
    settings.FASTLY_API_TOKEN = "very-secret-token"
    settings.FASTLY_API_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    change(new_number, harbor_hotline())
    [row] = EdgePurge.objects.all()
    assert row.status == "failing"
    assert row.last_error.startswith("Fastly: ")
    assert "very-secret-token" not in row.last_error


def test_pending_rows_of_several_changes_are_sent_together(varnish):
    for pk in (1, 2, 3):  # committed, and the process died before sending them
        EdgePurge.objects.create(tags=f"page:{pk}\nmodel:blocks.hotline")
    assert EdgePurge.objects.filter(sent_at=None).count() == 3
    outcome = outbox.send_due()
    assert outcome.sent == 3 and outcome.failed == 0
    assert len(varnish.requests) == 1
    wanted = {keys.key(tag) for tag in ("page:1", "page:2", "page:3", "model:blocks.hotline")}
    assert varnish.purged_keys() == wanted | {keys.OVERFLOW}


def test_fastly_gets_surrogate_keys_in_batches_of_256_with_its_token(settings, edge_server):
    settings.EDGE_CACHE = "fastly"
    settings.FASTLY_SERVICE_ID = "SU1Z0isxPaozGVKXdv0eY"
    settings.FASTLY_API_TOKEN = "fastly-token"
    settings.FASTLY_API_URL = edge_server.url
    many = {keys.key(f"page:{pk}") for pk in range(600)}
    backends.get_backend().purge_keys(many)
    assert [len(r["headers"]["surrogate-key"].split(" ")) for r in edge_server.requests] == [
        256,
        256,
        88,
    ]
    for request in edge_server.requests:
        assert request["method"] == "POST"
        assert request["path"] == "/service/SU1Z0isxPaozGVKXdv0eY/purge"
        assert request["headers"]["fastly-key"] == "fastly-token"
    assert edge_server.purged_keys("surrogate-key") == many


def test_cloudflare_gets_tags_in_batches_of_30_with_its_token(settings, edge_server):
    settings.EDGE_CACHE = "cloudflare"
    settings.CLOUDFLARE_ZONE_ID = "zone123"
    settings.CLOUDFLARE_API_TOKEN = "cf-token"
    settings.CLOUDFLARE_API_URL = edge_server.url + "/client/v4"
    many = {keys.key(f"page:{pk}") for pk in range(65)}
    backends.get_backend().purge_keys(many)
    assert len(edge_server.requests) == 3
    for request in edge_server.requests:
        assert request["path"] == "/client/v4/zones/zone123/purge_cache"
        assert request["headers"]["authorization"] == "Bearer cf-token"
    assert edge_server.purged_keys("tags") == many
    edge_server.body = b'{"success": false, "errors": [{"code": 1134}]}'
    with pytest.raises(backends.PurgeFailed, match="did not report success"):
        backends.get_backend().purge_keys(many)


def test_varnish_batches_stay_under_its_request_header_limit(varnish):
    many = {keys.key(f"page:{pk}") for pk in range(1200)}
    backends.get_backend().purge_keys(many)
    assert all(len(r["headers"]["xkey-purge"]) < 8000 for r in varnish.requests)
    assert varnish.purged_keys() == many


def test_sent_rows_are_pruned_after_a_week_and_pending_ones_never(varnish):
    old = timezone.now() - timedelta(days=8)
    EdgePurge.objects.create(tags="page:1", sent_at=old, created_at=old)
    EdgePurge.objects.create(tags="page:2", created_at=old, attempts=40, next_attempt_at=old)
    outbox.send_due()
    [kept] = EdgePurge.objects.all()
    assert kept.tags == "page:2" and kept.status == "sent"


def test_without_an_edge_nothing_is_written(settings, change):
    settings.EDGE_CACHE = ""
    change(new_number, harbor_hotline())
    assert not EdgePurge.objects.exists()
