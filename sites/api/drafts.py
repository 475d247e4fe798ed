"""Writing drafts through the admin's own page forms, and submitting them to review.

A page written through the management API is validated by the same form the admin binds
(the page type's panels and AgencyPageForm: required fields, block rules, foreign snippets
and images refused), saved as a revision like an admin draft, and submitted to the site's
workflow as the admin's "Submit for moderation" does. Nothing here publishes.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.text import slugify

from wagtail.admin.panels import get_form_for_model
from wagtail.api.v3.form_data import build_form_data
from wagtail.blocks.base import get_error_json_data
from wagtail.models import Page, WorkflowState
from wagtail.permission_policies.pages import PagePermissionPolicy

from sites.content.pages import (
    AwarenessArticlePage,
    DonationAppealPage,
    NewsStoryPage,
    StandardPage,
)

# The fields the API writes, per page type; the rest (scheduling, menus, the home and news
# index pages) stay with the admin.
COMMON_FIELDS = ["title", "slug", "seo_title", "search_description"]
STORY_FIELDS = [
    *COMMON_FIELDS,
    "date",
    "summary",
    "hero_image",
    "hero_image_alt",
    "hero_image_decorative",
    "body",
]
WRITABLE = {
    "news_story": (
        NewsStoryPage,
        [*STORY_FIELDS, "kind", "names_changed", "tags", "share_with_network"],
    ),
    "awareness_article": (AwarenessArticlePage, [*STORY_FIELDS, "further_resources"]),
    "standard": (StandardPage, [*COMMON_FIELDS, "intro", "body"]),
    "donation_appeal": (DonationAppealPage, [*COMMON_FIELDS, "intro", "appeal", "body"]),
}
STREAM_FIELDS = {"body", "further_resources"}


class Refused(Exception):
    """The request cannot be carried out as asked; `status` and the message say why."""

    def __init__(self, status: int, message: str, loc: tuple = ("body",)):
        super().__init__(message)
        self.status = status
        self.loc = list(loc)

    def as_json(self) -> dict:
        """A 422 names where the problem is, like every 422; other refusals are one sentence."""
        if self.status == 422:
            return {"detail": [{"loc": self.loc, "msg": str(self)}]}
        return {"detail": str(self)}


class Invalid(Exception):
    """The admin's form refused the content: one entry per problem, like a 422 from the schema."""

    def __init__(self, errors: list[dict]):
        super().__init__("invalid content")
        self.errors = errors


def editable_pages(user):
    """The pages this user may edit in the admin (Wagtail's own page permission rules)."""
    return PagePermissionPolicy().instances_user_has_any_permission_for(user, {"change", "publish"})


def stored_stream(blocks) -> list[dict]:
    """Typed API blocks as the stream's stored JSON; the form then validates them."""
    stream = []
    for block in blocks or []:
        value = block.value if isinstance(block.value, str) else block.value.dict()
        if block.type == "image":
            value = {
                "image": {
                    "image": value.pop("image"),
                    "alt_text": value.pop("alt_text"),
                    "decorative": value.pop("decorative"),
                },
                **value,
            }
        stream.append({"type": block.type, "value": value})
    return stream


def payload_for(data, fields: list[str]) -> dict:
    """The fields the request set, in the form's terms."""
    given = data.dict(exclude_unset=True, include=set(fields))
    for name in STREAM_FIELDS & set(given):
        given[name] = stored_stream(getattr(data, name))
    return given


def form_class(model: type[Page], fields: list[str]):
    """The admin's form for `model`, narrowed to `fields` and without comments."""
    options = model.get_edit_handler().get_form_options()
    options["fields"] = [name for name in options["fields"] if name in fields]
    options["formsets"] = {}
    options["defer_required_on_fields"] = []
    return get_form_for_model(model, form_class=model.base_form_class, **options)


def bind(model, instance: Page, parent: Page, payload: dict, fields: list[str], user):
    form_cls = form_class(model, fields)
    try:
        data = build_form_data(form_cls, payload)
    except ValidationError as error:  # an unknown block type inside a stream
        raise Invalid([{"loc": ["body"], "msg": message} for message in error.messages]) from None
    form = form_cls(data=data, instance=instance, parent_page=parent, for_user=user)
    if not form.is_valid():
        raise Invalid(form_errors(form))
    return form


def required_fields(model: type[Model], fields: list[str]) -> list[str]:
    """Fields a new page must have, so their absence is reported rather than defaulted."""
    return [
        name
        for name in fields
        if name == "title" or not getattr(model._meta.get_field(name), "blank", True)
    ]


def free_slug(parent: Page, title: str) -> str:
    """A slug from `title` that no child of `parent` has, as Wagtail's editor makes one
    (title-2, title-3… when taken)."""
    base = slugify(str(title), allow_unicode=getattr(settings, "WAGTAIL_ALLOW_UNICODE_SLUGS", True))
    taken = set(parent.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def create_draft(user, kind: str, parent: Page, data) -> Page:
    model, fields = WRITABLE[kind]
    if not parent.permissions_for_user(user).can_add_subpage():
        raise Refused(403, f"You may not add pages under page {parent.pk}.")
    if not model.can_create_at(parent):
        allowed = ", ".join(m._meta.verbose_name for m in model.allowed_parent_page_models())
        raise Refused(
            422,
            f"A {model._meta.verbose_name} cannot go under “{parent.title}”; it goes under: {allowed}.",
            loc=("body", "parent_id"),
        )
    payload = payload_for(data, fields)
    form_fields = sorted(set(payload) | set(required_fields(model, fields)))
    page = model(owner=user, locale=parent.locale)
    if "slug" not in payload and payload.get("title"):
        payload["slug"] = free_slug(parent, payload["title"])
        form_fields.append("slug")
    form = bind(model, page, parent, payload, form_fields, user)
    page = form.save(commit=False)
    page.live = False
    parent.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    if data.submit:
        submit(user, page)
    return page


def update_draft(user, page: Page, kind: str, data) -> Page:
    model, fields = WRITABLE[kind]
    lock = page.get_lock()
    if lock and lock.for_user(user):
        raise Refused(409, str(lock.get_message(user)))
    payload = payload_for(data, fields)
    latest = page.get_latest_revision_as_object()
    previous_revision = page.get_latest_revision()
    form = bind(model, latest, page.get_parent(), payload, list(payload), user)
    draft = form.save(commit=not page.live)
    draft.save_revision(user=user, log_action=True, previous_revision=previous_revision)
    if data.submit:
        submit(user, draft)
    return draft


def submit(user, page: Page) -> WorkflowState:
    """Submit the latest revision for review, as the admin's 'Submit for moderation' does."""
    state = page.current_workflow_state
    if state and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        return state.resume(user)
    if state:
        raise Refused(
            409, f"Page {page.pk} is already in review ({state.current_task_state.task})."
        )
    workflow = page.get_workflow()
    if workflow is None:
        raise Refused(409, f"Page {page.pk} has no review workflow; ask a network administrator.")
    if not page.permissions_for_user(user).can_edit():
        raise Refused(403, f"You may not submit page {page.pk}.")
    return workflow.start(page, user)


def form_errors(form) -> list[dict]:
    """Every form and block error as {loc, msg}, down to the block and field that holds it."""
    errors = []
    for name, field_errors in form.errors.as_data().items():
        loc = ["body"] if name == "__all__" else ["body", name]
        for error in field_errors:
            errors += block_errors(loc, get_error_json_data(error))
    return errors


def block_errors(loc: list, data: dict) -> list[dict]:
    found = [{"loc": loc, "msg": str(message)} for message in data.get("messages", [])]
    for key, child in (data.get("blockErrors") or {}).items():
        found += block_errors([*loc, key], child)
    return found
