"""The privacy gate: no page content goes live with open privacy findings.

Every Lantern page type has `PrivacyGateMixin`, whose `publish()` screens the exact revision
being published (sites.privacy.screen) and refuses, with `PrivacyHeld`, while any finding is
not covered by an override recorded for that revision. Wagtail's own paths end in
`Page.publish()` (`Revision.publish()`, the create view, bulk publish, workflow approval,
scheduled go-live, wagtail-localize's translation editor), except two that run Wagtail's
publish action directly: the edit view (which asks the `before_publish_page` hook first:
sites.privacy.wagtail_hooks refuses there with the findings) and the admin API's publish action. For
those, `save()` screens again whenever a page row is given a new live revision. Copying a page
"published" sets no live revision through either; the copy view is walled in
sites.privacy.wagtail_hooks.

An override is per revision: a moderator (anyone who may publish the page) writes why the
findings are safe, through `record_override()`, which keeps the reason, the findings it covers,
who and when, and writes the page's history. The workflow's override action records through it
too (sites.privacy.workflow): the two are the same thing.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.actions.publish_revision import PublishPermissionError
from wagtail.log_actions import log
from wagtail.models import Page

from sites.privacy.screen import KINDS, screen

OVERRIDE_LOG_ACTION = "lantern.privacy_override"
HELD_LOG_ACTION = "lantern.privacy_held"


def describe(findings: list[dict], excerpts: bool = True) -> str:
    """The findings in one line. With `excerpts`, the words found, as written: for the person
    who wrote them, never for logs."""
    return "; ".join(
        f"{KINDS.get(f['kind'], f['kind'])} in {f['where']}"
        + (f" (“{f['excerpt']}”)" if excerpts and f.get("excerpt") else "")
        for f in findings
    )


def kinds(findings: list[dict]) -> list[str]:
    """What was found, without the words: safe for logs."""
    return sorted({f["kind"] for f in findings})


class PrivacyHeld(PublishPermissionError):
    """Publishing refused: the revision has privacy findings that no override covers."""

    def __init__(self, revision, findings: list[dict]):
        self.revision = revision
        self.findings = findings
        # What and where, not the words found: an exception's message reaches logs and
        # tracebacks. The admin shows the words to those who may see the draft.
        super().__init__(
            f"Held by the privacy screen: {describe(findings, excerpts=False)}. "
            "Fix the draft, or override the findings with a reason."
        )


class PrivacyOverride(models.Model):
    """A moderator's written reason why one revision's privacy findings are safe to publish."""

    revision = models.ForeignKey(
        "wagtailcore.Revision", on_delete=models.CASCADE, related_name="privacy_overrides"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField()
    findings = models.JSONField(default=list, help_text="The findings this override covers.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = (
            "agency_sites_privacyoverride"  # its table from before sites/ was split into apps
        )
        verbose_name = _("privacy override")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Privacy override of revision {self.revision_id}"


def finding_key(finding: dict) -> tuple:
    return (finding["kind"], finding["where"], finding.get("excerpt", ""))


def findings_of(obj) -> list[dict]:
    return [finding.as_dict() for finding in screen(obj)]


def open_findings(revision, obj=None) -> list[dict]:
    """The findings in `revision` (or in `obj`, its content) that no override of it covers."""
    found = findings_of(obj if obj is not None else revision.as_object())
    if not found or revision is None or revision.pk is None:
        return found
    covered = {
        finding_key(finding)
        for findings in PrivacyOverride.objects.filter(revision=revision).values_list(
            "findings", flat=True
        )
        for finding in findings
    }
    return [finding for finding in found if finding_key(finding) not in covered]


def latest_findings(page) -> list[dict]:
    """The open findings of what publishing `page` now would put live: its latest revision, or
    the page as it is when it has none yet."""
    revision = page.get_latest_revision()
    return open_findings(revision) if revision is not None else findings_of(page.specific)


def check(revision, obj=None) -> None:
    """Raise `PrivacyHeld` unless `revision` may go live."""
    findings = open_findings(revision, obj)
    if findings:
        raise PrivacyHeld(revision, findings)


def may_override(user, page) -> bool:
    """Whoever may publish the page may override its findings: its agency's moderators and
    network administrators."""
    return bool(user and user.is_authenticated and page.permissions_for_user(user).can_publish())


def record_override(revision, user, reason: str, findings: list[dict] | None = None):
    """Record that `user` overrides the findings of `revision` because of `reason`, and write
    the page's history. `findings`: those the override covers (by default, all it has now).
    `user` None is Lantern itself (the demo loader)."""
    page = revision.content_object
    if user is not None and not may_override(user, page):
        raise PermissionDenied("Only those who may publish this page may override its findings.")
    reason = reason.strip()
    if findings is None:
        findings = findings_of(revision.as_object())
    override = PrivacyOverride.objects.create(
        revision=revision, user=user, reason=reason, findings=findings
    )
    log(
        instance=page,
        action=OVERRIDE_LOG_ACTION,
        user=user,
        revision=revision,
        data={
            "reason": reason,
            "findings": [f"{f['kind']}: {f['where']}" for f in findings],
            "override": override.pk,
        },
    )
    return override


class PrivacyGateMixin:
    """For every Lantern page type: put it first in the bases, so that its `publish()` and
    `save()` run before Wagtail's."""

    def publish(
        self,
        revision,
        user=None,
        changed=True,
        log_action=True,
        previous_revision=None,
        skip_permission_checks=False,
    ):
        check(revision)
        return super().publish(
            revision,
            user=user,
            changed=changed,
            log_action=log_action,
            previous_revision=previous_revision,
            skip_permission_checks=skip_permission_checks,
        )

    def save(self, *args, **kwargs):
        # A page row given a new live revision is going live, whether or not through publish()
        # (the edit view and the admin API run Wagtail's publish action directly).
        update_fields = kwargs.get("update_fields")
        if (
            self.pk is not None
            and self.live
            and self.live_revision_id is not None
            and (update_fields is None or "live_revision" in update_fields)
        ):
            stored = (
                Page.objects.filter(pk=self.pk).values_list("live_revision_id", flat=True).first()
            )
            if stored != self.live_revision_id:
                check(self.live_revision, obj=self)
        return super().save(*args, **kwargs)
