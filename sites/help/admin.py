"""The help directory in the admin: each agency keeps its own resources, the network its own."""

from wagtail.permissions import register_permission_policy

from sites.agencies.permissions import (
    OwnedSnippetPermissionPolicy,
    OwnedSnippetViewSet,
    owner_column,
)
from sites.help.resources import HelpResource


class HelpResourceViewSet(OwnedSnippetViewSet):
    model = HelpResource
    icon = "help"
    menu_label = "Help directory"
    menu_name = "help_directory"
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["organisation", "area", "states", owner_column(), "last_verified"]
    list_filter = ["owner", "area", "is_24_7"]
    ordering = ["organisation"]


register_permission_policy(HelpResource, OwnedSnippetPermissionPolicy(HelpResource))
