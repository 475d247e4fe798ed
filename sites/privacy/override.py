"""The override view: a moderator reads the findings of a page's latest revision, writes why they
are safe, and publishes it (or schedules it, when its go-live time is still to come).

At /admin/lantern/privacy/<page id>/override/ (registered in sites.privacy.wagtail_hooks), for whoever
may publish the page: anyone else gets a 403.
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.defaults import permission_denied

from wagtail.admin import messages
from wagtail.models import Page

from sites.privacy.gate import may_override, open_findings, record_override
from sites.privacy.screen import labelled
from sites.privacy.workflow import OverrideForm

URL_NAME = "lantern_privacy_override"


def override_url(page) -> str:
    return reverse(URL_NAME, args=[page.pk])


class PageOverrideForm(OverrideForm):
    # The revision whose findings were shown: a newer draft saved meanwhile is screened afresh.
    revision = forms.IntegerField(widget=forms.HiddenInput)


def override_view(request, page_id: int):
    page = get_object_or_404(Page, pk=page_id).specific
    if not may_override(request.user, page):
        # A plain 403 (Wagtail's admin would turn a PermissionDenied into a trip to the dashboard).
        return permission_denied(request, PermissionDenied())
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    revision = page.get_latest_revision()
    findings = open_findings(revision) if revision is not None else []
    if not findings:
        messages.success(
            request,
            _("The latest draft of '%(title)s' has no privacy findings to override.")
            % {"title": page.get_admin_display_title()},
        )
        return redirect(edit_url)

    form = PageOverrideForm(
        request.POST if request.method == "POST" else None, initial={"revision": revision.pk}
    )
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["revision"] != revision.pk:
            messages.warning(
                request,
                _("The draft was saved again since you opened this page: check its findings."),
            )
            form = PageOverrideForm(initial={"revision": revision.pk})
        else:
            return override_and_publish(request, page, revision, findings, form)

    return TemplateResponse(
        request,
        "sites/admin/privacy_override.html",
        {
            "page": page,
            "page_title": _("Override privacy findings"),
            "header_title": _("Override privacy findings: %(title)s")
            % {"title": page.get_admin_display_title()},
            "findings": labelled(findings),
            "form": form,
            "edit_url": edit_url,
            "go_live_at": revision.as_object().go_live_at,
        },
    )


def override_and_publish(request, page, revision, findings, form):
    try:
        with transaction.atomic():
            record_override(revision, request.user, form.cleaned_data["reason"], findings=findings)
            revision.publish(user=request.user)
    except (ValidationError, PermissionDenied) as problem:
        # E.g. the draft's consent record is no longer valid: nothing was recorded or published.
        messages.error(
            request,
            _("'%(title)s' was not published: %(problem)s")
            % {
                "title": page.get_admin_display_title(),
                "problem": " ".join(getattr(problem, "messages", [str(problem)])),
            },
        )
        return redirect("wagtailadmin_pages:edit", page.pk)
    page = page.specific_class.objects.get(pk=page.pk)
    go_live_at = revision.as_object().go_live_at
    if go_live_at and go_live_at > timezone.now():
        message = _("Privacy findings overridden: '%(title)s' is scheduled for publishing.")
    else:
        message = _("Privacy findings overridden: '%(title)s' has been published.")
    messages.success(
        request,
        message % {"title": page.get_admin_display_title()},
        buttons=[messages.button(reverse("wagtailadmin_pages:edit", args=[page.pk]), _("Edit"))],
    )
    return redirect("wagtailadmin_explore", page.get_parent().pk)
