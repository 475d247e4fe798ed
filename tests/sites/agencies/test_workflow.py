"""Review, scheduling, revisions, locking and history, driven through the real admin views.

Every step posts the admin's own forms to the admin's own URLs as the agency's people would:
an editor submits, a moderator asks for changes or approves, and readers on each host see
only what has been published on their own site.
"""

import json
import re
from datetime import timedelta
from io import StringIO

import pytest

from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Comment, Page, Site, TaskState, WorkflowState

from blocks.hotline import Hotline
from sites.agencies.tenancy import Agency
from sites.content.pages import NewsIndexPage, NewsStoryPage
from tests.admin_forms import hotline_edit_form, story_form
from tests.conftest import committed, logged_in, site_client

pytestmark = pytest.mark.django_db

HARBOR = "harbor.localhost"  # agency A: Harbor Light Alliance
PINES = "pines.localhost"  # agency B: Northern Pines Ministry


# --- helpers -------------------------------------------------------------------------------


def news_index(hostname: str) -> NewsIndexPage:
    return NewsIndexPage.objects.child_of(Site.objects.get(hostname=hostname).root_page).get()


def json_script(html: str, element_id: str):
    """The data of a `json_script` element in a page."""
    found = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert found, f"no #{element_id} in the page"
    return json.loads(found.group(1))


def admin_datetime(value) -> str:
    """A date and time as the admin's date-time picker posts it."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def add_story(client, hostname: str, data: dict):
    index = news_index(hostname)
    url = reverse("wagtailadmin_pages:add", args=["agency_sites", "newsstorypage", index.pk])
    return client.post(url, data)


def edit_page(client, page: Page, data: dict):
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


def workflow_action_url(page: Page, action: str) -> str:
    task_state = page.current_workflow_task_state
    return reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk])


def path_of(page: Page) -> str:
    return page.get_url_parts()[2]


def read(hostname: str, path: str):
    """A reader's request for `path` on `hostname`."""
    return site_client(hostname).get(path)


def refused(response) -> bool:
    """The admin refuses with 403, answers 404 for an object beyond the agency's wall (as for
    one that does not exist), or sends the user away to the dashboard."""
    return response.status_code in (403, 404) or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


def submitted_story(editor, title="Night outreach report", slug="night-outreach-report"):
    """A story editor_a has created and submitted for review through the admin."""
    response = add_story(
        logged_in(editor), HARBOR, story_form(title, slug, **{"action-submit": "Submit"})
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    return NewsStoryPage.objects.get(slug=slug)


def published_story(moderator, title, slug, text="We listened first.", **extra):
    """A story a moderator has published through the admin."""
    response = add_story(
        logged_in(moderator),
        HARBOR,
        story_form(title, slug, text, **{"action-publish": "Publish"}, **extra),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    return NewsStoryPage.objects.get(slug=slug)


# --- 1. the full review cycle --------------------------------------------------------------


def test_submit_request_changes_resubmit_approve(editor_a, moderator_a):
    agency = Agency.objects.get(site__hostname=HARBOR)
    editor, moderator = logged_in(editor_a), logged_in(moderator_a)

    # The editor writes a story and submits it for review.
    response = add_story(
        editor,
        HARBOR,
        story_form(
            "Night outreach report",
            "night-outreach-report",
            "We met nine people near the harbor.",
            **{"action-submit": "Submit for moderation"},
        ),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    story = NewsStoryPage.objects.get(slug="night-outreach-report")
    path = path_of(story)
    assert path == "/en/stories/night-outreach-report/"
    assert not story.live
    assert read(HARBOR, path).status_code == 404

    state = story.current_workflow_state
    assert state is not None
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow == agency.workflow
    assert state.requested_by == editor_a
    assert story.current_workflow_task.specific.groups.get() == agency.moderators

    # The moderator finds it waiting on the dashboard and in the workflow tasks report.
    dashboard = moderator.get(reverse("wagtailadmin_home")).content.decode()
    assert "Awaiting your review" in dashboard
    assert "Night outreach report" in dashboard
    tasks_report = moderator.get(reverse("wagtailadmin_reports:workflow_tasks")).content.decode()
    assert "Night outreach report" in tasks_report
    # The "Request changes" modal opens for them.
    modal = moderator.get(workflow_action_url(story, "reject"))
    assert modal.status_code == 200
    assert 'name="comment"' in json.loads(modal.content)["html"]

    # ...and asks for changes, with a comment.
    response = moderator.post(
        workflow_action_url(story, "reject"),
        {"comment": "Please leave out the street name."},
    )
    assert response.status_code == 302
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    # The moderators' task (the privacy screen before it passed the clean draft on).
    rejected = TaskState.objects.get(workflow_state=state, status=TaskState.STATUS_REJECTED)
    assert rejected.status == TaskState.STATUS_REJECTED
    assert rejected.specific.comment == "Please leave out the street name."
    assert rejected.finished_by == moderator_a
    story.refresh_from_db()
    assert not story.live

    # The editor sees the request, edits the story and resubmits it.
    history = editor.get(
        reverse("wagtailadmin_pages:workflow_history_detail", args=[story.pk, state.pk])
    )
    assert history.status_code == 200
    assert "Please leave out the street name." in history.content.decode()
    response = edit_page(
        editor,
        story,
        story_form(
            "Night outreach report",
            "night-outreach-report",
            "We met nine people by the water.",
            **{"action-submit": "Resubmit"},
        ),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    story.refresh_from_db()
    assert story.current_workflow_task_state.status == TaskState.STATUS_IN_PROGRESS
    assert not story.live
    assert read(HARBOR, path).status_code == 404

    # The moderator approves: the story is live for Harbor's readers, and only there.
    response = moderator.post(workflow_action_url(story, "approve"), {"comment": ""})
    assert response.status_code == 302
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    story.refresh_from_db()
    assert story.live
    page = read(HARBOR, path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Night outreach report" in html
    assert "We met nine people by the water." in html
    assert "near the harbor" not in html
    assert read(PINES, path).status_code == 404


# --- 2. editors cannot publish -------------------------------------------------------------


def test_an_editor_cannot_publish_directly(editor_a):
    response = add_story(
        logged_in(editor_a),
        HARBOR,
        story_form("Unreviewed story", "unreviewed-story", **{"action-publish": "Publish"}),
    )

    # Wagtail ignores a publish the user may not do and keeps the page as a draft.
    draft = NewsStoryPage.objects.get(slug="unreviewed-story")
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_pages:edit", args=[draft.pk])
    assert not draft.live
    assert draft.first_published_at is None
    assert draft.scheduled_revision is None
    assert not draft.workflow_in_progress
    assert read(HARBOR, "/en/stories/unreviewed-story/").status_code == 404


def test_an_editor_cannot_publish_an_edit_either(editor_a, moderator_a):
    story = published_story(moderator_a, "Reviewed story", "reviewed-story", "Reviewed words.")

    response = edit_page(
        logged_in(editor_a),
        story,
        story_form(
            "Reviewed story", "reviewed-story", "Unreviewed words.", **{"action-publish": "Publish"}
        ),
    )

    # Saved as a draft of the live page, which readers still see unchanged.
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_pages:edit", args=[story.pk])
    story.refresh_from_db()
    assert story.live
    assert story.has_unpublished_changes
    html = read(HARBOR, path_of(story)).content.decode()
    assert "Reviewed words." in html
    assert "Unreviewed words." not in html


# --- 3. the other agency stays out ---------------------------------------------------------


def test_another_agencys_moderator_cannot_approve_or_reject(editor_a, moderator_b):
    story = submitted_story(editor_a)
    state = story.current_workflow_state
    task_state = story.current_workflow_task_state
    other = logged_in(moderator_b)

    for action in ("approve", "reject"):
        assert refused(other.get(workflow_action_url(story, action)))
        response = other.post(workflow_action_url(story, action), {"comment": "Not mine to judge"})
        assert refused(response), (action, response.status_code)
    # Nor through the edit form's workflow action.
    response = edit_page(
        other,
        story,
        story_form(
            "Night outreach report",
            "night-outreach-report",
            **{"action-workflow-action": "true", "workflow-action-name": "approve"},
        ),
    )
    assert refused(response)

    state.refresh_from_db()
    task_state.refresh_from_db()
    story.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert task_state.status == TaskState.STATUS_IN_PROGRESS
    assert task_state.finished_by is None
    assert not story.live
    assert "Night outreach report" not in other.get(reverse("wagtailadmin_home")).content.decode()


def test_another_agencys_editor_cannot_see_a_page_in_review(editor_a, editor_b):
    story = submitted_story(editor_a)
    other = logged_in(editor_b)

    for name in (
        "wagtailadmin_home",
        "wagtailadmin_reports:workflow",
        "wagtailadmin_reports:workflow_tasks",
    ):
        response = other.get(reverse(name))
        assert response.status_code == 200, name
        assert "Night outreach report" not in response.content.decode(), name
    assert refused(other.get(reverse("wagtailadmin_pages:edit", args=[story.pk])))
    assert refused(
        other.get(
            reverse(
                "wagtailadmin_pages:workflow_preview",
                args=[story.pk, story.current_workflow_task.pk],
            )
        )
    )
    assert refused(
        other.get(
            reverse(
                "wagtailadmin_pages:workflow_history_detail",
                args=[story.pk, story.current_workflow_state.pk],
            )
        )
    )


# --- 4. comments ---------------------------------------------------------------------------


def test_comments_are_enabled_in_the_page_editor(editor_a, moderator_a):
    assert getattr(settings, "WAGTAILADMIN_COMMENTS_ENABLED", True) is True
    story = published_story(moderator_a, "Commented story", "commented-story")
    moderator = logged_in(moderator_a)

    html = moderator.get(reverse("wagtailadmin_pages:edit", args=[story.pk])).content.decode()
    assert 'id="comments-data"' in html
    assert "w-comments:init" in html

    # A moderator leaves a comment on the title through the editor's own form...
    response = edit_page(
        moderator,
        story,
        story_form(
            "Commented story",
            "commented-story",
            **{
                "comments-TOTAL_FORMS": "1",
                "comments-INITIAL_FORMS": "0",
                "comments-MIN_NUM_FORMS": "0",
                "comments-MAX_NUM_FORMS": "1000",
                "comments-0-id": "",
                "comments-0-text": "Is this the right date?",
                "comments-0-contentpath": "title",
                "comments-0-position": "",
                "comments-0-replies-TOTAL_FORMS": "0",
                "comments-0-replies-INITIAL_FORMS": "0",
                "comments-0-replies-MIN_NUM_FORMS": "0",
                "comments-0-replies-MAX_NUM_FORMS": "1000",
            },
        ),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    comment = Comment.objects.get(page=story)
    assert (comment.text, comment.user, comment.contentpath) == (
        "Is this the right date?",
        moderator_a,
        "title",
    )

    # ...and the editor finds it in the comments data of the editor.
    html = logged_in(editor_a).get(reverse("wagtailadmin_pages:edit", args=[story.pk]))
    data = json_script(html.content.decode(), "comments-data")
    assert [c["text"] for c in data["comments"]] == ["Is this the right date?"]


# --- 5. scheduled publishing and expiry ----------------------------------------------------


def run_publish_scheduled():
    call_command("publish_scheduled", stdout=StringIO())


def move_clock_forward(monkeypatch, delta: timedelta):
    """From now on, `timezone.now()` (which Wagtail's scheduling asks) is `delta` later."""
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + delta)


def test_a_scheduled_story_goes_live_when_its_time_comes(moderator_a, monkeypatch):
    go_live = timezone.now() + timedelta(hours=1)
    story = published_story(
        moderator_a, "Scheduled story", "scheduled-story", go_live_at=admin_datetime(go_live)
    )
    path = path_of(story)

    assert not story.live
    revision = story.scheduled_revision
    assert revision is not None
    assert revision.approved_go_live_at is not None
    assert abs(revision.approved_go_live_at - go_live) < timedelta(minutes=1)
    assert read(HARBOR, path).status_code == 404

    run_publish_scheduled()  # not due yet
    story.refresh_from_db()
    assert not story.live

    move_clock_forward(monkeypatch, timedelta(hours=1, minutes=1))
    run_publish_scheduled()

    story = NewsStoryPage.objects.get(pk=story.pk)
    assert story.live
    assert story.scheduled_revision is None
    response = read(HARBOR, path)
    assert response.status_code == 200
    assert "Scheduled story" in response.content.decode()
    assert read(PINES, path).status_code == 404


def test_a_story_expires_when_its_time_comes(moderator_a, monkeypatch):
    expire = timezone.now() + timedelta(hours=1)
    story = published_story(
        moderator_a, "Expiring story", "expiring-story", expire_at=admin_datetime(expire)
    )
    path = path_of(story)
    assert story.live
    assert abs(story.expire_at - expire) < timedelta(minutes=1)
    assert read(HARBOR, path).status_code == 200

    run_publish_scheduled()  # not due yet
    story.refresh_from_db()
    assert story.live

    move_clock_forward(monkeypatch, timedelta(hours=1, minutes=1))
    with committed():  # as the command's own transactions are: readers then see it come down
        run_publish_scheduled()

    story.refresh_from_db()
    assert not story.live
    assert story.expired
    assert read(HARBOR, path).status_code == 404


# --- 6. revisions, compare, rollback and locking -------------------------------------------


def test_history_compare_and_rollback(moderator_a, moderator_b):
    story = published_story(moderator_a, "Versioned story", "versioned-story", "First words.")
    moderator = logged_in(moderator_a)
    with committed():  # as the request's transaction is: readers then see what it published
        response = edit_page(
            moderator,
            story,
            story_form(
                "Versioned story",
                "versioned-story",
                "Second words.",
                **{"action-publish": "Publish"},
            ),
        )
    assert response.status_code == 302, response.content.decode()[-3000:]
    first, second = story.revisions.order_by("created_at", "pk")
    path = path_of(story)
    assert "Second words." in read(HARBOR, path).content.decode()

    history = moderator.get(reverse("wagtailadmin_pages:history", args=[story.pk]))
    assert history.status_code == 200
    assert "Versioned story" in history.content.decode()
    assert reverse("wagtailadmin_pages:revisions_revert", args=[story.pk, first.pk]) in (
        history.content.decode()
    )

    compare = moderator.get(
        reverse("wagtailadmin_pages:revisions_compare", args=[story.pk, first.pk, second.pk])
    )
    assert compare.status_code == 200
    assert "First words." in compare.content.decode()
    assert "Second words." in compare.content.decode()

    revert_url = reverse("wagtailadmin_pages:revisions_revert", args=[story.pk, first.pk])
    revert = moderator.get(revert_url)
    assert revert.status_code == 200
    assert "First words." in revert.content.decode()
    # The revert screen is the editor, filled with the old version: publishing it rolls back.
    with committed():
        response = moderator.post(
            revert_url,
            story_form(
                "Versioned story",
                "versioned-story",
                "First words.",
                **{"action-publish": "Publish"},
            ),
        )
    assert response.status_code == 302, response.content.decode()[-3000:]
    story.refresh_from_db()
    assert story.revisions.count() == 3
    html = read(HARBOR, path).content.decode()
    assert "First words." in html
    assert "Second words." not in html

    other = logged_in(moderator_b)
    for url in (
        reverse("wagtailadmin_pages:history", args=[story.pk]),
        reverse("wagtailadmin_pages:revisions_compare", args=[story.pk, first.pk, second.pk]),
        revert_url,
        reverse("wagtailadmin_pages:revisions_view", args=[story.pk, first.pk]),
    ):
        assert refused(other.get(url)), url
    assert refused(
        other.post(
            revert_url,
            story_form("Hijacked", "versioned-story", "Hijacked.", **{"action-publish": "1"}),
        )
    )
    story.refresh_from_db()
    assert story.title == "Versioned story"
    assert story.revisions.count() == 3


def test_a_locked_page_cannot_be_saved_by_an_editor(editor_a, moderator_a, moderator_b):
    story = published_story(moderator_a, "Locked story", "locked-story", "Settled words.")
    moderator, editor = logged_in(moderator_a), logged_in(editor_a)

    # Another agency's moderator cannot lock it.
    assert refused(logged_in(moderator_b).post(reverse("wagtailadmin_pages:lock", args=[story.pk])))
    story.refresh_from_db()
    assert not story.locked

    response = moderator.post(reverse("wagtailadmin_pages:lock", args=[story.pk]))
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.locked
    assert story.locked_by == moderator_a

    revisions = story.revisions.count()
    response = edit_page(
        editor, story, story_form("Locked story", "locked-story", "Changed words.")
    )
    assert response.status_code == 200
    assert "The page could not be saved as it is locked." in response.content.decode()
    assert story.revisions.count() == revisions
    # Nor may the editor unlock it.
    assert refused(editor.post(reverse("wagtailadmin_pages:unlock", args=[story.pk])))
    story.refresh_from_db()
    assert story.locked

    # Once the moderator unlocks it, the editor's save goes through.
    assert moderator.post(reverse("wagtailadmin_pages:unlock", args=[story.pk])).status_code == 302
    response = edit_page(
        editor, story, story_form("Locked story", "locked-story", "Changed words.")
    )
    assert response.status_code == 302
    assert story.revisions.count() == revisions + 1


# --- 7. the audit log ----------------------------------------------------------------------


def test_site_history_shows_a_moderator_their_own_sites_entries_only(moderator_a, moderator_b):
    published_story(moderator_a, "Harbor history marker", "harbor-history-marker")
    response = add_story(
        logged_in(moderator_b),
        PINES,
        story_form("Pines history marker", "pines-history-marker", **{"action-publish": "Publish"}),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]

    report = logged_in(moderator_a).get(reverse("wagtailadmin_reports:site_history"))
    assert report.status_code == 200
    html = report.content.decode()
    assert "Harbor history marker" in html
    assert "Pines history marker" not in html
    for title in NewsStoryPage.objects.descendant_of(
        Site.objects.get(hostname=PINES).root_page
    ).values_list("title", flat=True):
        assert title not in html


def test_site_history_does_not_show_a_moderator_another_agencys_snippet_edits(
    moderator_a, moderator_b
):
    hotline = Hotline.objects.get(owner__hostname=PINES, locale__language_code="en")
    data = hotline_edit_form(hotline, name="Pines Outreach Line (night shift)")
    response = logged_in(moderator_b).post(
        reverse("wagtailsnippets_blocks_hotline:edit", args=[hotline.pk]), data
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Hotline.objects.get(pk=hotline.pk).name == "Pines Outreach Line (night shift)"

    html = logged_in(moderator_a).get(reverse("wagtailadmin_reports:site_history")).content
    assert "Pines Outreach Line (night shift)" not in html.decode()
