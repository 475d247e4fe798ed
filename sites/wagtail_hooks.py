"""Admin hooks that keep each agency inside its own site."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from wagtail import hooks
from wagtail.contrib.redirects.models import Redirect
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .agencies.people import AgencyUserPermissionPolicy
from .agencies.redirects import AgencyRedirectPermissionPolicy
from .agencies.references import shared_stories
from .agencies.tenancy import is_network_admin
from .agencies.tokens import TokenViewSet
from .agencies.walls import own_tree_q
from .caching.middleware import mark_cacheable
from .help.admin import HelpResourceViewSet
from .languages import refuse_other_languages
from .translation import report
from .translation.review import submit_button
from .visibility import refuse_expired


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


# Readers get a page only in its own language, on a site published in it (sites.languages).
hooks.register("before_serve_page", refuse_other_languages)
# …and not once it has expired, even before publish_scheduled unpublishes it (sites.visibility).
hooks.register("before_serve_page", refuse_expired)
# What Wagtail serves to readers may be kept in the page cache (sites.caching).
hooks.register("before_serve_page", mark_cacheable)

# "Submit translation for review" on translated pages (sites.translation.review).
hooks.register("register_page_header_buttons", submit_button)
hooks.register("register_page_listing_more_buttons", submit_button)

# Reports → Translations, and a warning on translations whose original has changed.
hooks.register("register_reports_menu_item", report.menu_item)
hooks.register("before_edit_page", report.warn_if_behind)

# The help directory (sites.help): its own menu item, each agency's resources walled off.
register_snippet(HelpResourceViewSet)

# The privacy review's warnings and log entries (sites.privacy).
from .privacy import hooks as privacy_hooks  # noqa: E402, F401

# isort: split
# Staff sign-in: its pages and the Account page link for two-step sign-in (sites.accounts).
from .accounts import hooks as accounts_hooks  # noqa: E402, F401

# Editors are warned when an uploaded document names its author (sites.privacy.documents).
from .privacy import documents  # noqa: E402, F401
