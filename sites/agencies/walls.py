"""The wall between agencies, in one place: what a member of an agency's staff may see.

`may_see(user, obj)` is the rule for any object the admin can name: a page in the agency's own
trees (every language), media in its collection, its own and the network's snippets, its own
people, redirects, workflows and tasks, and whatever belongs to those (revisions, workflow and
task states, translations). Network administrators see everything.

`AgencyWallMiddleware` applies the rule to every admin address before its view runs: each
object the address names, by a URL argument (`page_id`, `image_id`, a viewset's `pk`, …) or by
the `id` list of a bulk action or chooser, must be one the user may see, or the answer is the
admin's 404, exactly as for an id that does not exist. So a view added later, by Wagtail, by
wagtail-localize or by Lantern, is walled by the argument names it takes; the generated wall
test (tests/sites/agencies/test_walls.py) fails on any route whose arguments it cannot read.
Listings cannot be walled from outside their views: those that list objects across agencies
take their rows from `visible_pages`, `visible_people` and friends (sites.agencies.reports,
the page-chooser and explorer hooks in sites/agencies/wagtail_hooks.py).
"""

from functools import cache

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.http import Http404
from django.urls import reverse

from taggit.models import Tag, TaggedItem
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.documents import get_document_model
from wagtail.documents.models import AbstractDocument
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage
from wagtail.models import (
    APIToken,
    Collection,
    Page,
    Revision,
    Site,
    Task,
    TaskState,
    UploadedFile,
    Workflow,
    WorkflowState,
)
from wagtail_localize.models import Translation, TranslationSource

from blocks.ownership import OwnedByAgency
from sites.agencies.tenancy import Agency, agency_site_ids, is_network_admin, usable_by_user_q

# URL arguments that name an object of a known model, in every admin route that takes one.
PAGE_ARGUMENTS = {"page_id", "parent_page_id", "page_to_move_id", "destination_id", "page_pk"}
MODEL_ARGUMENTS = {
    "image_id": "wagtailimages.Image",
    "document_id": "wagtaildocs.Document",
    "doc_id": "wagtaildocs.Document",
    "revision_id": "wagtailcore.Revision",
    "revision_id_a": "wagtailcore.Revision",
    "revision_id_b": "wagtailcore.Revision",
    "task_state_id": "wagtailcore.TaskState",
    "workflow_state_id": "wagtailcore.WorkflowState",
    "task_id": "wagtailcore.Task",
    "workflow_pk": "wagtailcore.Workflow",
    "redirect_id": "wagtailredirects.Redirect",
    "collection_id": "wagtailcore.Collection",
    "uploaded_file_id": "wagtailcore.UploadedFile",
    "translation_id": "wagtail_localize.Translation",
    "translation_source_id": "wagtail_localize.TranslationSource",
}
# Arguments naming an object of the model the route is about (its viewset's, or the one its
# app_label / model_name arguments give).
OBJECT_ARGUMENTS = {"pk", "object_id", "instance_id"}
# Admin sections that are the network's own settings, whatever permissions a group is given:
# workflows and their tasks span every agency (the task chooser lists them all).
NETWORK_ONLY = {"wagtailadmin_workflows"}
KNOWN_ARGUMENTS = PAGE_ARGUMENTS | MODEL_ARGUMENTS.keys()
# Arguments naming the model a route is about, in pairs.
MODEL_NAME_ARGUMENTS = [
    ("app_label", "model_name"),
    ("app_name", "model_name"),  # settings
    ("content_type_app_name", "content_type_model_name"),
]


def own_site_roots(user) -> list[Page]:
    """The root pages of the user's agencies' sites, in every language they are translated to."""
    cache_name = "_lantern_own_site_roots"
    if not hasattr(user, cache_name):
        roots = Site.objects.filter(pk__in=agency_site_ids(user)).values(
            "root_page__translation_key"
        )
        setattr(user, cache_name, list(Page.objects.filter(translation_key__in=roots)))
    return getattr(user, cache_name)


def own_tree_q(user, prefix: str = "") -> Q:
    """Pages inside the trees of the user's agencies' sites, every language (everything for
    network administrators). `prefix` reaches pages through a relation, e.g. "page__"."""
    if is_network_admin(user):
        return Q()
    q = Q(pk__in=[])
    for root in own_site_roots(user):
        q |= Q(**{f"{prefix}path__startswith": root.path})
    return q


def visible_pages(user):
    return Page.objects.filter(own_tree_q(user))


def visible_people(user):
    """Staff the user may see by name: their agencies' editors and moderators (everyone, for
    network administrators)."""
    User = get_user_model()
    if is_network_admin(user):
        return User.objects.all()
    return User.objects.filter(Q(pk=user.pk) | Q(groups__in=own_groups(user))).distinct()


def own_collections(user):
    """The agencies' collections and the folders inside them."""
    q = Q(pk__in=[])
    for collection in Collection.objects.filter(
        pk__in=Agency.objects.filter(site_id__in=agency_site_ids(user)).values("collection_id")
    ):
        q |= Q(path__startswith=collection.path)
    return Collection.objects.filter(q)


def own_workflows(user):
    return Workflow.objects.filter(
        pk__in=Agency.objects.filter(site_id__in=agency_site_ids(user)).values("workflow_id")
    )


def own_groups(user):
    agencies = Agency.objects.filter(site_id__in=agency_site_ids(user))
    return Group.objects.filter(Q(editors_of__in=agencies) | Q(moderators_of__in=agencies))


def narrow_choices(form, user):
    """Each model choice of a filter form limited to the user's side of the wall: people,
    groups, sites, workflows and tasks."""
    allowed = {
        get_user_model(): visible_people(user),
        Group: own_groups(user),
        Site: Site.objects.filter(pk__in=agency_site_ids(user)),
        Workflow: own_workflows(user),
        Task: Task.objects.filter(workflow_tasks__workflow__in=own_workflows(user)),
    }
    for name, field in form.fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is not None and queryset.model in allowed:
            field.queryset = queryset.filter(pk__in=allowed[queryset.model].values("pk"))
        elif name == "tag" and getattr(field, "choices", None):  # the media listings' popular tags
            own = set(visible_tags(user).values_list("name", flat=True))
            field.choices = [(value, label) for value, label in field.choices if value in own]


def visible_tags(user):
    """Tags on the pages, images and documents the user may see."""
    images, documents = get_image_model(), get_document_model()
    tagged = TaggedItem.objects.filter(
        Q(
            content_type=ContentType.objects.get_for_model(images),
            object_id__in=images.objects.filter(collection__in=own_collections(user)).values("pk"),
        )
        | Q(
            content_type=ContentType.objects.get_for_model(documents),
            object_id__in=documents.objects.filter(collection__in=own_collections(user)).values(
                "pk"
            ),
        )
    )
    # Stories keep their tags in their own table (sites.content.pages.NewsStoryTag).
    story_tags = apps.get_model("agency_sites", "NewsStoryTag")
    stories = story_tags.objects.filter(content_object__in=visible_pages(user))
    return Tag.objects.filter(
        Q(pk__in=tagged.values("tag_id")) | Q(pk__in=stories.values("tag_id"))
    )


def may_see(user, obj) -> bool:
    """Whether `obj` is on the user's side of the wall."""
    if is_network_admin(user):
        return True
    if isinstance(obj, Page):
        return obj.depth == 1 or any(obj.path.startswith(r.path) for r in own_site_roots(user))
    if isinstance(obj, AbstractImage | AbstractDocument):
        return may_see(user, obj.collection)
    if isinstance(obj, Collection):
        return obj.depth == 1 or own_collections(user).filter(pk=obj.pk).exists()
    if isinstance(obj, TaskState):
        return may_see(user, obj.workflow_state)
    if isinstance(obj, Revision | WorkflowState):
        return obj.content_object is None or may_see(user, obj.content_object)
    if isinstance(obj, Translation):
        return may_see(user, obj.source)
    if isinstance(obj, TranslationSource):
        try:
            return may_see(user, obj.get_source_instance())
        except ObjectDoesNotExist:
            return True  # its object is gone: nothing of an agency's left to see
    if isinstance(obj, Workflow):
        return own_workflows(user).filter(pk=obj.pk).exists()
    if isinstance(obj, Task):
        return own_workflows(user).filter(workflow_tasks__task=obj.pk).exists()
    if isinstance(obj, UploadedFile):
        return obj.uploaded_by_user_id == user.pk
    if isinstance(obj, APIToken):
        return obj.user_id == user.pk or may_see(user, obj.user)
    if isinstance(obj, get_user_model()):
        return visible_people(user).filter(pk=obj.pk).exists()
    if isinstance(obj, Site):
        return obj.pk in agency_site_ids(user)
    if isinstance(obj, Redirect):
        return obj.site_id is None or obj.site_id in agency_site_ids(user)
    if isinstance(obj, OwnedByAgency):
        return type(obj).objects.filter(usable_by_user_q(user), pk=obj.pk).exists()
    site_id = getattr(obj, "site_id", None)  # per-site settings
    return site_id is None or site_id in agency_site_ids(user)


def get_or_none(model, pk):
    try:
        return model._default_manager.filter(pk=pk).first()
    except (ValueError, TypeError):  # an id of the wrong shape names nothing
        return None


def route_model(view_func, kwargs):
    """The model a route is about: from its app_label / model_name arguments, or its view's."""
    for app_argument, model_argument in MODEL_NAME_ARGUMENTS:
        if app_argument in kwargs and model_argument in kwargs:
            try:
                return apps.get_model(kwargs[app_argument], kwargs[model_argument])
            except LookupError:
                return None
    model = getattr(view_func, "view_initkwargs", {}).get("model")
    # Django's as_view() keeps the view's class on `view_class`, Django REST framework's on `cls`.
    view_class = getattr(view_func, "view_class", None) or getattr(view_func, "cls", None)
    model = model or getattr(view_class, "model", None)
    return model if isinstance(model, type) else None


def named_objects(request, view_func, kwargs):
    """Every object the address names: by URL argument, and by the `id` list of a bulk action
    or chooser."""
    route_model_ = route_model(view_func, kwargs)
    # Query strings name objects the same way (e.g. the image listing's ?collection_id=).
    arguments = [(name, value) for name, value in request.GET.items() if name in KNOWN_ARGUMENTS]
    for name, value in [*kwargs.items(), *arguments]:
        if name in PAGE_ARGUMENTS:
            yield get_or_none(Page, value)
        elif name in MODEL_ARGUMENTS:
            yield get_or_none(apps.get_model(MODEL_ARGUMENTS[name]), value)
        elif name in OBJECT_ARGUMENTS and route_model_ is not None:
            # A per-site setting is opened by its site's id.
            model = Site if issubclass(route_model_, BaseSiteSetting) else route_model_
            yield get_or_none(model, value)
    ids = request.GET.getlist("id") + request.POST.getlist("id")
    if ids:
        model = route_model_ or (
            Page if "page" in (request.resolver_match.url_name or "") else None
        )
        for pk in ids if model is not None else []:
            yield get_or_none(model, pk)


@cache
def admin_prefix() -> str:
    return reverse("wagtailadmin_home")


class AgencyWallMiddleware:
    """Answers the admin's 404 for an address naming an object beyond the user's wall."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_walled(request):
            if NETWORK_ONLY & set(request.resolver_match.namespaces):
                raise Http404
            for obj in named_objects(request, view_func, view_kwargs):
                if obj is not None and not may_see(request.user, obj):
                    raise Http404
        return None

    def process_template_response(self, request, response):
        """Every admin listing's filters offer only the user's own people, groups and sites."""
        filters = (response.context_data or {}).get("filters")
        if is_walled(request) and hasattr(filters, "form"):
            narrow_choices(filters.form, request.user)
        return response


def is_walled(request) -> bool:
    """An admin request by a member of an agency's staff (not a network administrator)."""
    user = getattr(request, "user", None)
    return (
        request.path_info.startswith(admin_prefix())
        and user is not None
        and user.is_authenticated
        and not is_network_admin(user)
    )
