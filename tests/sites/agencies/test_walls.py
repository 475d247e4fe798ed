"""The walls between agencies, on every address the site answers (issue #23, part 5).

The probe list is not written by hand: it comes from Django's URL resolver (walls_probe.py).
Every admin route (/admin/…, wagtail-localize's /admin/localize/… included) and every API route
(/api/…, /api/manage/… with a Bearer token) is requested by an editor and a moderator of agency A
(Harbor Light Alliance), filled in with agency B's (Northern Pines Ministry's) objects: its
pages in every state, media, snippets, staff, workflow, redirect and translation (plan()).
Routes without an id are asked as listings: searched for SHARED, the word in every B title (the
marker words are each B object's own, so a search page saying back its query is not a leak),
and filtered on B's site, collection, staff, workflow and tree. Bulk actions are asked with
B's ids.

Every B object carries a made-up word of its own (walls_probe.MARKERS). A cell (route, actor,
target) is asked with GET then POST (PATCH too on the management API, with a whole valid story;
PUT and DELETE on wagtail-localize's segment edits), each request in a savepoint rolled back
after, and fails when an answer:

* is a server error (5xx or an exception);
* shows a B marker, a B admin edit address (in the body or the Location header), or, in JSON,
  B's ids in id fields (what the public API may show readers of B's own site is allowed there:
  walls_probe.PUBLIC_MARKERS);
* changed any of B's objects (a snapshot taken once before, compared after each request).

A route the rules cannot fill and SKIPPED does not explain fails test_every_route_is_walled: a
route added later is unwalled until someone says how to probe it.

Findings are collected across every cell and reported once, grouped by route. The detector is
checked by a network administrator, who must see the markers where A's staff must not, and
whose unpublishing of B's page the snapshot must see. WALLS_ANSWERS=<file> writes every
request's status, to read what each route said.
"""

import copy
import json
import os
import time
import traceback
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.urls import reverse

from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import APIToken, Page
from wagtail.snippets.models import get_snippet_models
from wagtail.users.models import UserProfile

from blocks.appeals import DonationAppeal
from blocks.hotline import Hotline
from sites.agencies.tenancy import Agency
from sites.content.branding import SiteBranding
from sites.content.pages import NewsStoryPage
from sites.giving.models import GivingSettings
from sites.help.hsds import vocabulary
from sites.help.resources import HelpResource
from tests.conftest import logged_in

from .walls_probe import (
    HARBOR,
    MARKERS,
    PAGE_LABELS,
    PINES,
    SHARED,
    Route,
    all_routes,
    build_b_world,
    changes,
    leaks_in,
    secrets_of,
    snapshot,
)

pytestmark = pytest.mark.django_db

# Routes not probed, and why. A route neither filled by the rules in plan() nor listed here
# fails test_every_route_is_walled.
READER = (
    "reader-facing, not the admin or the API: walled by tests/sites/test_nothing_private_leaks.py"
)
LOCALES = "locales are the network's, shared by every agency: nothing of B's to leak or change"
SKIPPED = {
    "admin/failwhale/": "Wagtail's deliberate 500 page, for testing error reporting",
    "admin/test404/": "Wagtail's deliberate 404 page",
    "admin/^.*/$": "the admin's catch-all 404 for unknown addresses",
    "admin/password_reset/confirm/<uidb64>/<token>/": "addressed by a signed e-mailed token, "
    "not by any object's id",
    "admin/localize/translate/<int:translation_id>/preview/<str:mode>/": "the same view as "
    "…/preview/ (probed) with a preview mode's name",
    "admin/locales/edit/<int:pk>/": LOCALES,
    "admin/locales/delete/<int:pk>/": LOCALES,
    "admin/locales/history/<int:pk>/": LOCALES,
    "admin/locales/history-results/<int:pk>/": LOCALES,
    "admin/locales/usage/<int:pk>/": LOCALES,
    "documents/^(\\d+)/(.*)$": READER + " (documents follow their collection's privacy)",
    "documents/authenticate_with_password/<int:restriction_id>/": READER,
    "sitemap.xml": READER,
    "feed/": READER,
    "feed/atom/": READER,
    "^media/(?P<path>.+)$": READER,
    "": READER,
    "en/browse-more-safely/": READER,
    "en/give/<int:appeal_id>/": READER + "; another agency's appeal is not there, and B's "
    "processor settings never show (tests/sites/giving/test_donation_step.py)",
    "en/give/<int:appeal_id>/thanks/": READER + "; another agency's appeal is not there "
    "(tests/sites/giving/test_donation_step.py)",
    "giving/stripe/webhook/": "Stripe's signed posts, per site: another site's secret is refused "
    "(tests/sites/giving/test_webhook.py)",
    "en/search/": READER,
    "en/_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/": READER,
    "en/_util/login/": READER,
    "en/^((?:[\\w\\-]+/)*)$": READER,
    "^(?P<path>.+/)$": READER,
}


# --- Filling each route with B's objects ------------------------------------------------------


@dataclass
class Probe:
    target: str  # what of B's the address names, for the report
    url: str
    methods: tuple = ("GET", "POST")
    params: dict | None = None  # GET query (listings)
    id_kinds: tuple = ()


class Unclassified(Exception):
    """The route takes keywords no rule knows how to fill with B's objects."""


PAGE_KWARGS = {"page_id", "parent_page_id", "page_to_move_id", "page_pk"}


def snippet_models():
    return [m for m in get_snippet_models() if m in (Hotline, DonationAppeal, HelpResource)]


def model_from_namespace(namespace: str):
    """The snippet model of wagtailsnippets_<app>_<model> or wagtailsnippetchoosers_<app>_<model>."""
    for model in get_snippet_models():
        meta = model._meta
        tail = f"_{meta.app_label}_{meta.model_name}"
        if namespace.endswith(tail) and namespace.startswith("wagtailsnippet"):
            return model
    return None


def ct(model) -> dict:
    return {
        "content_type_app_name": model._meta.app_label,
        "content_type_model_name": model._meta.model_name,
    }


def api_params(route: Route, b) -> list[dict]:
    """Query strings an API listing accepts (its schema refuses unknown ones with a 422): the
    plain listing, and each filter that names B's site, tree or states."""
    draft_paths = [page.get_url_parts()[2] for page in b.pages.values() if page.get_url_parts()]
    per_route = {
        "api/manage/pages": [
            {"site": PINES},
            {"parent": b.index.pk},
            {"status": "draft"},
            {"status": "in_review"},
            {"site": PINES, "status": "draft"},
        ],
        "api/pages": [
            {"site": PINES},
            {"site": PINES, "parent": b.index.pk},
            {"parent": b.index.pk},
            {"site": PINES, "locale": "es"},
        ],
        "api/pages/find": [{"site": PINES, "path": path} for path in draft_paths]
        + [{"path": path} for path in draft_paths],
        "api/site": [{"site": PINES}, {"site": PINES, "locale": "es"}],
        "api/hotlines": [{"site": PINES}, {"site": PINES, "locale": "es"}],
        "api/appeals": [{"site": PINES}],
        "api/help": [{"zip": "04101"}],
    }
    return [{}, *per_route.get(route.key, [])]


def list_probes(route: Route, b, **values) -> list[Probe]:
    """A listing asked for B's shared word, and again filtered on B's site, people and media.

    Admin listings ignore what they do not know; the APIs' listings get their own filters.
    """
    url = route.url(**values)
    kinds = kinds_for_url(url)
    if url.startswith("/api/"):
        methods = ("GET", "POST", "PATCH") if url.startswith("/api/manage/") else ("GET", "POST")
        return [
            Probe(
                "listing"
                + (f" ?{'&'.join(f'{k}={v}' for k, v in params.items())}" if params else ""),
                url,
                methods=methods if not params else ("GET",),
                params=params,
                id_kinds=kinds,
            )
            for params in api_params(route, b)
        ]
    # q for the admin's searches, term for tag autocompletion, search for the admin's pages API.
    search = {"q": SHARED, "term": f"{SHARED.lower()}-", "search": SHARED}
    filters = {
        "q": SHARED,
        "site": b.site.pk,
        "owner": b.site.pk,
        "collection_id": b.agency.collection.pk,
        "collection": b.agency.collection.pk,
        "locale": "es",
        "user": b.staff.pk,
        "owner_user": b.staff.pk,
        "locked_by": b.staff.pk,
        "requested_by": b.staff.pk,
        "last_published_by": b.staff.pk,
        "workflow": b.workflow.pk,
        "task": b.task.pk,
        "child_of": b.index.pk,
        "descendant_of": b.site.root_page.pk,
        "parent": b.index.pk,
        "content_type": ContentType.objects.get_for_model(NewsStoryPage).pk,
        "page_type": ContentType.objects.get_for_model(NewsStoryPage).pk,
        "status": "in_progress",
    }
    return [
        Probe("listing searched for B's word", url, params=search, id_kinds=kinds),
        Probe("listing filtered on B", url, methods=("GET",), params=filters, id_kinds=kinds),
    ]


def kinds_for_url(url: str) -> tuple:
    kinds = []
    if "page" in url:
        kinds.append("page")
    if "image" in url:
        kinds.append("image")
    if "document" in url:
        kinds.append("document")
    if "user" in url:
        kinds.append("user")
    for model in snippet_models():
        if model._meta.model_name in url:
            kinds.append(model._meta.model_name)
    return tuple(kinds)


def page_targets(b, kwarg_names) -> list[tuple[str, Page]]:
    targets = [(PAGE_LABELS[k], page) for k, page in b.pages.items()]
    if "parent_page_id" in kwarg_names:
        targets.append((PAGE_LABELS["index"], b.index))
    return targets


PAGES_API_ACTIONS = (
    "copy",
    "move",
    "delete",
    "publish",
    "unpublish",
    "convert_alias",
    "copy_for_translation",
    "create_alias",
    "revert_to_page_revision",
)


def hsds_probes(route: Route, b) -> list[Probe]:
    resource = b.snippets[HelpResource]
    by_kind = {
        "services": ("B's help resource, as an HSDS service", resource.translation_key),
        "organizations": ("B's organisation", resource.organization.hsds_id),
        "taxonomy_terms": ("the network's kinds of help, a term", vocabulary.term_id("legal")),
        "taxonomies": ("the network's kinds of help", vocabulary.TAXONOMY_ID),
    }
    kind = route.key.removeprefix("api/hsds/").split("/")[0]
    if kind not in by_kind:
        raise Unclassified(f"HSDS route {route.key}")
    label, value = by_kind[kind]
    return [Probe(label, route.url(id=str(value)), methods=("GET", "POST"))]


def plan(route: Route, b) -> list[Probe]:
    """The probes of one route, or Unclassified."""
    key, names, ns = route.key, set(route.kwargs), route.namespace
    api_methods = ("GET", "POST", "PATCH") if key.startswith("api/manage/") else ("GET", "POST")

    if key.startswith("admin/bulk/"):
        return bulk_probes(route, b)

    if key.endswith("chosen-multiple/"):
        return chosen_multiple_probes(route, b)

    if not names:
        return list_probes(route, b)

    # The open directory (HSDS) names one service, organisation, taxonomy or term by its id:
    # asked for B's, it may show only what readers may see (`PUBLIC_MARKERS`).
    if key.startswith("api/hsds/") and names == {"id"}:
        return hsds_probes(route, b)

    # Listings that name a model rather than an object.
    if names == {"content_type_app_name", "content_type_model_name"}:
        return list_probes(route, b, **ct(NewsStoryPage))
    if key.startswith("admin/pages/create/"):
        meta = NewsStoryPage._meta
        return list_probes(route, b, app_label=meta.app_label, model_name=meta.model_name)
    if key.startswith("admin/tag-autocomplete/"):
        return [
            probe
            for model in (NewsStoryPage, Image, Document)
            for probe in list_probes(
                route, b, app_name=model._meta.app_label, model_name=model._meta.model_name
            )
        ]
    if names == {"app_label", "model_name"} and key.startswith("admin/localize/api/snippets/"):
        return [
            probe
            for model in snippet_models()
            for probe in list_probes(
                route, b, app_label=model._meta.app_label, model_name=model._meta.model_name
            )
        ]
    if key.startswith("admin/workflows/tasks/add/"):
        task = b.task
        return list_probes(
            route, b, app_label=task._meta.app_label, model_name=task._meta.model_name
        )
    if key.startswith("admin/settings/"):
        probes = []
        for model in (SiteBranding, GivingSettings):
            meta = model._meta
            values = {"app_name": meta.app_label, "model_name": meta.model_name}
            if "pk" not in names:
                probes += list_probes(route, b, **values)
            else:
                probes.append(Probe(f"B's {meta.verbose_name}", route.url(**values, pk=b.site.pk)))
        return probes

    # Snippets by app, model and id (the snippet admin, choosers, wagtail-localize).
    if {"app_label", "model_name", "pk"} <= names and "localize" in key:
        return [
            Probe(
                f"B's {model._meta.verbose_name}",
                route.url(
                    app_label=model._meta.app_label,
                    model_name=model._meta.model_name,
                    pk=b.snippets[model].pk,
                ),
                id_kinds=(model._meta.model_name,),
            )
            for model in snippet_models()
        ]
    snippet_model = model_from_namespace(ns)
    if snippet_model is not None and names == {"pk"}:
        obj = b.snippets.get(snippet_model)
        if obj is None:
            raise Unclassified(f"no B object of {snippet_model.__name__}")
        return [
            Probe(
                f"B's {snippet_model._meta.verbose_name}",
                route.url(pk=obj.pk),
                id_kinds=(snippet_model._meta.model_name,),
            )
        ]

    # Editing sessions of B's staff on B's page.
    if key.startswith("admin/editing-sessions/ping/"):
        return [
            Probe(
                "B's staff's editing session on B's draft",
                route.url(
                    app_label="wagtailcore",
                    model_name="page",
                    object_id=b.pages["draft"].pk,
                    session_id=b.session.pk,
                ),
                id_kinds=("page", "user"),
            )
        ]
    if names == {"session_id"}:
        return [Probe("B's staff's editing session", route.url(session_id=b.session.pk))]

    # Moving: B's pages into A's index, and A's story into B's index.
    if names == {"page_to_move_id", "destination_id"}:
        probes = [
            Probe(
                f"{label} moved to A's index",
                route.url(page_to_move_id=page.pk, destination_id=b.a_index.pk),
                id_kinds=("page",),
            )
            for label, page in page_targets(b, names)
        ]
        probes.append(
            Probe(
                "A's story moved into B's index",
                route.url(page_to_move_id=b.a_story.pk, destination_id=b.index.pk),
                id_kinds=("page",),
            )
        )
        return probes

    # Workflow steps of B's page in moderation.
    if names & {"task_state_id", "workflow_state_id", "task_id"} and "page_id" in names:
        page = b.pages["moderation"]
        values = {
            "page_id": page.pk,
            "task_state_id": b.task_state.pk,
            "workflow_state_id": b.workflow_state.pk,
            "task_id": b.task.pk,
        }
        # And A's own story named with B's workflow steps: the step must be looked up on the
        # page named, not by its id alone.
        crossed = values | {"page_id": b.a_story.pk}
        pairs = [("page in moderation", values), ("A's story with B's workflow step", crossed)]
        if "action_name" in names:
            return [
                Probe(f"{label}, {action}", route.url(**kwargs, action_name=action))
                for label, kwargs in pairs
                for action in ("approve", "reject", "cancel")
            ]
        return [Probe(f"{label}", route.url(**kwargs)) for label, kwargs in pairs]
    if names == {"page_pk", "workflow_pk"}:
        return [
            Probe(
                f"{label} and B's workflow", route.url(page_pk=page.pk, workflow_pk=b.workflow.pk)
            )
            for label, page in page_targets(b, names)
        ]

    # Pages, in every state B's are in.
    if names & PAGE_KWARGS or (names >= {"pk"} and ("pages" in ns or "revisions" in key)):
        probes = []
        for label, page in page_targets(b, names):
            values = dict.fromkeys(names & (PAGE_KWARGS | {"pk"}), page.pk)
            if "revision_id" in names:
                values["revision_id"] = page.latest_revision_id
            if {"revision_id_a", "revision_id_b"} <= names:
                values |= {"revision_id_a": "earliest", "revision_id_b": "latest"}
            if {"content_type_app_name", "content_type_model_name"} <= names:
                values |= ct(NewsStoryPage)
            extra = names - set(values)
            if extra == {"action_name"}:
                probes += [
                    Probe(
                        f"{label}, {action}",
                        route.url(**values, action_name=action),
                        methods=("POST",),
                        id_kinds=("page",),
                    )
                    for action in PAGES_API_ACTIONS
                ]
                continue
            if extra:
                raise Unclassified(f"page route with {sorted(extra)}")
            probes.append(
                Probe(label, route.url(**values), methods=api_methods, id_kinds=("page",))
            )
        if "revision_id" in names and "page_id" in names:
            # A's own story named with a revision of B's draft.
            draft = b.pages["draft"]
            probes.append(
                Probe(
                    "A's story with B's draft's revision",
                    route.url(page_id=b.a_story.pk, revision_id=draft.latest_revision_id),
                )
            )
        return probes

    single = {
        "image_id": ("B's image", lambda: b.image.pk, "image"),
        "document_id": ("B's document", lambda: b.document.pk, "document"),
        "doc_id": ("B's document", lambda: b.document.pk, "document"),
        "redirect_id": ("B's redirect", lambda: b.redirect.pk, "page"),
        "collection_id": ("B's collection", lambda: b.agency.collection.pk, "image"),
        "translation_id": (
            "B's Spanish translation (wagtail-localize)",
            lambda: b.translation.pk,
            "page",
        ),
        "translation_source_id": (
            "B's translation source (wagtail-localize)",
            lambda: b.translation.source.pk,
            "page",
        ),
    }
    if key.startswith("admin/images/") and names == {"image_id", "filter_spec"}:
        return [Probe("B's image", route.url(image_id=b.image.pk, filter_spec="original"))]
    # wagtail-localize edits one string or override with PUT, and takes it back with DELETE.
    segment_methods = ("GET", "POST", "PUT", "DELETE")
    if names == {"translation_id", "string_segment_id"}:
        return [
            Probe(
                "B's Spanish translation, a string",
                route.url(translation_id=b.translation.pk, string_segment_id=b.segment.pk),
                methods=segment_methods,
            )
        ]
    if names == {"translation_id", "overridable_segment_id"}:
        return [
            Probe(
                "B's Spanish translation, an overridable segment",
                route.url(translation_id=b.translation.pk, overridable_segment_id=b.overridable.pk),
                methods=segment_methods,
            )
        ]
    if names == {"uploaded_file_id"}:
        model = Image if "images" in key else Document
        return [
            Probe("B's staff's unfinished upload", route.url(uploaded_file_id=b.uploads[model].pk))
        ]
    if len(names) == 1 and next(iter(names)) in single:
        label, value, kind = single[next(iter(names))]
        return [Probe(label, route.url(**{next(iter(names)): value()}), id_kinds=(kind,))]

    if names == {"pk"}:
        by_namespace = {
            "wagtailadmin_api:images": ("B's image", b.image.pk, "image"),
            "wagtailadmin_api:documents": ("B's document", b.document.pk, "document"),
            "wagtailimages_chooser": ("B's image", b.image.pk, "image"),
            "wagtaildocs_chooser": ("B's document", b.document.pk, "document"),
            "wagtailadmin_collections": ("B's collection", b.agency.collection.pk, "image"),
            "wagtailusers_users": ("B's staff", b.staff.pk, "user"),
            "wagtailusers_groups": ("B's moderators' group", b.agency.moderators.pk, "user"),
            "wagtailusers_api_tokens": ("B's staff's API token", b.token.pk, "user"),
            "wagtailsites": ("B's site", b.site.pk, "page"),
        }
        if ns in by_namespace:
            label, pk, kind = by_namespace[ns]
            return [Probe(label, route.url(pk=pk), id_kinds=(kind,))]
        if route.url_name == "lantern_help_import":
            return [Probe("B's help directory import", route.url(pk=b.help_import.pk))]
        if route.url_name == "lantern_help_import_start_again":
            return [Probe("B's interrupted import", route.url(pk=b.interrupted_import.pk))]
        if ns == "wagtailadmin_workflows":
            if "task" in route.url_name:
                return [Probe("B's review task", route.url(pk=b.task.pk))]
            return [Probe("B's review workflow", route.url(pk=b.workflow.pk))]
    if names == {"task_id"} and ns == "wagtailadmin_workflows":
        return [Probe("B's review task", route.url(task_id=b.task.pk))]

    raise Unclassified(f"keywords {sorted(names)} in namespace {ns!r}")


def own_collection():
    return Agency.objects.get(site__hostname=HARBOR).collection


def chosen_multiple_probes(route: Route, b) -> list[Probe]:
    """A chooser's chosen-multiple address takes its ids in the query: B's alone, and B's
    mixed with one of A's own (a wall must not answer for the part it lets through)."""
    ns = route.namespace
    snippet_model = model_from_namespace(ns)
    if snippet_model is not None:
        kind, ids = snippet_model._meta.model_name, [b.snippets[snippet_model].pk]
        own = snippet_model.objects.filter(owner__hostname=HARBOR).first()
    elif "images" in ns:
        kind, ids = "image", [b.image.pk]
        own = Image.objects.filter(collection=own_collection()).first()
    elif "docs" in ns:
        kind, ids = "document", [b.document.pk]
        own = Document.objects.filter(collection=own_collection()).first()
    elif "page" in route.url_name:
        kind, ids = "page", [page.pk for page in b.pages.values()]
        own = b.a_story
    else:
        raise Unclassified(f"chosen-multiple of {ns or route.url_name!r}")
    url = route.url()
    probes = [Probe(f"B's {kind}s, chosen together", url, params={"id": ids}, id_kinds=(kind,))]
    if own is not None:
        probes.append(
            Probe(
                f"A's own {kind} and B's, chosen together",
                url,
                params={"id": [own.pk, *ids]},
                id_kinds=(kind,),
            )
        )
    return probes


def bulk_probes(route: Route, b) -> list[Probe]:
    """/admin/bulk/<app>/<model>/<action>/?id=<B's id> for every registered bulk action."""
    objects = {
        ("wagtailcore", "page"): [(PAGE_LABELS[k], p.pk) for k, p in b.pages.items()],
        ("wagtailimages", "image"): [("B's image", b.image.pk)],
        ("wagtaildocs", "document"): [("B's document", b.document.pk)],
    }
    objects[(b.staff._meta.app_label, b.staff._meta.model_name)] = [("B's staff", b.staff.pk)]
    for model, obj in b.snippets.items():
        objects[(model._meta.app_label, model._meta.model_name)] = [
            (f"B's {model._meta.verbose_name}", obj.pk)
        ]
    bulk_action_registry.get_bulk_actions_for_model("wagtailcore", "page")  # scans the hooks
    probes = []
    for app_label, models in bulk_action_registry.actions.items():
        for model_name, actions in models.items():
            for action in actions:
                targets = objects.get((app_label, model_name))
                if targets is None:
                    raise Unclassified(f"bulk actions of {app_label}.{model_name}")
                kinds = ("page",) if model_name == "page" else (model_name,)
                for label, pk in targets:
                    url = route.url(app_label=app_label, model_name=model_name, action=action)
                    probes.append(
                        Probe(f"{label}, bulk {action}", f"{url}?id={pk}", id_kinds=kinds)
                    )
                if model_name == "page":
                    # A's own story with B's draft: the wall answers for the whole list.
                    mixed = f"{url}?id={b.a_story.pk}&id={b.pages['draft'].pk}"
                    probes.append(
                        Probe(f"A's story and B's draft page, bulk {action}", mixed, id_kinds=kinds)
                    )
    return probes


def probed_routes():
    """Admin and API routes with their probes; the others must be in SKIPPED."""
    return [r for r in all_routes() if r.key not in SKIPPED]


# --- The tests -------------------------------------------------------------------------------


def test_every_route_is_walled():
    """Each route is probed by the rules of plan() or explained in SKIPPED; SKIPPED names only
    routes that exist (a stale entry hides nothing, but misleads)."""
    routes = all_routes()
    keys = {route.key for route in routes}
    assert not (set(SKIPPED) - keys), (
        f"SKIPPED names routes that no longer exist: {set(SKIPPED) - keys}"
    )
    outside = [
        r.key for r in routes if r.key not in SKIPPED and not r.key.startswith(("admin/", "api/"))
    ]
    assert not outside, (
        f"routes outside the admin and the API, neither probed nor skipped: {outside}"
    )
    b = build_b_world()
    unclassified = []
    for route in probed_routes():
        try:
            plan(route, b)
        except Unclassified as why:
            unclassified.append(f"{route.key} ({route.name or 'unnamed'}): {why}")
    assert not unclassified, "Routes nobody has said how to wall:\n" + "\n".join(unclassified)


def client_for(user, token: str) -> SimpleNamespace:
    # The admin makes a user's profile on their first request. Made here, before the probe, it
    # is not made again in every rolled-back cell, whose write would cost a snapshot of B.
    UserProfile.get_for_user(user)
    client = logged_in(user)
    return SimpleNamespace(user=user, client=client, token=token)


def api_story(parent_id: int) -> str:
    """A whole, valid news story for the management API: a write that only ownership refuses."""
    return json.dumps(
        {
            "type": "news_story",
            "parent_id": parent_id,
            "title": "Written over the wall",
            "date": "2026-11-20",
            "summary": "Written by another agency.",
            "kind": "news",
            "names_changed": True,
            "tags": [],
            "body": [{"type": "text", "value": "<p>Over the wall.</p>"}],
        }
    )


def ask(actor, method: str, probe: Probe, b):
    """One request, the way the actor's browser or system would send it: the admin's forms
    posted empty, the management API sent a whole story (into B's index when it creates one)."""
    client = actor.client
    headers = {"host": HARBOR}
    if probe.url.startswith("/api/"):
        headers["Authorization"] = f"Bearer {actor.token}"
    if method == "GET":
        return client.get(probe.url, probe.params or {}, headers=headers)
    if method == "DELETE":
        return client.delete(probe.url, headers=headers)
    if method in ("PATCH", "PUT") or probe.url.startswith("/api/"):
        if probe.url.startswith("/api/"):
            data, kind = api_story(b.index.pk), "application/json"
        else:  # wagtail-localize's string and override edits
            data, kind = "value=Written+over+the+wall", "application/x-www-form-urlencoded"
        send = {"PATCH": client.patch, "PUT": client.put, "POST": client.post}[method]
        return send(probe.url, data, content_type=kind, headers=headers)
    return client.post(probe.url, {}, headers=headers)


# What a statement may start with and write nothing (a request that sent only these cannot
# have changed B's rows: its cell skips the snapshot, forty queries, after it).
READS = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "SET", "SHOW", "PRAGMA")


def noting_writes(writes: list):
    """An execute wrapper adding to `writes` each statement that is not a plain read."""

    def wrapper(execute, sql, params, many, context):
        if not str(sql).lstrip().upper().startswith(READS):
            writes.append(sql)
        return execute(sql, params, many, context)

    return wrapper


def run_cell(actor, method, probe, secrets, before, b) -> tuple[list[str], str | None]:
    """One request in a savepoint rolled back after it; what went wrong, and the status (with
    where a redirect led)."""
    found, status = [], None
    cookies = copy.deepcopy(actor.client.cookies)
    writes = []
    with transaction.atomic():
        try:
            with connection.execute_wrapper(noting_writes(writes)):
                response = ask(actor, method, probe, b)
        except Exception as error:
            where = traceback.extract_tb(error.__traceback__)[-1]
            found.append(
                f"500: {type(error).__name__}: {str(error)[:160]}"
                f" (raised at {Path(where.filename).name}:{where.lineno})"
            )
            response = None
        if response is not None:
            status = str(response.status_code)
            if response.status_code >= 500:
                found.append(f"{status} server error")
            if response.get("Location"):
                status += f" to {response['Location']}"
            found += leaks_in(
                response,
                probe.url,
                secrets,
                id_kinds=probe.id_kinds,
                public_api=probe.url.startswith("/api/")
                and not probe.url.startswith("/api/manage/"),
                # Addresses and words the query said, said back; never short values or ids,
                # which would cut B's ids out of the answer too.
                echoes=[
                    value
                    for value in (probe.params or {}).values()
                    if isinstance(value, str) and len(value) >= 6 and not value.isdigit()
                ],
            )
        if writes and not connection.needs_rollback:
            changed = changes(before, snapshot(b))
            if changed:
                found.append(f"changed B's {', '.join(changed)}")
        transaction.set_rollback(True)
    actor.client.cookies = cookies
    return found, status


def addresses_to_probe(b) -> list[tuple]:
    """Every probe of every route, each address once: [(route, probe)], in the resolver's order.

    An address already asked under an earlier route is not asked again: the earlier route is
    the one Django dispatches to (Lantern's views placed before Wagtail's at the same address).
    """
    asked, found = set(), []
    for route in probed_routes():
        for probe in plan(route, b):
            address = (probe.url, repr(sorted((probe.params or {}).items())))
            if address not in asked:
                asked.add(address)
                found.append((route, probe))
    return found


def probe_everything(actors: dict, b, shard: int = 0, shards: int = 1) -> tuple[int, int, dict]:
    """Every `shards`-th address from `shard` on, asked by every actor: (cells, requests,
    findings by route). Shards let the test processes share the probe."""
    secrets = secrets_of(b)
    before = snapshot(b)
    findings = defaultdict(list)  # route -> [(actor, method, target, status, what)]
    cells = requests = 0
    answers = []
    for route, probe in addresses_to_probe(b)[shard::shards]:
        for name, actor in actors.items():
            cells += 1
            for method in probe.methods:
                requests += 1
                found, status = run_cell(actor, method, probe, secrets, before, b)
                for what in found:
                    findings[route.key].append((name, method, probe.target, status, what))
                answers.append(f"{route.key}\t{name}\t{method}\t{probe.url}\t{status}")
    # Signing out (admin/logout/) is rolled back with its cell, and the cookies put back: each
    # actor must still be signed in, or the cells after would have been asked anonymously.
    for name, actor in actors.items():
        home = actor.client.get("/admin/", headers={"host": HARBOR})
        assert home.status_code == 200, f"{name} was signed out during the probe"
    if os.environ.get("WALLS_ANSWERS"):  # every cell's status, to read what each route said
        with Path(os.environ["WALLS_ANSWERS"]).open("a") as out:
            out.write("\n".join(answers) + "\n")
    return cells, requests, findings


def report(findings: dict) -> str:
    """One block per route; within it one line per target and finding, with who and how."""
    lines = []
    for key, rows in findings.items():
        lines.append(key)
        merged = defaultdict(lambda: (set(), set(), set()))
        for actor, method, target, status, what in rows:
            actors, methods, statuses = merged[(target, what)]
            actors.add(actor)
            methods.add(method)
            statuses.add(str(status))
        for (target, what), (actors, methods, statuses) in merged.items():
            lines.append(
                f"    [{target}] {'/'.join(sorted(methods))} by {', '.join(sorted(actors))}"
                f" ({'/'.join(sorted(statuses))}): {what}"
            )
    return "\n".join(lines)


# The probe is shared among test processes (pytest-xdist gives each shard to whichever is free).
SHARDS = 6


def test_the_probe_asks_every_route_enough_addresses():
    b = build_b_world()
    probed = addresses_to_probe(b)
    assert len(probed) * 2 >= 500  # two actors a cell each
    assert {route.key for route, _ in probed} == {route.key for route in probed_routes()}


@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_route_shows_or_changes_another_agencys_objects(editor_a, moderator_a, shard):
    started = time.monotonic()
    b = build_b_world()
    actors = {
        name: client_for(user, APIToken.create_token(user=user, name="walls")[1])
        for name, user in (("editor_a", editor_a), ("moderator_a", moderator_a))
    }
    cells, requests, findings = probe_everything(actors, b, shard, SHARDS)
    elapsed = time.monotonic() - started
    print(
        f"\nwalls, shard {shard} of {SHARDS}: {cells} cells, {requests} requests, {elapsed:.0f} s"
    )
    assert cells >= 500 // SHARDS
    count = sum(map(len, findings.values()))
    assert not findings, f"{count} findings on {len(findings)} routes:\n" + report(findings)


def test_a_network_admin_sees_what_agency_staff_must_not(network_admin):
    """The detector itself: where A's staff must see nothing of B's, a network administrator
    sees B's markers. If these fail, the wall test above is blind."""
    b = build_b_world()
    secrets = secrets_of(b)
    admin = client_for(network_admin, APIToken.create_token(user=network_admin, name="walls")[1])
    draft = b.pages["draft"]
    expected = {
        reverse("wagtailadmin_pages:edit", args=[draft.pk]): MARKERS["draft"],
        reverse("wagtailadmin_explore", args=[b.index.pk]): MARKERS["draft"],
        reverse("wagtailimages:edit", args=[b.image.pk]): MARKERS["image"],
        reverse("wagtailsnippets_blocks_hotline:edit", args=[b.snippets[Hotline].pk]): MARKERS[
            "hotline"
        ],
        reverse("wagtailusers_users:edit", args=[b.staff.pk]): MARKERS["staff"],
        reverse("wagtailadmin_pages:search") + f"?q={SHARED}": MARKERS["moderation"],
        reverse("lantern_help_reverification"): MARKERS["help"],
    }
    blind = []
    for url, word in expected.items():
        path, _, query = url.partition("?")
        params = dict([query.split("=")]) if query else None
        response = admin.client.get(path, params, headers={"host": HARBOR})
        found = leaks_in(response, path, secrets)
        if response.status_code != 200 or not any(f"({word})" in what for what in found):
            blind.append(f"{url}: {response.status_code}, found {found}")
    # The snapshot: a network administrator's unpublishing of B's page is seen as a change (and
    # rolled back, as every cell is).
    probe = Probe(
        "B's expired page", reverse("wagtailadmin_pages:unpublish", args=[b.pages["expired"].pk])
    )
    found, status = run_cell(admin, "POST", probe, secrets, snapshot(b), b)
    if not any(what.startswith("changed B's pages") for what in found):
        blind.append(f"unpublishing B's page: {status}, found {found}")
    assert Page.objects.get(pk=b.pages["expired"].pk).live, "the cell was not rolled back"
    # And B's interrupted import started again by the network (its own staff's right).
    probe = Probe(
        "B's interrupted import",
        reverse("lantern_help_import_start_again", args=[b.interrupted_import.pk]),
    )
    found, status = run_cell(admin, "POST", probe, secrets, snapshot(b), b)
    if not any(what.startswith("changed B's help imports") for what in found):
        blind.append(f"starting B's import again: {status}, found {found}")
    assert not blind, "The detector missed B's markers for a network admin:\n" + "\n".join(blind)
