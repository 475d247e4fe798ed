"""The privacy gate, through the real admin views: a moderator's draft that names a child with her
age and school and gives a phone number is not published by any path (Publish in the editor or
on creation, bulk publish, a scheduled go-live, revert-and-publish, workflow approval, copying
"published", the admin API) until someone who may publish it overrides its findings with a
written reason, which the page's history keeps."""

import logging
from datetime import timedelta
from io import StringIO

import pytest

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wagtail.models import PageLogEntry, TaskState, WorkflowState

from sites.content.pages import NewsStoryPage
from sites.privacy.gate import (
    HELD_LOG_ACTION,
    OVERRIDE_LOG_ACTION,
    PrivacyHeld,
    PrivacyOverride,
    open_findings,
)
from sites.privacy.workflow import PrivacyScreenTask
from tests.admin_forms import story_form
from tests.conftest import logged_in
from tests.sites.agencies.test_workflow import (
    HARBOR,
    add_story,
    admin_datetime,
    edit_page,
    move_clock_forward,
    news_index,
    path_of,
    read,
    refused,
    submitted_story,
    workflow_action_url,
)

pytestmark = pytest.mark.django_db

EXPOSING = "Maria, 15, who attends Lincoln High, called 207-555-0142 from the bus station."
CLEAN = "We listened first, then we walked her to the shelter."
REASON = "Maria is a changed name and the number is the shelter's public intake line."


# --- helpers -------------------------------------------------------------------------------


def draft(moderator, slug="maria-story", text=EXPOSING, title="Maria's story") -> NewsStoryPage:
    """A draft story the moderator saved in the admin (no action: "Save draft")."""
    response = add_story(logged_in(moderator), HARBOR, story_form(title, slug, text))
    assert response.status_code == 302, response.content.decode()[-3000:]
    return NewsStoryPage.objects.get(slug=slug)


def fresh(page) -> NewsStoryPage:
    return NewsStoryPage.objects.get(pk=page.pk)


def messages_after(client, response) -> list[str]:
    """The messages a redirect carries, as the page it leads to shows them."""
    assert response.status_code == 302, response.content.decode()[-3000:]
    return [str(m) for m in client.get(response.url).context["messages"]]


def override_url(page) -> str:
    return reverse("lantern_privacy_override", args=[page.pk])


def assert_not_live(page):
    assert not fresh(page).live
    assert read(HARBOR, path_of(page)).status_code == 404


def assert_live_with(page, words):
    assert fresh(page).live
    response = read(HARBOR, path_of(page))
    assert response.status_code == 200
    assert words in response.content.decode()


def held_message(messages) -> str:
    found = [m for m in messages if "Not published: the privacy screen found" in m]
    assert found, messages
    return found[0]


def overrides_of(page):
    return PrivacyOverride.objects.filter(revision__object_id=str(page.pk))


def override(client, page, reason=REASON):
    page = fresh(page)
    return client.post(
        override_url(page), {"reason": reason, "revision": page.get_latest_revision().pk}
    )


# --- the edit view's Publish, and the override ---------------------------------------------


def test_publish_in_the_editor_is_refused_with_the_findings_and_an_override_publishes(
    moderator_a, change
):
    story = draft(moderator_a)
    moderator = logged_in(moderator_a)

    response = change(
        edit_page,
        moderator,
        story,
        story_form("Maria's story", "maria-story", EXPOSING, **{"action-publish": "Publish"}),
    )
    message = held_message(messages_after(moderator, response))
    assert "Name with an age or school" in message and "Maria, 15," in message
    assert "Phone number" in message and "207-555-0142" in message
    assert "Your draft is saved" in message
    assert override_url(story) in message  # the button to the override view
    assert_not_live(story)
    assert fresh(story).revisions.count() == 2  # the draft posted with Publish was kept

    # The editor shows the moderator the findings, and the override beside Publish.
    editor_view = moderator.get(reverse("wagtailadmin_pages:edit", args=[story.pk]))
    html = editor_view.content.decode()
    assert "Override privacy findings and publish…" in html
    assert any(
        "The latest draft cannot be published as it is" in str(m) and "207-555-0142" in str(m)
        for m in editor_view.context["messages"]
    )

    # The override view lists the findings of the latest revision.
    page = moderator.get(override_url(story))
    assert page.status_code == 200
    html = page.content.decode()
    assert "The privacy screen found 2 things to check" in html
    assert "Maria, 15," in html and "207-555-0142" in html
    assert "with your name, and this draft is then published." in html

    # Too short a reason: a form error, nothing recorded or published.
    too_short = override(moderator, story, "it is ok")
    assert too_short.status_code == 200
    assert "Ensure this value has at least 15 characters" in too_short.content.decode()
    assert not overrides_of(story).exists()
    assert not PageLogEntry.objects.filter(page=story, action=OVERRIDE_LOG_ACTION).exists()
    assert_not_live(story)

    before = timezone.now()
    response = change(override, moderator, story)
    messages = messages_after(moderator, response)
    assert any("Privacy findings overridden" in m and "has been published" in m for m in messages)
    assert_live_with(story, "Lincoln High")
    revision = fresh(story).live_revision
    recorded = overrides_of(story).get()
    assert recorded.revision == revision and recorded.user == moderator_a
    assert recorded.reason == REASON
    assert sorted(f["kind"] for f in recorded.findings) == ["name_age", "phone"]
    entry = PageLogEntry.objects.get(page=story, action=OVERRIDE_LOG_ACTION)
    assert entry.user == moderator_a and entry.revision == revision
    assert entry.timestamp >= before
    assert entry.data["reason"] == REASON
    assert "phone: Body > block 1 (Text)" in entry.data["findings"]
    history = moderator.get(reverse("wagtailadmin_pages:history", args=[story.pk]))
    assert "Privacy findings overridden" in history.content.decode()


def test_an_override_covers_its_revision_only(moderator_a, change):
    story = draft(moderator_a)
    moderator = logged_in(moderator_a)
    change(override, moderator, story)
    assert fresh(story).live
    # A new draft with the same words is a new revision: screened again, held again.
    response = change(
        edit_page, moderator, story,
        story_form("Maria's story", "maria-story", EXPOSING + " Again.",
                   **{"action-publish": "Publish"}),
    )  # fmt: skip
    held_message(messages_after(moderator, response))
    assert "Again." not in read(HARBOR, path_of(story)).content.decode()


def test_a_clean_draft_publishes_as_before(moderator_a, change):
    story = draft(moderator_a, text=CLEAN)
    moderator = logged_in(moderator_a)
    response = change(
        edit_page, moderator, story,
        story_form("Maria's story", "maria-story", CLEAN, **{"action-publish": "Publish"}),
    )  # fmt: skip
    assert any("has been published" in m for m in messages_after(moderator, response))
    assert_live_with(story, "walked her to the shelter")
    editor_view = moderator.get(reverse("wagtailadmin_pages:edit", args=[story.pk]))
    assert "Override privacy findings" not in editor_view.content.decode()
    assert not overrides_of(story).exists()


def test_publish_on_creation_is_refused(moderator_a, change):
    moderator = logged_in(moderator_a)
    response = change(
        add_story, moderator, HARBOR,
        story_form("Maria's story", "maria-story", EXPOSING, **{"action-publish": "Publish"}),
    )  # fmt: skip
    story = NewsStoryPage.objects.get(slug="maria-story")
    assert response.url == reverse("wagtailadmin_pages:edit", args=[story.pk])
    assert "207-555-0142" in held_message(messages_after(moderator, response))
    assert_not_live(story)


def test_editors_and_other_agencies_cannot_override(editor_a, moderator_b, moderator_a):
    story = draft(moderator_a)
    for user in (editor_a, moderator_b):
        client = logged_in(user)
        assert client.get(override_url(story)).status_code in (403, 404), user
        response = override(client, story)
        assert response.status_code in (403, 404), user
    editor = logged_in(editor_a)
    assert editor.get(override_url(story)).status_code == 403
    assert not overrides_of(story).exists()
    assert_not_live(story)


def test_the_override_view_answers_bad_input_without_a_500(moderator_a):
    moderator = logged_in(moderator_a)
    assert moderator.get(reverse("lantern_privacy_override", args=[999999])).status_code == 404
    story = draft(moderator_a)
    response = moderator.post(override_url(story), {"reason": REASON, "revision": "not a number"})
    assert response.status_code == 200
    stale = moderator.post(override_url(story), {"reason": REASON, "revision": "1"})
    assert stale.status_code == 200
    assert "saved again since you opened" in stale.content.decode()
    assert_not_live(story)
    clean = draft(moderator_a, slug="clean-story", text=CLEAN)
    assert moderator.get(override_url(clean)).status_code == 302  # nothing to override


def test_network_admins_are_screened_too_and_may_override(network_admin, moderator_a, change):
    story = draft(moderator_a)
    admin = logged_in(network_admin)
    response = change(
        edit_page, admin, story,
        story_form("Maria's story", "maria-story", EXPOSING, **{"action-publish": "Publish"}),
    )  # fmt: skip
    held_message(messages_after(admin, response))
    assert_not_live(story)
    change(override, admin, story)
    assert fresh(story).live
    assert PageLogEntry.objects.get(page=story, action=OVERRIDE_LOG_ACTION).user == network_admin


# --- bulk publish --------------------------------------------------------------------------


def test_bulk_publish_publishes_nothing_while_a_selected_page_is_held(moderator_a, change):
    held = draft(moderator_a)
    clean = draft(moderator_a, slug="clean-story", text=CLEAN)
    moderator = logged_in(moderator_a)
    url = f"/admin/bulk/wagtailcore/page/publish/?id={held.pk}&id={clean.pk}"
    assert moderator.get(url).status_code == 200
    response = change(moderator.post, url, {})
    messages = messages_after(moderator, response)
    refusal = next(m for m in messages if "Nothing was published" in m)
    assert "“Maria's story”" in refusal or "“Maria&#x27;s story”" in refusal
    assert "207-555-0142" in refusal
    assert_not_live(held)
    assert_not_live(clean)

    # Left out, the clean one publishes.
    response = change(moderator.post, f"/admin/bulk/wagtailcore/page/publish/?id={clean.pk}", {})
    assert response.status_code == 302
    assert fresh(clean).live
    assert_not_live(held)


# --- scheduled go-live ---------------------------------------------------------------------


def test_a_held_draft_is_not_scheduled_and_an_overridden_one_goes_live_on_time(
    moderator_a, change, monkeypatch
):
    story = draft(moderator_a)
    moderator = logged_in(moderator_a)
    go_live = admin_datetime(timezone.now() + timedelta(hours=1))
    response = change(
        edit_page, moderator, story,
        story_form("Maria's story", "maria-story", EXPOSING, go_live_at=go_live,
                   **{"action-publish": "Publish"}),
    )  # fmt: skip
    held_message(messages_after(moderator, response))
    assert fresh(story).scheduled_revision is None
    assert_not_live(story)

    # Overridden: scheduled, not published, until its time comes.
    response = change(override, moderator, story)
    assert any("scheduled for publishing" in m for m in messages_after(moderator, response))
    assert fresh(story).scheduled_revision is not None
    assert_not_live(story)
    move_clock_forward(monkeypatch, timedelta(hours=1, minutes=1))
    call_command("run_scheduler", "--once")
    assert_live_with(story, "Lincoln High")


def test_the_scheduler_skips_a_held_revision_and_logs_no_personal_data(moderator_a, change, caplog):
    story = draft(moderator_a)
    clean = draft(moderator_a, slug="clean-story", text=CLEAN, title="Outreach night")
    # Scheduled as Wagtail schedules a revision (say, before the gate existed), and now due:
    # the held one first.
    for page, minutes in ((story, 2), (clean, 1)):
        revision = page.get_latest_revision()
        revision.approved_go_live_at = timezone.now() - timedelta(minutes=minutes)
        revision.save(update_fields=["approved_go_live_at"])

    # Wagtail's own command meets the gate and stops there.
    with pytest.raises(PrivacyHeld) as held:
        call_command("publish_scheduled", stdout=StringIO())
    # Its message lists the findings by kind and place, not the words found (logs keep it).
    assert "Phone number in Body > block 1 (Text)" in str(held.value)
    assert "Name with an age or school in Body > block 1 (Text)" in str(held.value)
    assert "207-555-0142" not in str(held.value) and "Maria" not in str(held.value)
    assert_not_live(story)

    with caplog.at_level(logging.INFO):
        call_command("run_scheduler", "--once")
    assert_not_live(story)
    assert fresh(clean).live  # the held one did not stop the rest
    assert fresh(story).get_latest_revision().approved_go_live_at is None  # off the schedule
    entry = PageLogEntry.objects.get(page=story, action=HELD_LOG_ACTION)
    assert entry.data["kinds"] == ["name_age", "phone"]
    assert f"page {story.pk}" in caplog.text and "held by the privacy screen" in caplog.text
    for words in ("Maria", "Lincoln", "207-555-0142", "555"):
        assert words not in caplog.text
    # A second run has nothing left to say about it.
    caplog.clear()
    call_command("run_scheduler", "--once")
    assert "held by the privacy screen" not in caplog.text


# --- revert and publish --------------------------------------------------------------------


def test_reverting_to_a_held_revision_and_publishing_is_refused(moderator_a, change):
    story = draft(moderator_a)
    moderator = logged_in(moderator_a)
    change(edit_page, moderator, story, story_form("Maria's story", "maria-story", CLEAN))
    held_revision = story.revisions.order_by("created_at", "pk").first()
    assert open_findings(held_revision)
    revert_url = reverse("wagtailadmin_pages:revisions_revert", args=[story.pk, held_revision.pk])
    assert moderator.get(revert_url).status_code == 200
    response = change(
        moderator.post, revert_url,
        story_form("Maria's story", "maria-story", EXPOSING, **{"action-publish": "Publish"}),
    )  # fmt: skip
    assert "Maria, 15," in held_message(messages_after(moderator, response))
    assert_not_live(story)


# --- workflow approval ---------------------------------------------------------------------


def test_approving_a_draft_the_gate_would_hold_is_refused_and_the_override_is_offered(
    editor_a, moderator_a, change
):
    story = submitted_story(editor_a, "Maria's story", "maria-story")  # clean: at the moderators
    story.refresh_from_db()
    assert story.current_workflow_task.name.endswith("moderators approve")
    moderator = logged_in(moderator_a)
    editor_view = moderator.get(reverse("wagtailadmin_pages:edit", args=[story.pk]))
    assert 'data-workflow-action-name="approve"' in editor_view.content.decode()
    # The moderator edits it during review: the words the gate holds are in the latest draft.
    response = change(
        edit_page, moderator, story, story_form("Maria's story", "maria-story", EXPOSING)
    )
    assert response.status_code == 302

    editor_view = moderator.get(reverse("wagtailadmin_pages:edit", args=[story.pk]))
    html = editor_view.content.decode()
    assert any(
        "The latest draft cannot be published as it is" in str(m) and "Maria, 15," in str(m)
        for m in editor_view.context["messages"]
    )
    assert 'data-workflow-action-name="approve"' not in html
    assert "Approve and Publish" not in html
    assert "Override privacy findings and publish…" in html

    # Approving anyway (the dashboard's action) is refused, and nothing changes.
    response = change(moderator.post, workflow_action_url(story, "approve"), {"comment": ""})
    assert response.status_code != 500 and refused(response)
    story.refresh_from_db()
    assert story.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert story.current_workflow_task_state.status == TaskState.STATUS_IN_PROGRESS
    assert_not_live(story)

    # So is approving from the editor with those words.
    response = change(
        edit_page, moderator, story,
        story_form("Maria's story", "maria-story", EXPOSING,
                   **{"action-workflow-action": "true", "workflow-action-name": "approve"}),
    )  # fmt: skip
    assert response.status_code != 500 and refused(response)
    story.refresh_from_db()
    assert story.current_workflow_task_state.status == TaskState.STATUS_IN_PROGRESS
    assert_not_live(story)

    change(override, moderator, story)
    assert_live_with(story, "Lincoln High")


def test_publish_is_refused_while_a_held_draft_waits_at_the_privacy_screen(
    editor_a, moderator_a, change
):
    response = change(
        add_story, logged_in(editor_a), HARBOR,
        story_form("Maria's story", "maria-story", EXPOSING, **{"action-submit": "Submit"}),
    )  # fmt: skip
    assert response.status_code == 302
    story = NewsStoryPage.objects.get(slug="maria-story")
    state = story.current_workflow_state
    moderator = logged_in(moderator_a)
    response = change(
        edit_page, moderator, story,
        story_form("Maria's story", "maria-story", EXPOSING, **{"action-publish": "Publish"}),
    )  # fmt: skip
    assert "207-555-0142" in held_message(messages_after(moderator, response))
    assert_not_live(story)
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS  # not cancelled by the refusal
    assert isinstance(fresh(story).current_workflow_task.specific, PrivacyScreenTask)


def test_the_workflow_override_is_the_gates_override(editor_a, moderator_a, change):
    response = change(
        add_story, logged_in(editor_a), HARBOR,
        story_form("Maria's story", "maria-story", EXPOSING, **{"action-submit": "Submit"}),
    )  # fmt: skip
    assert response.status_code == 302
    story = NewsStoryPage.objects.get(slug="maria-story")
    moderator = logged_in(moderator_a)
    change(moderator.post, workflow_action_url(story, "override"), {"reason": REASON})
    recorded = overrides_of(story).get()
    assert recorded.revision == story.get_latest_revision() and recorded.user == moderator_a
    story.refresh_from_db()
    # The moderators approve: the overridden revision goes live.
    response = change(moderator.post, workflow_action_url(story, "approve"), {"comment": ""})
    assert response.status_code == 302
    assert_live_with(story, "Lincoln High")


# --- copies, and the admin API -------------------------------------------------------------


def test_copying_a_page_with_findings_published_is_refused(moderator_a, change):
    story = draft(moderator_a)
    moderator = logged_in(moderator_a)
    change(override, moderator, story)
    url = reverse("wagtailadmin_pages:copy", args=[story.pk])
    data = {
        "new_title": "Maria's story again",
        "new_slug": "maria-story-again",
        "new_parent_page": news_index(HARBOR).pk,
        "publish_copies": "on",
    }
    response = change(moderator.post, url, data)
    assert any("Not copied" in m for m in messages_after(moderator, response))
    assert not NewsStoryPage.objects.filter(slug="maria-story-again").exists()

    # As a draft it copies, and publishing the copy meets the gate.
    response = change(moderator.post, url, data | {"publish_copies": ""})
    assert response.status_code == 302
    copy = NewsStoryPage.objects.get(slug="maria-story-again")
    assert not copy.live
    with pytest.raises(PrivacyHeld):
        copy.get_latest_revision().publish()


def test_the_admin_api_publish_action_is_refused(moderator_a, change):
    story = draft(moderator_a)
    moderator = logged_in(moderator_a)
    response = change(moderator.post, f"/admin/api/main/pages/{story.pk}/action/publish/")
    assert response.status_code == 403
    assert_not_live(story)
    # The same action publishes a clean draft: the refusal was the gate's.
    clean = draft(moderator_a, slug="clean-story", text=CLEAN, title="Outreach night")
    response = change(moderator.post, f"/admin/api/main/pages/{clean.pk}/action/publish/")
    assert response.status_code == 200
    assert fresh(clean).live
