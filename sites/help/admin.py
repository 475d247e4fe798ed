"""The help directory in the admin: each agency keeps its own resources, the network its own."""

import django_filters

from django.utils import timezone
from django.utils.timesince import timesince

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.permissions import register_permission_policy

from sites.agencies.permissions import (
    OwnedSnippetPermissionPolicy,
    OwnedSnippetViewSet,
    owner_column,
)
from sites.help.capacity import has_count, is_stale, stale_after
from sites.help.organizations import Organization
from sites.help.resources import HelpResource


def places_free(resource) -> str:
    """The count of places free as moderators see it, marked when it is too old for readers to
    see as a number (`capacity.is_stale`)."""
    if not has_count(resource):
        return ""
    now = timezone.now()
    of = f" of {resource.capacity_maximum}" if resource.capacity_maximum is not None else ""
    count = f"{resource.capacity_available}{of} {resource.capacity_unit}".strip()
    counted = timesince(resource.capacity_updated, max(now, resource.capacity_updated), depth=1)
    if is_stale(resource, now):
        return f"Stale: {count}, counted {counted} ago (readers are told to call)"
    return f"{count}, counted {counted} ago"


class HelpResourceFilterSet(WagtailFilterSet):
    capacity = django_filters.ChoiceFilter(
        label="Places free",
        choices=[("stale", "Stale count"), ("current", "Current count")],
        empty_label="Any",
        method="filter_capacity",
    )

    def filter_capacity(self, queryset, name, value):
        """Counts older than LANTERN_HELP_CAPACITY_STALE_HOURS (readers see no number), or not."""
        counted = queryset.filter(capacity_available__isnull=False, capacity_updated__isnull=False)
        since = timezone.now() - stale_after()
        if value == "stale":
            return counted.filter(capacity_updated__lt=since)
        if value == "current":
            return counted.filter(capacity_updated__gte=since)
        return queryset

    class Meta:
        model = HelpResource
        fields = ["owner", "area", "is_24_7", "status"]


class HelpResourceViewSet(OwnedSnippetViewSet):
    model = HelpResource
    icon = "help"
    menu_label = "Help directory"
    menu_name = "help_directory"
    menu_order = 260
    add_to_admin_menu = True
    list_display = [
        "organisation",
        "area",
        "states",
        owner_column(),
        "status",
        Column("places_free", label="Places free", accessor=places_free),
        "last_verified",
    ]
    filterset_class = HelpResourceFilterSet
    ordering = ["organisation"]


class OrganizationViewSet(OwnedSnippetViewSet):
    model = Organization
    icon = "group"
    menu_label = "Organisations"
    menu_name = "help_organizations"
    menu_order = 261
    add_to_admin_menu = False
    list_display = ["name", owner_column()]
    list_filter = ["owner"]
    ordering = ["name"]


register_permission_policy(HelpResource, OwnedSnippetPermissionPolicy(HelpResource))
register_permission_policy(Organization, OwnedSnippetPermissionPolicy(Organization))
