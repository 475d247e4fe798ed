"""Re-verification in the admin: the report of help resources to check again, and a dashboard panel.

Both list what `sites.help.verification` says is due, among the resources the user may change
(Lantern's permission policy: their own agency's; every one for network administrators), so
each agency sees its own list and no partner's.
"""

import datetime

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import BasePermissionPolicy
from wagtail.permissions import policy_registry

from sites.help.resources import HelpResource
from sites.help.verification import due_for_reverification, hidden_from, unverified_too_long

URL_NAME = "lantern_help_reverification"


def policy() -> BasePermissionPolicy:
    return policy_registry.get_by_type(HelpResource)


def changeable_by(user):
    """The resources `user` may change, through Lantern's per-agency policy (sites.help.admin)."""
    return policy().instances_user_has_any_permission_for(user, ["change"])


def edit_url(resource: HelpResource) -> str:
    return reverse("wagtailsnippets_lantern_help_helpresource:edit", args=[resource.pk])


def readers_see(resource: HelpResource, today: datetime.date) -> str:
    """What readers see of it, in words: until when, since when hidden, or always."""
    hidden = hidden_from(resource)
    if hidden is None:
        return "Always shown: a national hotline"
    if hidden <= today:
        return f"Hidden since {date_format(hidden)}"
    return f"Shown until {date_format(hidden - datetime.timedelta(days=1))}"


class ReverificationReport(ReportView):
    """Reports → Help resources to re-verify: the user's agency's resources last verified
    LANTERN_HELP_REVERIFY_MONTHS ago or more, oldest first, each linked to its edit form."""

    model = HelpResource  # its permission policy (PermissionCheckedMixin)
    any_permission_required = ["change"]
    page_title = "Help resources to re-verify"
    header_icon = "help"
    index_url_name = URL_NAME
    results_template_name = "sites/admin/help_reverification_results.html"
    default_ordering = "last_verified"
    columns = [
        TitleColumn(
            "organisation", label="Organisation", get_url=edit_url, sort_key="organisation"
        ),
        Column("owner", label="Owner", accessor=lambda r: r.owner or "The network"),
        Column("last_verified", label="Last verified", sort_key="last_verified"),
        Column("readers_see", label="Readers"),
    ]
    list_export = ["reference", "organisation", "owner", "last_verified", "readers_see"]
    export_headings = {"readers_see": "Readers"}

    def get_base_queryset(self):
        return due_for_reverification(changeable_by(self.request.user)).select_related("owner")

    def order_queryset(self, queryset):
        # Resources verified the same day in a fixed order: pages neither repeat nor skip one.
        ordered = super().order_queryset(queryset)
        return ordered.order_by(*ordered.query.order_by, "pk")

    def decorate_paginated_queryset(self, object_list):
        today = timezone.localdate()
        for resource in object_list:
            resource.readers_see = readers_see(resource, today)
        return object_list

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["reverify_months"] = settings.LANTERN_HELP_REVERIFY_MONTHS
        context["hide_months"] = settings.LANTERN_HELP_HIDE_UNVERIFIED_MONTHS
        return context


class ReverificationMenuItem(MenuItem):
    def is_shown(self, request):
        return policy().user_has_permission(request.user, "change")


def menu_item() -> MenuItem:
    return ReverificationMenuItem(
        "Help resources to re-verify", reverse(URL_NAME), icon_name="help", order=710
    )


class ReverificationPanel(Component):
    """On the dashboard of anyone who may change help resources: how many of theirs are due,
    and how many of those readers no longer see, with a link to the report. Nothing when none."""

    name = "help_reverification"
    template_name = "sites/admin/help_reverification_panel.html"
    order = 150

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        counts = {"due": 0, "hidden": 0}
        if policy().user_has_permission(self.user, "change"):
            today = timezone.localdate()
            counts = due_for_reverification(changeable_by(self.user), today).aggregate(
                due=Count("pk"),
                hidden=Count(
                    "pk",
                    filter=unverified_too_long(today) & Q(status=HelpResource.Status.ACTIVE),
                ),
            )
        context.update(counts, report_url=reverse(URL_NAME))
        return context


def add_panel(request, panels) -> None:
    """construct_homepage_panels: the re-verification panel, for the user signed in."""
    panels.append(ReverificationPanel(request.user))
