"""Admin hooks of the privacy review: findings where editors and moderators work, and the log
entries the review writes. Registered from sites/wagtail_hooks.py."""

from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wagtail import hooks

from .screen import KINDS, screen
from .workflow import OVERRIDE_LOG_ACTION, SCREEN_LOG_ACTION, PrivacyScreenState


def summary(findings: list[dict]) -> str:
    return "; ".join(
        f"{KINDS.get(f['kind'], f['kind'])} in {f['where']}"
        + (f" (“{f['excerpt']}”)" if f["excerpt"] else "")
        for f in findings
    )


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def warn_while_writing(request, page):
    """Each time a draft is saved, its editor hears what the screen would hold, so it is fixed
    before review rather than in it."""
    findings = [finding.as_dict() for finding in screen(page.specific)]
    if findings:
        messages.warning(
            request,
            ngettext(
                "Privacy check: %(count)d thing to fix or explain before review: %(list)s.",
                "Privacy check: %(count)d things to fix or explain before review: %(list)s.",
                len(findings),
            )
            % {"count": len(findings), "list": summary(findings)},
        )


@hooks.register("before_edit_page")
def show_findings_to_moderators(request, page):
    """A page waiting at the privacy screen tells whoever opens it what was found."""
    state = page.current_workflow_task_state
    state = state.specific if state is not None else None
    if isinstance(state, PrivacyScreenState) and state.open_findings:
        messages.warning(
            request,
            _("Held by the privacy screen: %(list)s. Request changes, or override with a reason.")
            % {"list": summary(state.findings)},
        )


@hooks.register("register_log_actions")
def register_privacy_log_actions(actions):
    actions.register_action(SCREEN_LOG_ACTION, _("Privacy screen"), _("Privacy screen run"))
    actions.register_action(
        OVERRIDE_LOG_ACTION, _("Privacy findings overridden"), _("Privacy findings overridden")
    )
