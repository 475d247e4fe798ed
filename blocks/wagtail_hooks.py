"""Admin registration of the shared snippets."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .appeals import DonationAppeal
from .hotline import Hotline


class HotlineViewSet(SnippetViewSet):
    model = Hotline
    icon = "mobile-alt"
    menu_label = "Hotlines"
    list_display = ["name", "phone", "sms_number", "coverage_label", "is_24_7", "pinned"]
    list_filter = ["coverage", "is_24_7", "pinned"]
    search_fields = ["name"]


class DonationAppealViewSet(SnippetViewSet):
    model = DonationAppeal
    icon = "pick"
    menu_label = "Donation appeals"
    list_display = ["headline", "goal", "raised", "end_date"]


class SharedContentGroup(SnippetViewSetGroup):
    menu_label = "Shared content"
    menu_icon = "snippet"
    menu_order = 250
    items = (HotlineViewSet, DonationAppealViewSet)


register_snippet(SharedContentGroup)
