"""Lantern's management API at /api/manage/: agencies' own systems write drafts and submit them.

Authenticated with Wagtail's API tokens (Authorization: Bearer …), issued and revoked in the
admin under Settings → API tokens. A token acts with its owner's permissions, page by page:
it sees and changes only pages its owner may edit in the admin, validated by the same forms.
It saves drafts and submits them to the site's review workflow; it never publishes, moves,
copies or deletes (why Lantern does not mount Wagtail's v3 API: docs/api.md).
"""

from typing import Literal

from ninja import Field, NinjaAPI, Query, Status
from ninja.errors import AuthenticationError

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from wagtail.api.v3.auth import BearerTokenAuth
from wagtail.models import Page, Site, WorkflowState

from sites.agencies.tenancy import Agency, is_network_admin
from sites.api import inputs, schemas
from sites.api.api import HOSTNAME, Window, serializer_for
from sites.api.drafts import (
    WRITABLE,
    Invalid,
    Refused,
    create_draft,
    editable_pages,
    submit,
    update_draft,
)
from sites.api.serializers import PAGE_TYPES, TYPE_MODELS
from sites.api.strict import refuse_unknown_parameters

ERRORS = {
    400: schemas.Error,
    401: schemas.Error,
    403: schemas.Error,
    404: schemas.Error,
    409: schemas.Error,
    422: schemas.InvalidInput,
}
ACTIVE_REVIEW = [WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES]
ORDERINGS = {
    "-latest_revision_created_at": ("-latest_revision_created_at", "-pk"),
    "latest_revision_created_at": ("latest_revision_created_at", "pk"),
    "title": ("draft_title", "pk"),
    "path": ("path",),
}
AUTH_HELP = (
    "Send a valid API token as 'Authorization: Bearer <token>'. Tokens are issued and revoked "
    "in the admin under Settings → API tokens; a revoked token, or one whose owner was "
    "deactivated, no longer works."
)

api = NinjaAPI(
    title="Lantern management API",
    version="1",
    description=(
        "For an agency's own systems: list the pages the token's owner may edit, read their "
        "latest drafts, write drafts and submit them to the site's review workflow. Moderators "
        "publish in the admin. Every request needs `Authorization: Bearer <token>`."
    ),
    urls_namespace="lantern_manage_api",
    auth=BearerTokenAuth(),
)
api.add_decorator(refuse_unknown_parameters, mode="view")


@api.exception_handler(AuthenticationError)
def no_token(request, exc):
    response = api.create_response(request, {"detail": AUTH_HELP}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="Lantern management API"'
    return response


@api.exception_handler(Refused)
def refused(request, exc: Refused):
    return api.create_response(request, exc.as_json(), status=exc.status)


@api.exception_handler(Invalid)
def invalid(request, exc: Invalid):
    return api.create_response(request, {"detail": exc.errors}, status=422)


def private(response: HttpResponse) -> None:
    response["Cache-Control"] = "private, no-store"  # drafts never sit in any cache


def review_states(pages) -> dict[int, WorkflowState]:
    """The reviews under way for these pages, by page id, in one query."""
    states = WorkflowState.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id__in=[str(page.pk) for page in pages],
        status__in=ACTIVE_REVIEW,
    ).select_related("current_task_state__task")
    return {int(state.object_id): state for state in states}


def reviewed_ids(status: str) -> list[int]:
    ids = WorkflowState.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page), status=status
    ).values_list("object_id", flat=True)
    return [int(pk) for pk in ids]


class Manager:
    """Per-request lookups shared by every page of one answer: sites, reviews."""

    def __init__(self, request: HttpRequest, pages):
        self.request = request
        self.serializer = serializer_for(request)
        # Every site's home page in each of its languages, deepest first.
        hostnames = {
            site.root_page.translation_key: site.hostname
            for site in Site.objects.select_related("root_page")
        }
        self.roots = [
            (home.path, hostnames[home.translation_key])
            for home in Page.objects.filter(translation_key__in=hostnames).order_by("-depth")
        ]
        self.reviews = review_states(pages)
        parent_paths = {page.path[: -Page.steplen] for page in pages if page.depth > 1}
        self.parents = dict(Page.objects.filter(path__in=parent_paths).values_list("path", "pk"))

    def site_of(self, page) -> str:
        for path, hostname in self.roots:
            if page.path.startswith(path):
                return hostname
        return ""

    def managed(self, page) -> dict:
        state = self.reviews.get(page.pk)
        return {
            "site": self.site_of(page),
            "parent_id": self.parents.get(page.path[: -Page.steplen]),
            "live": page.live,
            "has_unpublished_changes": page.has_unpublished_changes,
            "review": state
            and {
                "status": state.status,
                "task": str(state.current_task_state.task) if state.current_task_state else "",
                "submitted_at": state.created_at,
            },
            "latest_revision_id": page.latest_revision_id,
            "latest_revision_created_at": page.latest_revision_created_at,
            "admin_url": self.request.build_absolute_uri(
                reverse("wagtailadmin_pages:edit", args=[page.pk])
            ),
        }

    def summary(self, page, tags=None) -> dict:
        return {
            **self.serializer.summary(page, tags),
            "title": page.draft_title,
            **self.managed(page),
        }

    def detail(self, page) -> dict:
        draft = page.get_latest_revision_as_object()
        return {**self.serializer.detail(draft), **self.managed(page)}


def my_page(request, page_id: int) -> Page:
    page = editable_pages(request.user).filter(pk=page_id).first()
    if page is None:
        raise Refused(404, f"No page {page_id} among the pages you may edit.")
    return page.specific


def answer(request, page, status=200):
    page = Page.objects.get(pk=page.pk).specific
    return Status(status, Manager(request, [page]).detail(page))


class PageFilters(Window):
    site: str | None = Field(None, pattern=HOSTNAME, description="Only pages of this site.")
    type: Literal[tuple(TYPE_MODELS)] | None = Field(None, description="Only pages of this type.")  # type: ignore[valid-type]
    status: Literal["draft", "in_review", "needs_changes", "live"] | None = Field(
        None,
        description="draft: never published and not in review; in_review: waiting for a "
        "moderator; needs_changes: sent back; live: published.",
    )
    parent: int | None = Field(None, description="Only children of this page.")
    order: Literal[tuple(ORDERINGS)] = "-latest_revision_created_at"  # type: ignore[valid-type]


@api.get(
    "/whoami",
    response={200: schemas.WhoAmI, **ERRORS},
    tags=["account"],
    summary="The token's owner and their agencies",
)
def whoami(request, response: HttpResponse):
    user = request.user
    private(response)
    agencies = []
    for agency in Agency.objects.filter(moderators__user=user).select_related("site"):
        agencies.append({"site": agency.site.hostname, "name": str(agency), "role": "moderator"})
    for agency in Agency.objects.filter(editors__user=user).select_related("site"):
        agencies.append({"site": agency.site.hostname, "name": str(agency), "role": "editor"})
    return {
        "username": user.get_username(),
        "network_admin": is_network_admin(user),
        "agencies": agencies,
        "token": request.auth.name,
    }


@api.get(
    "/pages",
    response={200: schemas.ManagedPageList, **ERRORS},
    tags=["pages"],
    summary="Pages you may edit, drafts included",
)
def list_pages(request, response: HttpResponse, filters: Query[PageFilters]):
    private(response)
    pages = editable_pages(request.user).filter(depth__gt=1)
    if filters.site:
        site = (
            Site.objects.filter(hostname=filters.site.lower()).select_related("root_page").first()
        )
        pages = pages.descendant_of(site.root_page, inclusive=True) if site else pages.none()
    if filters.type:
        pages = pages.type(TYPE_MODELS[filters.type])
    if filters.parent is not None:
        parent = Page.objects.filter(pk=filters.parent).first()
        pages = pages.child_of(parent) if parent else pages.none()
    if filters.status == "live":
        pages = pages.filter(live=True)
    elif filters.status == "draft":
        pages = pages.filter(live=False).exclude(
            pk__in=reviewed_ids(WorkflowState.STATUS_IN_PROGRESS)
            + reviewed_ids(WorkflowState.STATUS_NEEDS_CHANGES)
        )
    elif filters.status == "in_review":
        pages = pages.filter(pk__in=reviewed_ids(WorkflowState.STATUS_IN_PROGRESS))
    elif filters.status == "needs_changes":
        pages = pages.filter(pk__in=reviewed_ids(WorkflowState.STATUS_NEEDS_CHANGES))
    count = pages.count()
    window = list(
        pages.order_by(*ORDERINGS[filters.order])[
            filters.offset : filters.offset + filters.limit
        ].specific()
    )
    manager = Manager(request, window)
    return {
        "count": count,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [manager.summary(page) for page in window],
    }


@api.get(
    "/pages/{page_id}",
    response={200: schemas.ManagedPageDetail, **ERRORS},
    tags=["pages"],
    summary="A page's latest draft",
)
def page_detail(request, response: HttpResponse, page_id: int):
    private(response)
    return answer(request, my_page(request, page_id))


@api.post(
    "/pages",
    response={201: schemas.ManagedPageDetail, **ERRORS},
    tags=["pages"],
    summary="Write a new page as a draft",
)
def create_page(request, response: HttpResponse, data: inputs.PageCreate):
    private(response)
    with transaction.atomic():
        parent = editable_pages(request.user).filter(pk=data.parent_id).first()
        if parent is None:
            raise Refused(404, f"No page {data.parent_id} among the pages you may add to.")
        page = create_draft(request.user, data.type, parent.specific, data)
    return answer(request, page, 201)


@api.patch(
    "/pages/{page_id}",
    response={200: schemas.ManagedPageDetail, **ERRORS},
    tags=["pages"],
    summary="Save a new draft of a page",
)
def update_page(request, response: HttpResponse, page_id: int, data: inputs.PageUpdate):
    private(response)
    with transaction.atomic():
        page = my_page(request, page_id)
        kind = PAGE_TYPES.get(type(page))
        if kind not in WRITABLE:
            raise Refused(
                422, f"Page {page_id} is a {page._meta.verbose_name}; edit it in the admin."
            )
        if kind != data.type:
            raise Refused(422, f"Page {page_id} is a {kind}, not a {data.type}.", ("body", "type"))
        update_draft(request.user, page, kind, data)
    return answer(request, page)


@api.post(
    "/pages/{page_id}/submit",
    response={200: schemas.ManagedPageDetail, **ERRORS},
    tags=["pages"],
    summary="Submit the latest draft for review",
)
def submit_page(request, response: HttpResponse, page_id: int):
    private(response)
    with transaction.atomic():
        page = my_page(request, page_id)
        submit(request.user, page)
    return answer(request, page)
