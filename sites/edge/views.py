"""Reports → Edge purges: the purges the edge has not taken yet, for network administrators.

Every agency's changes are in the one queue (their tags name other agencies' pages and
objects), so only those who act across the network see it: the permission policy below,
Wagtail's own mechanism, says so once for the view and its menu item.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timeuntil

from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import BasePermissionPolicy

from sites.agencies.tenancy import is_network_admin
from sites.edge.models import EdgePurge

URL_NAME = "lantern_edge_purges"
# Tags shown of each purge: a page moved names every page under it.
SHOWN_TAGS = 6


class NetworkAdminsOnly(BasePermissionPolicy):
    """Network administrators may view the outbox; nobody changes it in the admin."""

    def user_has_permission(self, user, action):
        return action == "view" and is_network_admin(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


def status(purge: EdgePurge) -> str:
    if purge.attempts == 0:
        return "Waiting to be sent"
    return f"Not taken after {purge.attempts} attempt{'s' if purge.attempts != 1 else ''}"


def next_attempt(purge: EdgePurge) -> str:
    if purge.next_attempt_at <= timezone.now():
        return "Due now"
    return f"In {timeuntil(purge.next_attempt_at)}"


def tags_shown(purge: EdgePurge) -> str:
    tags = purge.tag_list()
    shown = ", ".join(tags[:SHOWN_TAGS])
    return f"{shown} and {len(tags) - SHOWN_TAGS} more" if len(tags) > SHOWN_TAGS else shown


class EdgePurgesReport(ReportView):
    """Purges not yet taken by the edge, oldest first: what each touched, how many attempts,
    the last error and when the next attempt is due."""

    model = EdgePurge  # its permission policy (PermissionCheckedMixin): NetworkAdminsOnly
    permission_required = "view"
    page_title = "Edge purges"
    header_icon = "warning"
    index_url_name = URL_NAME
    default_ordering = "created_at"
    columns = [
        DateColumn("created_at", label="Change made", sort_key="created_at"),
        Column("status", label="Status", accessor=status),
        Column("next_attempt", label="Next attempt", accessor=next_attempt),
        Column("last_error", label="Last error"),
        Column("tags", label="Tags purged", accessor=tags_shown),
    ]
    list_export = ["created_at", "attempts", "next_attempt_at", "last_error", "tags"]

    @property
    def page_subtitle(self):
        edge = settings.EDGE_CACHE or "none configured (EDGE_CACHE)"
        return f"Edge cache: {edge}"

    def get_base_queryset(self):
        return EdgePurge.objects.filter(sent_at=None)

    def order_queryset(self, queryset):
        ordered = super().order_queryset(queryset)
        return ordered.order_by(*ordered.query.order_by, "pk")


class EdgePurgesMenuItem(MenuItem):
    def is_shown(self, request):
        return is_network_admin(request.user)


def menu_item() -> MenuItem:
    return EdgePurgesMenuItem("Edge purges", reverse(URL_NAME), icon_name="warning", order=720)
