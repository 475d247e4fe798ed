"""The help directory in the admin: its own menu item, each agency's resources walled off."""

from wagtail.snippets.models import register_snippet

from sites.help.admin import HelpResourceViewSet, OrganizationViewSet

register_snippet(HelpResourceViewSet)
register_snippet(OrganizationViewSet)
