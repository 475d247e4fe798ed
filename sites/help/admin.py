"""The help directory in the admin: each agency keeps its own resources, the network its own."""

from wagtail.permissions import register_permission_policy

from sites.agencies.permissions import (
    OwnedSnippetPermissionPolicy,
    OwnedSnippetViewSet,
    owner_column,
)
from sites.help.organizations import Organization
from sites.help.resources import HelpResource


class HelpResourceViewSet(OwnedSnippetViewSet):
    model = HelpResource
    icon = "help"
    menu_label = "Help directory"
    menu_name = "help_directory"
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["organisation", "area", "states", owner_column(), "status", "last_verified"]
    list_filter = ["owner", "area", "is_24_7", "status"]
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
