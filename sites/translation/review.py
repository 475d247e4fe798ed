"""A translation goes through review like any page (wagtail-localize#655, #676).

wagtail-localize's editor offers only "Publish", which editors may not do. Lantern adds
"Submit translation for review": the translated strings become a new draft of the page, and
the draft enters the site's workflow, where the agency's moderators approve it as any page.
A translation with strings still untranslated is not submitted: English would show under /es/.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from wagtail.admin.widgets import ListingButton
from wagtail.models import Page, WorkflowState
from wagtail_localize.models import Translation


def translation_of(page: Page) -> Translation | None:
    return (
        Translation.objects.filter(
            source__object_id=page.translation_key, target_locale_id=page.locale_id, enabled=True
        )
        .select_related("source", "target_locale")
        .first()
    )


def submit_translation(user, page: Page) -> WorkflowState:
    """Save the translated strings as a draft of `page` and submit it for review."""
    translation = translation_of(page)
    if translation is None:
        raise ValueError(
            f"“{page.title}” is not a translation made in Lantern's translation editor."
        )
    total, done = translation.get_progress()
    if done < total:
        raise ValueError(
            f"{total - done} of {total} texts of “{page.title}” are not translated yet: "
            "translate them all before submitting, so no English shows under this language."
        )
    state = page.current_workflow_state
    if state and state.status == WorkflowState.STATUS_IN_PROGRESS:
        raise ValueError(f"“{page.title}” is already in review.")
    translation.save_target(user=user, publish=False)
    page = Page.objects.get(pk=page.pk).specific
    if state and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        return state.resume(user)
    workflow = page.get_workflow()
    if workflow is None:
        raise ValueError(f"“{page.title}” has no review workflow; ask a network administrator.")
    return workflow.start(page, user)


def submit_translation_view(request, page_id: int):
    """GET: what will happen, and a button; POST: submit."""
    page = get_object_or_404(Page, pk=page_id).specific
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    if request.method != "POST":
        return TemplateResponse(
            request,
            "sites/admin/submit_translation.html",
            {
                "page": page,
                "workflow": page.get_workflow(),
                "page_title": "Submit translation for review",
            },
        )
    try:
        submit_translation(request.user, page)
    except ValueError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(
            request,
            f"The {page.locale.get_display_name()} translation “{page.title}” was submitted for review.",
        )
    return redirect("wagtailadmin_pages:edit", page.pk)


def submit_button(page: Page, user, view_name=None, next_url=None):
    """register_page_header_buttons / listing buttons: shown on translations the user may edit."""
    if page.is_root() or page.workflow_in_progress:
        return
    if not page.permissions_for_user(user).can_edit() or translation_of(page) is None:
        return
    yield ListingButton(
        "Submit translation for review",
        reverse("lantern_submit_translation", args=[page.pk]),
        priority=61,
        icon_name="resubmit",
        attrs={"data-lantern-submit-translation": ""},
    )
