"""Changes a reviewer asked for, at the top of the page editor until the page is resubmitted.

When a moderator (or the privacy screen's moderators) requests changes, Wagtail ends the task
as rejected, with the reviewer's comment, and leaves the workflow "needs changes" until the
page is submitted again. Wagtail shows that comment only in the status side panel, under
"View details": an editor reopening the page saw nothing. Here, whoever opens the editor of
such a page is told, with the comment, who asked and when.
"""

from django.contrib import messages
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from wagtail.models import TaskState, WorkflowState


def requested_changes(page) -> TaskState | None:
    """The rejected task state behind a workflow waiting for changes, or None: none asked, or
    already resubmitted (the workflow is in progress again)."""
    workflow_state = page.current_workflow_state
    if workflow_state is None or workflow_state.status != WorkflowState.STATUS_NEEDS_CHANGES:
        return None
    task_state = workflow_state.current_task_state
    if task_state is None or task_state.status != TaskState.STATUS_REJECTED:
        return None
    return task_state


def describe(task_state: TaskState) -> str:
    """The banner's words: who asked, when, and what they wrote."""
    reviewer = task_state.finished_by
    who = (reviewer.get_full_name() or reviewer.get_username()) if reviewer else _("A reviewer")
    when = date_format(timezone.localtime(task_state.finished_at), "DATETIME_FORMAT")
    comment = task_state.get_comment().strip()
    if comment:
        said = _("%(who)s requested changes on %(when)s: “%(comment)s”")
    else:
        said = _("%(who)s requested changes on %(when)s, without a comment.")
    return (
        (said % {"who": who, "when": when, "comment": comment})
        + " "
        + _("Make the changes, then submit the page for review again.")
    )


def show_requested_changes(request, page) -> None:
    """before_edit_page: the banner, each time the editor opens (GET) the page while the
    changes are awaited; a save's redirect opens it again, so it stays until resubmitted."""
    if request.method != "GET":
        return
    task_state = requested_changes(page)
    if task_state is not None:
        messages.warning(request, describe(task_state), extra_tags="changes-requested")
