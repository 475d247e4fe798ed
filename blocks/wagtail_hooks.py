"""Admin registration of the shared snippets, each owned by an agency site or the network."""

from wagtail import hooks
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
from .links import ReaderPageLinkHandler


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


@hooks.register("register_rich_text_features", order=1)  # after Wagtail's own "page" link type
def link_only_pages_readers_may_see(features):
    """Links to pages in rich text lead readers only to pages they may see (blocks.links)."""
    features.register_link_type(ReaderPageLinkHandler)
