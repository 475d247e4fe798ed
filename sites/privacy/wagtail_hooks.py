"""Admin hooks of the review and the privacy gate: findings where editors and moderators work,
a Publish that says why it is refused and how to override, a reviewer's requested changes at
the top of the editor, and the log entries they write; and the warning when an uploaded
document names its author (sites.privacy.documents)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from wagtail import hooks
from wagtail.admin import messages as admin_messages
from wagtail.admin.action_menu import ActionMenuItem, WorkflowMenuItem
from wagtail.models import Page
from wagtail_localize.models import Translation
from wagtail_localize.views import edit_translation

from sites.privacy.gate import (
    HELD_LOG_ACTION,
    OVERRIDE_LOG_ACTION,
    PrivacyHeld,
    describe,
    findings_of,
    latest_findings,
    may_override,
    open_findings,
)
from sites.privacy.override import URL_NAME, override_url, override_view
from sites.privacy.requested_changes import show_requested_changes
from sites.privacy.workflow import SCREEN_LOG_ACTION, PrivacyScreenState

# isort: split
# Its upload hooks register themselves.
from sites.privacy import documents  # noqa: F401

OVERRIDE_LABEL = gettext_lazy("Override privacy findings and publish…")

# A reviewer's request for changes, at the top of the editor until the page is resubmitted;
# ahead of wagtail-localize's hook, which serves a translation's editor itself.
hooks.register("before_edit_page", show_requested_changes, order=-1)


def is_autosave(request) -> bool:
    """A save by Wagtail's editor on its own, every few seconds while an editor types: it posts
    to the same view asking for JSON (the view's `expects_json_response`), and shows nobody a
    banner. A banner queued then waits in the session for the next page, where every
    autosave's stack up."""
    return not request.accepts("text/html")


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def warn_while_writing(request, page):
    """Each time an editor saves or submits a draft, they hear what the screen would hold, so
    it is fixed before review rather than in it: once a save, not once an autosave."""
    if is_autosave(request):
        return
    findings = findings_of(page.specific)
    if findings:
        messages.warning(
            request,
            ngettext(
                "Privacy check: %(count)d thing to fix or explain before review: %(list)s.",
                "Privacy check: %(count)d things to fix or explain before review: %(list)s.",
                len(findings),
            )
            % {"count": len(findings), "list": describe(findings)},
        )


@hooks.register("before_edit_page")
def show_findings_to_moderators(request, page):
    """A page waiting at the privacy screen tells whoever opens it what was found; and one whose
    latest draft the gate would hold tells whoever may publish it, with the way to override.
    Said as the editor opens (GET): a save or an autosave (POST) would add a copy each time."""
    if request.method != "GET":
        return
    state = page.current_workflow_task_state
    state = state.specific if state is not None else None
    if isinstance(state, PrivacyScreenState) and state.open_findings:
        messages.warning(
            request,
            _("Held by the privacy screen: %(list)s. Request changes, or override with a reason.")
            % {"list": describe(state.findings)},
        )
        return
    if not may_override(request.user, page):
        return
    findings = latest_draft_findings(request, page)
    if findings:
        admin_messages.warning(
            request,
            _(
                "The latest draft cannot be published as it is: the privacy screen found %(list)s. "
                "Fix it, or override the findings with a reason."
            )
            % {"list": describe(findings)},
            buttons=[admin_messages.button(override_url(page), OVERRIDE_LABEL)],
        )


def latest_draft_findings(request, page) -> list[dict]:
    """The open findings of the page's latest revision, unless it is the live one; screened once
    per request (the edit view asks here and for its action menu)."""
    revision = page.get_latest_revision()
    if revision is None or revision.pk == page.live_revision_id:
        return []
    screened = request.__dict__.setdefault("_lantern_privacy_screened", {})
    if revision.pk not in screened:
        screened[revision.pk] = open_findings(revision)
    return screened[revision.pk]


@hooks.register("before_publish_page")
def refuse_to_publish_held_drafts(request, page):
    """The admin's Publish (create, edit and revert views: the draft has just been saved as a
    revision) refuses a revision the gate would hold, saying why and how to override; the draft
    is kept. The edit view runs Wagtail's publish action without `Page.publish()`: this is its
    gate."""
    findings = latest_findings(page)
    if not findings:
        return None
    if page.live and page.live_revision_id is None:
        # The create view adds a page to be published as live before asking this hook; refused,
        # it stays a draft, as "Save draft" would have left it.
        Page.objects.filter(pk=page.pk).update(live=False, has_unpublished_changes=True)
        page.live, page.has_unpublished_changes = False, True
    refuse(request, page, findings)
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_edit_page", order=-1)
def publish_translations_through_the_gate(request, page):
    """wagtail-localize's translation editor (served from its own `before_edit_page` hook)
    publishes a translation once its draft is saved, and the gate refuses one with findings
    (say, a number a translator added). Run ahead of it, its refusal becomes the same message
    as the editor's Publish, rather than the admin's "no permission"; the draft stays saved."""
    if request.method != "POST" or request.POST.get("action") != "publish":
        return None
    translation = Translation.objects.filter(
        source__object_id=page.translation_key, target_locale_id=page.locale_id, enabled=True
    ).first()
    if translation is None:
        return None
    try:
        return edit_translation.edit_translation(request, translation, page)
    except PrivacyHeld as held:
        refuse(request, page, held.findings)
        return redirect("wagtailadmin_pages:edit", page.pk)


def refuse(request, page, findings: list[dict]) -> None:
    """The error the admin shows when it does not publish a held draft."""
    buttons = []
    if may_override(request.user, page):
        buttons.append(admin_messages.button(override_url(page), OVERRIDE_LABEL))
    admin_messages.error(
        request,
        ngettext(
            "Not published: the privacy screen found %(count)d thing to fix or explain: %(list)s. "
            "Your draft is saved.",
            "Not published: the privacy screen found %(count)d things to fix or explain: "
            "%(list)s. Your draft is saved.",
            len(findings),
        )
        % {"count": len(findings), "list": describe(findings)},
        buttons=buttons,
    )


class OverrideMenuItem(ActionMenuItem):
    label = OVERRIDE_LABEL
    name = "action-privacy-override"
    icon_name = "warning"

    def get_url(self, parent_context):
        return override_url(parent_context["page"])


@hooks.register("construct_page_action_menu")
def offer_the_override(menu_items, request, context):
    """On a page whose latest draft the gate would hold: no "Approve" (it would publish that
    draft), and "Override privacy findings and publish…" beside Publish, for whoever may."""
    page = context.get("page")
    if context.get("view") != "edit" or page is None or not may_override(request.user, page):
        return
    if not latest_draft_findings(request, page):
        return
    menu_items[:] = [
        item
        for item in menu_items
        if not (isinstance(item, WorkflowMenuItem) and item.name == "approve")
    ]
    publish = next((i for i, item in enumerate(menu_items) if item.name == "action-publish"), None)
    position = len(menu_items) if publish is None else publish + 1
    menu_items.insert(position, OverrideMenuItem())


@hooks.register("before_bulk_action")
def refuse_bulk_publishing_held_pages(request, action_type, objects, action_class_instance):
    """Bulk publish publishes each page's latest revision (and, if asked, its draft subpages).
    If the gate would hold any of them, nothing is published: the editor hears which pages are
    held and why, and can leave them out or override them one by one."""
    if action_type != "publish" or not objects or not isinstance(objects[0], Page):
        return None
    form = action_class_instance.cleaned_form
    with_subpages = bool(form and form.cleaned_data.get("include_descendants"))
    held = []
    for page in objects:
        candidates = [page]
        if with_subpages:
            candidates += [
                descendant
                for descendant in page.get_descendants().not_live().specific()
                if descendant.permissions_for_user(request.user).can_publish()
            ]
        for candidate in candidates:
            if findings := latest_findings(candidate):
                held.append((candidate, findings))
    if not held:
        return None
    admin_messages.error(
        request,
        ngettext(
            "Nothing was published: the privacy screen holds %(count)d page: %(pages)s. "
            "Leave it out, or open it to fix it or override its findings.",
            "Nothing was published: the privacy screen holds %(count)d pages: %(pages)s. "
            "Leave them out, or open each to fix it or override its findings.",
            len(held),
        )
        % {
            "count": len(held),
            "pages": " · ".join(
                f"“{page.get_admin_display_title()}”: {describe(findings)}"
                for page, findings in held
            ),
        },
        buttons=[
            admin_messages.button(override_url(page), _("Override “%s”…") % page.title)
            for page, _findings in held
            if may_override(request.user, page)
        ],
    )
    return redirect(action_class_instance.next_url)


@hooks.register("before_copy_page")
def refuse_publishing_copies_with_findings(request, page):
    """Copying with "Publish copies" makes the copies live without publishing any revision
    (Wagtail's CopyPageAction copies the live row and sets a fresh live revision), so it never
    meets the gate, and no override covers the copies' new revisions. A live page with findings
    is therefore copied only as a draft, to be published (and overridden) like any other."""
    if request.method != "POST" or not request.POST.get("publish_copies"):
        return None
    pages = [page] if page.live else []
    if request.POST.get("copy_subpages"):
        pages += list(page.get_descendants().live())
    held = [copied for copied in pages if findings_of(copied.specific)]
    if not held:
        return None
    admin_messages.error(
        request,
        _(
            "Not copied: %(pages)s would be published with privacy findings. Copy without "
            "“Publish copies”, then publish each copy, overriding its findings if they are safe."
        )
        % {"pages": ", ".join(f"“{p.get_admin_display_title()}”" for p in held)},
    )
    return redirect(request.get_full_path())


@hooks.register("register_admin_urls")
def register_override_url():
    return [path("lantern/privacy/<int:page_id>/override/", override_view, name=URL_NAME)]


@hooks.register("register_log_actions")
def register_privacy_log_actions(actions):
    actions.register_action(SCREEN_LOG_ACTION, _("Privacy screen"), _("Privacy screen run"))
    actions.register_action(
        OVERRIDE_LOG_ACTION, _("Privacy findings overridden"), _("Privacy findings overridden")
    )
    actions.register_action(
        HELD_LOG_ACTION,
        _("Scheduled publishing held by the privacy screen"),
        _("Scheduled publishing held by the privacy screen"),
    )
