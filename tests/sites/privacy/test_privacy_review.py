"""The privacy review in the workflow, through the real admin views: clean drafts pass on to
the moderators, drafts that could expose someone are held with each finding shown, and only a
written override (kept in the page's history) or a request for changes moves them on."""

import pytest

from wagtail.models import PageLogEntry

from sites.agencies.tenancy import Agency
from sites.content.pages import NewsStoryPage
from sites.privacy.workflow import OVERRIDE_LOG_ACTION, PrivacyScreenState, PrivacyScreenTask
from tests.admin_forms import story_form
from tests.conftest import logged_in
from tests.sites.agencies.test_workflow import (
    HARBOR,
    add_story,
    edit_page,
    refused,
    workflow_action_url,
)

pytestmark = pytest.mark.django_db

EXPOSING = "Maya, 17, was found at 1423 W Maple Street. Her aunt's number is (562) 555-0199."


def submit(editor, text, slug="night-report", **fields):
    response = add_story(
        logged_in(editor),
        HARBOR,
        story_form("Night report", slug, text, **{"action-submit": "Submit"}, **fields),
    )
    assert response.status_code == 302
    return NewsStoryPage.objects.get(slug=slug)


def current_task(page):
    page.refresh_from_db()
    return page.current_workflow_task.specific if page.current_workflow_task else None


def test_every_agency_workflow_starts_with_the_privacy_screen():
    for agency in Agency.objects.select_related("workflow"):
        first = agency.workflow.workflow_tasks.order_by("sort_order").first().task.specific
        assert isinstance(first, PrivacyScreenTask), agency
        assert list(first.groups.all()) == [agency.moderators]


def test_a_clean_draft_passes_straight_on_to_the_moderators(editor_a):
    story = submit(editor_a, "We listened first, then we walked her to the shelter.")
    assert current_task(story).name.endswith("moderators approve")
    screened = PrivacyScreenState.objects.get(workflow_state__object_id=str(story.pk))
    assert screened.status == "approved" and screened.findings == []


def test_a_draft_that_could_expose_someone_is_held_with_each_finding(editor_a, moderator_a):
    story = submit(editor_a, EXPOSING)
    assert isinstance(current_task(story), PrivacyScreenTask)
    state = story.current_workflow_task_state.specific
    kinds = sorted(f["kind"] for f in state.findings)
    assert kinds == ["address", "name_age", "phone"]
    phone = next(f for f in state.findings if f["kind"] == "phone")
    assert phone["where"] == "Body > block 1 (Text)" and phone["excerpt"] == "(562) 555-0199"

    moderator = logged_in(moderator_a)
    editor_view = moderator.get(f"/admin/pages/{story.pk}/edit/")
    messages = [str(m) for m in editor_view.context["messages"]]
    assert any("Held by the privacy screen" in m and "(562) 555-0199" in m for m in messages)
    modal = moderator.get(workflow_action_url(story, "override"))
    assert modal.status_code == 200
    html = modal.json()["html"]
    assert "The privacy screen found 3 things to check" in html
    assert "Street address" in html and "1423 W Maple Street" in html


def test_held_drafts_cannot_be_approved_only_overridden_with_a_reason(editor_a, moderator_a):
    story = submit(editor_a, EXPOSING)
    moderator = logged_in(moderator_a)
    assert refused(moderator.post(workflow_action_url(story, "approve"), {"comment": ""}))
    assert isinstance(current_task(story), PrivacyScreenTask)

    too_short = moderator.post(workflow_action_url(story, "override"), {"reason": "ok"})
    assert isinstance(current_task(story), PrivacyScreenTask), too_short
    assert not PageLogEntry.objects.filter(page=story, action=OVERRIDE_LOG_ACTION).exists()

    reason = "Maya is a changed name; the number is the family's public business line."
    response = moderator.post(workflow_action_url(story, "override"), {"reason": reason})
    assert response.status_code in (200, 302)
    assert current_task(story).name.endswith("moderators approve")
    entry = PageLogEntry.objects.get(page=story, action=OVERRIDE_LOG_ACTION)
    assert entry.user == moderator_a
    assert entry.data["reason"] == reason
    assert "phone: Body > block 1 (Text)" in entry.data["findings"]
    history = moderator.get(f"/admin/pages/{story.pk}/history/").content.decode()
    assert "Privacy findings overridden" in history


def test_requesting_changes_sends_a_held_draft_back(editor_a, moderator_a):
    story = submit(editor_a, EXPOSING)
    moderator = logged_in(moderator_a)
    moderator.post(workflow_action_url(story, "reject"), {"comment": "Remove the address."})
    story.refresh_from_db()
    assert story.workflow_in_progress is False or story.current_workflow_state.status == (
        "needs_changes"
    )
    # Fixed and resubmitted: screened again, and now it passes.
    response = edit_page(
        logged_in(editor_a),
        story,
        story_form(
            "Night report",
            "night-report",
            "We met her and listened.",
            **{"action-submit": "Resubmit"},
        ),
    )
    assert response.status_code == 302
    assert current_task(story).name.endswith("moderators approve")


def test_another_agencys_moderator_cannot_override(editor_a, moderator_b):
    story = submit(editor_a, EXPOSING)
    other = logged_in(moderator_b)
    assert refused(other.post(workflow_action_url(story, "override"), {"reason": "x" * 30}))
    assert isinstance(current_task(story), PrivacyScreenTask)


def test_a_survivor_story_without_changed_names_is_held(editor_a):
    story = submit(
        editor_a,
        "She is a survivor and is safe now.",
        kind="rescue_update",
        names_changed=False,
    )
    kinds = [f["kind"] for f in story.current_workflow_task_state.specific.findings]
    assert kinds == ["names_changed", "consent"]


def test_editors_hear_of_findings_each_time_they_save_a_draft(editor_a):
    client = logged_in(editor_a)
    response = add_story(
        client, HARBOR, story_form("Draft", "draft-report", EXPOSING, **{"action-draft": ""})
    )
    assert response.status_code == 302
    page = client.get(response.url)
    messages = [str(m) for m in page.context["messages"]]
    assert any(m.startswith("Privacy check: 3 things to fix or explain") for m in messages)


def privacy_banners(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if str(m).startswith("Privacy check")]


def test_one_privacy_banner_a_save_however_often_the_editor_autosaved(editor_a):
    client = logged_in(editor_a)
    form = story_form("Draft", "draft-report", EXPOSING, **{"action-draft": ""})
    created = add_story(client, HARBOR, form)
    story = NewsStoryPage.objects.get(slug="draft-report")
    assert len(privacy_banners(client.get(created.url))) == 1

    # Wagtail's editor autosaves as the editor types: JSON posts to the edit view.
    edit_url = f"/admin/pages/{story.pk}/edit/"
    typing = story_form("Draft", "draft-report", EXPOSING + " More.")
    revision = {}
    for _ in range(3):
        saved = client.post(edit_url, typing | revision, HTTP_ACCEPT="application/json")
        assert saved.json()["success"] is True
        revision = {"overwrite_revision_id": str(saved.json()["revision_id"])}

    # Then Save: one banner, not four.
    saved = client.post(edit_url, typing | {"action-draft": ""})
    assert saved.status_code == 302
    banners = privacy_banners(client.get(saved.url))
    assert len(banners) == 1
    assert banners[0].startswith("Privacy check: 3 things to fix or explain")


def test_a_held_page_says_so_once_when_saved_while_in_review(editor_a, moderator_a):
    story = submit(editor_a, EXPOSING)
    moderator = logged_in(moderator_a)
    edit_url = f"/admin/pages/{story.pk}/edit/"
    typing = story_form("Night report", "night-report", EXPOSING)
    saved = moderator.post(edit_url, typing, HTTP_ACCEPT="application/json")
    assert saved.json()["success"] is True
    saved = moderator.post(edit_url, typing | {"action-draft": ""})
    assert saved.status_code == 302
    messages = [str(m) for m in moderator.get(saved.url).context["messages"]]
    assert len([m for m in messages if m.startswith("Held by the privacy screen")]) == 1
