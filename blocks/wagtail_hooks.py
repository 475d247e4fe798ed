"""Admin registration of the shared snippets, each owned by an agency site or the network."""

from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from sites.agencies.permissions import (
    OwnedSnippetPermissionPolicy,
    OwnedSnippetViewSet,
    owner_column,
)

from .appeals import DonationAppeal
from .hotline import Hotline


class HotlineViewSet(OwnedSnippetViewSet):
    model = Hotline
    icon = "mobile-alt"
    menu_label = "Hotlines"
    list_display = ["name", "phone", "sms_number", "coverage_label", owner_column(), "pinned"]
    list_filter = ["owner", "coverage", "is_24_7", "pinned"]


class DonationAppealViewSet(OwnedSnippetViewSet):
    model = DonationAppeal
    icon = "pick"
    menu_label = "Donation appeals"
    list_display = ["headline", owner_column(), "goal", "raised", "end_date"]


class SharedContentGroup(SnippetViewSetGroup):
    menu_label = "Shared content"
    menu_icon = "snippet"
    menu_order = 250
    items = (HotlineViewSet, DonationAppealViewSet)


# Ownership is enforced by the policy, which every snippet view and bulk action consults.
register_permission_policy(Hotline, OwnedSnippetPermissionPolicy(Hotline))
register_permission_policy(DonationAppeal, OwnedSnippetPermissionPolicy(DonationAppeal))
register_snippet(SharedContentGroup)
