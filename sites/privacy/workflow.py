"""The privacy review: the first task of every agency's workflow.

When an editor submits a page, the privacy screen (sites.privacy.screen) reads the draft. A
clean draft passes on to the moderators at once. A draft with findings waits here: the
agency's moderators see each finding (where, what, why) and either request changes, or
override the findings with a written reason, which the audit log keeps. Nobody can approve a
draft past this task while findings are open.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.log_actions import log
from wagtail.models import AbstractGroupApprovalTask, Page, TaskState

from sites.privacy.gate import (
    OVERRIDE_LOG_ACTION,
    PrivacyHeld,
    finding_key,
    open_findings,
    record_override,
)
from sites.privacy.screen import labelled, screen

__all__ = ["OVERRIDE_LOG_ACTION", "OverrideForm", "PrivacyScreenState", "PrivacyScreenTask"]

OVERRIDE = "override"
SCREEN_LOG_ACTION = "lantern.privacy_screen"


class PrivacyScreenState(TaskState):
    """One screening of one submitted revision, with what it found and any override."""

    findings = models.JSONField(default=list, blank=True)
    override_reason = models.TextField(blank=True)

    class Meta:
        db_table = (
            "agency_sites_privacyscreenstate"  # its table from before sites/ was split into apps
        )
        verbose_name = "privacy screen state"

    @property
    def open_findings(self) -> list[dict]:
        return [] if self.override_reason else self.findings

    def findings_for_display(self) -> list[dict]:
        return labelled(self.findings)


class OverrideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why these are safe to publish"),
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=15,
        help_text=_(
            "Kept in the page's history with your name, e.g. 'The name is changed and the "
            "number is the clinic's public line.'"
        ),
    )


class PrivacyScreenTask(AbstractGroupApprovalTask):
    """Screens each submitted draft for what could identify a survivor; the chosen groups
    (the agency's moderators) decide on what it finds."""

    task_state_class = PrivacyScreenState

    class Meta:
        db_table = (
            "agency_sites_privacyscreentask"  # its table from before sites/ was split into apps
        )
        verbose_name = "privacy screen"

    @classmethod
    def get_description(cls):
        return _(
            "Checks the draft for phone numbers, addresses, names with ages, social profiles and "
            "image metadata; passes clean drafts on, and holds the rest for these groups."
        )

    def start(self, workflow_state, user=None):
        revision = workflow_state.content_object.get_latest_revision()
        findings = [finding.as_dict() for finding in screen(revision.as_object())]
        if findings:
            state = super().start(workflow_state, user=user)
            state.findings = findings
            state.save(update_fields=["findings"])
        else:
            # Passed on at once: the workflow moves to the next task (WorkflowState.update).
            state = PrivacyScreenState.objects.create(
                workflow_state=workflow_state,
                task=self,
                revision=revision,
                status=TaskState.STATUS_APPROVED,
                finished_at=timezone.now(),
            )
        log(
            instance=workflow_state.content_object,
            action=SCREEN_LOG_ACTION,
            user=user,
            revision=revision,
            data={"findings": len(findings), "kinds": sorted({f["kind"] for f in findings})},
        )
        return state

    def current_state(self, obj) -> PrivacyScreenState | None:
        state = getattr(obj, "current_workflow_task_state", None)
        state = state.specific if state is not None else None
        return state if isinstance(state, PrivacyScreenState) else None

    def get_actions(self, obj, user):
        if not self.user_can_access_editor(obj, user):  # a superuser or one of its groups
            return []
        state = self.current_state(obj)
        if state is not None and state.open_findings:
            return [
                ("reject", _("Request changes"), True),
                (OVERRIDE, _("Override the privacy findings and approve"), True),
            ]
        return super().get_actions(obj, user)

    def get_form_for_action(self, action):
        return OverrideForm if action == OVERRIDE else super().get_form_for_action(action)

    def get_template_for_action(self, action):
        return "sites/admin/privacy_action_modal.html"

    def on_action(self, task_state, user, action_name, **kwargs):
        state = task_state.specific
        if action_name == OVERRIDE:
            reason = kwargs["reason"].strip()
            # The same override as the privacy gate's own (sites.privacy.gate): kept with the
            # screened revision, so that the approval that follows may publish it.
            record_override(state.revision, user, reason, findings=state.findings)
            # Overridden from the editor, the form was saved as a newer revision first: that one
            # is what approval publishes. The reason covers the findings it shares.
            latest = state.workflow_state.content_object.get_latest_revision()
            if latest is not None and latest.pk != state.revision_id:
                seen = {finding_key(finding) for finding in state.findings}
                shared = [f for f in open_findings(latest) if finding_key(f) in seen]
                if shared:
                    record_override(latest, user, reason, findings=shared)
            state.override_reason = reason
            state.save(update_fields=["override_reason"])
            state.approve(user=user, comment=reason)
            return None
        if action_name == "approve" and state.open_findings:
            raise PermissionDenied(
                "Open privacy findings: override them with a reason, or request changes."
            )
        return super().on_action(task_state, user, action_name, **kwargs)


@receiver(pre_save, dispatch_uid="lantern_refuse_approving_a_held_draft")
def refuse_approving_a_held_draft(sender, instance, **kwargs):
    """Approving a workflow's last task publishes the page's latest revision (Wagtail's
    `publish_workflow_state`). If the privacy gate would refuse that revision, the approval is
    refused before anything is written, rather than leaving an approved workflow and a page
    that is not live."""
    if not isinstance(instance, TaskState) or instance.pk is None:
        return
    if instance.status != TaskState.STATUS_APPROVED:
        return
    if not TaskState.objects.filter(pk=instance.pk, status=TaskState.STATUS_IN_PROGRESS).exists():
        return  # not this save's doing: already approved, or a copy
    workflow_state = instance.workflow_state
    if not workflow_state.is_at_final_task:
        return
    obj = workflow_state.content_object
    if not isinstance(obj, Page):
        return  # the gate is for pages: snippets in a workflow are not screened
    revision = obj.get_latest_revision()
    if revision is None:
        return
    findings = open_findings(revision)
    if findings:
        raise PrivacyHeld(revision, findings)
