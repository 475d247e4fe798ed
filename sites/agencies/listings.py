"""Wagtail's and wagtail-localize's listings that span the install, showing an agency its own.

Reports (counts and last-edited titles of every page type, every workflow and requester, every
translation), wagtail-localize's snippet API and the tag autocomplete list across the whole
install. Lantern mounts these subclasses at the same addresses, before Wagtail's admin URLs
(cms/urls.py): rows come from the agency's side of the wall (sites.agencies.walls), and every
filter offers only its own people, workflows, tasks and sites. Network administrators see what
Wagtail shows.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.http import JsonResponse
from django.urls import path
from django.utils.functional import cached_property

from taggit.models import Tag
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views import tags
from wagtail.admin.views.reports.aging_pages import AgingPagesView
from wagtail.admin.views.reports.locked_pages import LockedPagesView
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.admin.views.reports.workflows import WorkflowTasksView, WorkflowView
from wagtail.images import get_image_model
from wagtail.images.views.chooser import ImageChooserViewSet
from wagtail.models import Page
from wagtail_localize.views.report import TranslationsReportView
from wagtail_localize.views.snippets_api import SnippetViewSet

from blocks.ownership import OwnedByAgency
from sites.agencies.history import AgencySiteHistoryView
from sites.agencies.tenancy import is_network_admin, usable_by_user_q
from sites.agencies.walls import (
    narrow_choices,
    own_collections,
    own_site_roots,
    own_tree_q,
    visible_pages,
    visible_tags,
)


class WalledFiltersMixin:
    """Narrows the filters before they validate: a foreign id in the query string is an
    invalid choice, not a filter pill with someone else's name on it."""

    @cached_property
    def filters(self):
        filters = super().filters
        user = self.request.user
        if filters is not None and not is_network_admin(user):
            narrow_choices(filters.form, user)
        return filters


class LockedPages(WalledFiltersMixin, LockedPagesView):
    pass


class AgingPages(WalledFiltersMixin, AgingPagesView):
    pass


class Workflows(WalledFiltersMixin, WorkflowView):
    pass


class WorkflowTasks(WalledFiltersMixin, WorkflowTasksView):
    pass


class PageTypesUsage(WalledFiltersMixin, PageTypesUsageReportView):
    """Counts and last-edited pages of the agency's own trees."""

    @cached_property
    def filters(self):
        filters = super().filters
        user = self.request.user
        if filters is not None and not is_network_admin(user) and "site" in filters.form.fields:
            own = {root.path for root in own_site_roots(user)}
            field = filters.form.fields["site"]
            field.choices = [
                (value, label) for value, label in field.choices if value in own or not value
            ]
        return filters

    def get_queryset(self):
        user = self.request.user
        if is_network_admin(user):
            return super().get_queryset()
        queryset = ContentType.objects.filter(model__in=self.page_models)
        self.queryset = queryset
        queryset = self.filter_queryset(queryset)
        data = self.filters.form.cleaned_data if self.filters and self.filters.is_valid() else {}
        pages = own_tree_q(user)
        if language_code := data.get("page_locale"):
            pages &= Q(locale__language_code=language_code)
        if site_root_path := data.get("site"):
            pages &= Q(path__startswith=site_root_path)
        counted = Page.objects.filter(pages, depth__gt=1).values("pk")
        last_edited = (
            Page.objects.filter(pages, content_type=OuterRef("pk"))
            .order_by(F("latest_revision_created_at").desc(nulls_last=True), "title", "-pk")
            .values("pk")[:1]
        )
        return queryset.annotate(
            count=Count("pages", filter=Q(pages__in=counted)),
            last_edited_page_id=Subquery(last_edited),
        ).order_by("-count", "app_label", "model")


def visible_translation_keys(user):
    """The translation keys of the pages and snippets the user may see, every language."""
    keys = set(visible_pages(user).values_list("translation_key", flat=True))
    for model in OwnedByAgency.__subclasses__():
        if hasattr(model, "translation_key"):
            keys |= set(
                model.objects.filter(usable_by_user_q(user)).values_list(
                    "translation_key", flat=True
                )
            )
    return keys


class Translations(WalledFiltersMixin, TranslationsReportView):
    """wagtail-localize's report of translations, of the agency's own pages and snippets."""

    def get_queryset(self):
        # Ordered, so that its pages do not shift (wagtail-localize leaves it unordered).
        queryset = super().get_queryset().order_by("-created_at", "-pk")
        user = self.request.user
        if is_network_admin(user):
            return queryset
        return queryset.filter(source__object_id__in=visible_translation_keys(user))


class Snippets(SnippetViewSet):
    """wagtail-localize's snippet API (its editor's snippet chooser): the agency's and the
    network's snippets only."""

    def get_queryset(self):
        queryset = super().get_queryset()
        if issubclass(queryset.model, OwnedByAgency):
            return queryset.filter(usable_by_user_q(self.request.user))
        return queryset


def tag_autocomplete(request, app_name=None, model_name=None):
    """Wagtail's tag autocomplete, suggesting only tags the agency's own content carries."""
    user = request.user
    term = request.GET.get("term", "")
    named = (app_name, model_name) if app_name and model_name else ("taggit", "tag")
    if named != ("taggit", "tag") or is_network_admin(user) or not term:
        return tags.autocomplete(request, app_name, model_name)
    names = (
        visible_tags(user)
        .filter(name__istartswith=term)
        .order_by("name")
        .values_list("name", flat=True)[: tags.TAGS_AUTOCOMPLETE_LIMIT]
    )
    return JsonResponse(list(names), safe=False)


class ImageChoose(ImageChooserViewSet.choose_view_class):
    """The image chooser, its popular tags those of the agency's own images."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if not is_network_admin(user):
            # Wagtail's popular_tags_for_model(), counting the agency's own images only.
            own_images = self.model.objects.filter(collection__in=own_collections(user))
            context["popular_tags"] = (
                Tag.objects.filter(
                    taggit_taggeditem_items__content_type=ContentType.objects.get_for_model(
                        self.model
                    ),
                    taggit_taggeditem_items__object_id__in=own_images.values("pk"),
                )
                .annotate(item_count=Count("taggit_taggeditem_items"))
                .order_by("-item_count")[:10]
            )
        return context


class ImageChooser(ImageChooserViewSet):
    choose_view_class = ImageChoose


# The same name and address as Wagtail's image chooser, so that its views' links are Wagtail's.
image_chooser = ImageChooser(
    "wagtailimages_chooser", model=get_image_model(), url_prefix="images/chooser"
)


def both(path_, view_class, **initkwargs):
    """A report's page and the results part its filters fetch."""
    return [
        path(path_, require_admin_access(view_class.as_view(**initkwargs))),
        path(
            f"{path_}results/",
            require_admin_access(view_class.as_view(results_only=True, **initkwargs)),
        ),
    ]


# Mounted at admin/ before Wagtail's admin URLs (cms/urls.py): Wagtail's paths, in its order.
urlpatterns = [
    *both("reports/locked/", LockedPages),
    *both("reports/workflow/", Workflows),
    *both("reports/workflow_tasks/", WorkflowTasks),
    *both("reports/site-history/", AgencySiteHistoryView),
    *both("reports/aging-pages/", AgingPages),
    *both("reports/page-types-usage/", PageTypesUsage),
    *both("localize/reports/translations/", Translations),
    path("images/chooser/", require_admin_access(image_chooser.choose_view)),
    path("tag-autocomplete/", require_admin_access(tag_autocomplete)),
    path(
        "tag-autocomplete/<slug:app_name>/<slug:model_name>/",
        require_admin_access(tag_autocomplete),
    ),
    path(
        "localize/api/snippets/<slug:app_label>/<slug:model_name>/",
        require_admin_access(Snippets.as_view({"get": "list"})),
    ),
    path(
        "localize/api/snippets/<slug:app_label>/<slug:model_name>/<str:pk>/",
        require_admin_access(Snippets.as_view({"get": "retrieve"})),
    ),
]
