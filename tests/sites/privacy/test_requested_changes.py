"""A reviewer's request for changes shows at the top of the page editor, with their comment,
until the page is resubmitted: through the real admin views."""

import pytest

from tests.admin_forms import story_form
from tests.conftest import logged_in
from tests.sites.agencies.test_workflow import edit_page, submitted_story, workflow_action_url

pytestmark = pytest.mark.django_db

COMMENT = "Please take out the name of the school in the second paragraph."


def banners(client, page) -> list[str]:
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    return [str(m) for m in response.context["messages"] if "requested changes" in str(m)]


def request_changes(moderator, story, comment=COMMENT):
    story.refresh_from_db()
    response = logged_in(moderator).post(workflow_action_url(story, "reject"), {"comment": comment})
    assert response.status_code in (200, 302)
    story.refresh_from_db()
    assert story.current_workflow_state.status == "needs_changes"


def test_the_editor_sees_the_moderators_comment_until_resubmitting(editor_a, moderator_a):
    story = submitted_story(editor_a)
    editor = logged_in(editor_a)
    assert banners(editor, story) == []  # in review: nothing asked yet

    request_changes(moderator_a, story)
    shown = banners(editor, story)
    assert len(shown) == 1
    assert shown[0].startswith("Moderator_A Staff requested changes on ")
    assert f"“{COMMENT}”" in shown[0]
    assert shown[0].endswith("submit the page for review again.")

    # Still there after a save (and only once), and on every visit until resubmitted.
    form = story_form("Night outreach report", "night-outreach-report", "We listened.")
    saved = edit_page(editor, story, form)
    assert saved.status_code == 302
    assert len(banners(editor, story)) == 1

    resubmitted = edit_page(editor, story, form | {"action-submit": "Resubmit"})
    assert resubmitted.status_code == 302
    story.refresh_from_db()
    assert story.current_workflow_state.status == "in_progress"
    assert banners(editor, story) == []


def test_a_request_without_a_comment_still_shows(editor_a, moderator_a):
    story = submitted_story(editor_a)
    request_changes(moderator_a, story, comment="")
    (shown,) = banners(logged_in(editor_a), story)
    assert "without a comment" in shown
