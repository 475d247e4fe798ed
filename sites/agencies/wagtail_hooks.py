"""Admin hooks that keep each agency inside its own site, and give it its own dashboard."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from wagtail import hooks
from wagtail.contrib.redirects.models import Redirect
from wagtail.permissions import register_permission_policy

from sites.agencies import dashboard
from sites.agencies.people import AgencyUserPermissionPolicy
from sites.agencies.redirects import AgencyRedirectPermissionPolicy
from sites.agencies.references import shared_stories
from sites.agencies.tenancy import is_network_admin
from sites.agencies.tokens import TokenViewSet
from sites.agencies.walls import own_tree_q


@hooks.register("construct_page_chooser_queryset")
def choose_only_own_pages(pages, request):
    """Choosers offer the agency's own pages, and the stories partners share with the network."""
    if is_network_admin(request.user):
        return pages
    # Plain id and path filters: the chooser's search runs this through the search backend,
    # which can only filter on Page's own indexed fields.
    shared = shared_stories().values_list("id", flat=True)
    return pages.filter(own_tree_q(request.user) | Q(id__in=list(shared)))


# Replace the model-wide policies wagtail.users and wagtail.contrib.redirects register.
register_permission_policy(get_user_model(), AgencyUserPermissionPolicy(get_user_model()))
register_permission_policy(Redirect, AgencyRedirectPermissionPolicy(Redirect))


@hooks.register("register_admin_viewset")
def register_token_admin():
    """Settings → API tokens, with owners narrowed to the people one may act for (agencies.tokens)."""
    return TokenViewSet("wagtailusers_api_tokens", url_prefix="api-tokens")


# The dashboard's page count, its pages in review and consents ending: the agency's own.
# After Wagtail's own hook (order 0), which adds the network-wide count.
hooks.register("construct_homepage_summary_items", dashboard.count_own_pages, order=1)
hooks.register("construct_homepage_panels", dashboard.add_panels)
