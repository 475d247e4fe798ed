"""The admin's dashboard, each agency's own: its page count, its pages in review, and its
stories whose consent ends soon. (Its help resources due for re-verification have their own
panel: sites.help.verification_report.)

Every count and list is taken from the agency's side of the wall (`visible_pages`); network
administrators see the whole network's.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField
from django.db.models.functions import Cast

from wagtail.admin.site_summary import PagesSummaryItem
from wagtail.admin.ui.components import Component
from wagtail.models import Page, WorkflowState

from sites.agencies.tenancy import is_network_admin, sites_for
from sites.agencies.walls import visible_pages
from sites.content.pages import NewsStoryPage
from sites.privacy.consent import ENDING_SOON_DAYS, ending_soon

LISTED = 10  # rows a panel lists; its heading counts them all


class AgencyPagesSummaryItem(PagesSummaryItem):
    """Wagtail's "N Pages" counts the tree under the deepest page common to every page the
    user may explore. An agency published in two languages has two trees, whose common
    ancestor is Wagtail's root: the count was the whole network's. Here it is the agency's
    own pages, in every language, linked to its site's home page."""

    def get_context_data(self, parent_context):
        user = self.request.user
        sites = list(sites_for(user).select_related("root_page")[:2])
        if is_network_admin(user) or len(sites) != 1:
            return super().get_context_data(parent_context)
        return {
            "root_page": sites[0].root_page,
            "total_pages": visible_pages(user).count(),
            "site_name": sites[0].site_name,
        }


def count_own_pages(request, summary_items) -> None:
    """construct_homepage_summary_items: the agency's page count in place of Wagtail's."""
    summary_items[:] = [
        AgencyPagesSummaryItem(request) if type(item) is PagesSummaryItem else item
        for item in summary_items
    ]


class AgencyPanel(Component):
    """A dashboard panel listing some of the agency's pages; shows nothing when there are none."""

    def __init__(self, user):
        self.user = user

    def rows(self):
        raise NotImplementedError

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        rows = self.rows()
        context.update(count=rows.count(), rows=rows[:LISTED], listed=LISTED)
        return context


class AwaitingReviewPanel(AgencyPanel):
    """The agency's pages in review, whoever submitted them: Wagtail's own panels show an
    editor only their own, and a moderator only the tasks waiting for them."""

    name = "lantern_awaiting_review"
    template_name = "sites/admin/awaiting_review_panel.html"
    order = 205  # above Wagtail's "Your pages and snippets in a workflow" (210)

    def rows(self):
        # Workflow states name their object by a text id (a generic relation).
        page_ids = visible_pages(self.user).annotate(key=Cast("pk", CharField())).values("key")
        return (
            WorkflowState.objects.filter(
                status=WorkflowState.STATUS_IN_PROGRESS,
                base_content_type=ContentType.objects.get_for_model(Page),
                object_id__in=page_ids,
            )
            .select_related("current_task_state__task", "requested_by")
            .prefetch_related("content_object")
            .order_by("created_at", "pk")
        )


class ConsentEndingPanel(AgencyPanel):
    """The agency's live stories whose survivor's consent ends within ENDING_SOON_DAYS: they
    come down that day unless consent is given again (sites.privacy.consent)."""

    name = "lantern_consent_ending"
    template_name = "sites/admin/consent_ending_panel.html"
    order = 206

    def rows(self):
        own = NewsStoryPage.objects.filter(pk__in=visible_pages(self.user).values("pk"))
        return ending_soon(own)

    def get_context_data(self, parent_context):
        return super().get_context_data(parent_context) | {"days": ENDING_SOON_DAYS}


def add_panels(request, panels) -> None:
    """construct_homepage_panels: the agency's pages in review and its consents ending."""
    panels.extend([AwaitingReviewPanel(request.user), ConsentEndingPanel(request.user)])
