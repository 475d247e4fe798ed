"""What every reader page needs to know about its site: branding, help lines, navigation.

Evaluated lazily: the admin renders templates through the same processors and must pay nothing.
"""

from django.db.models import Q
from django.utils.functional import cached_property

from wagtail.models import Site

from blocks.hotline import Hotline

from .branding import SiteBranding


class SiteContext:
    def __init__(self, request):
        self.request = request

    @cached_property
    def site(self):
        return Site.find_for_request(self.request)

    @cached_property
    def branding(self):
        return SiteBranding.for_site(self.site) if self.site else SiteBranding()

    @cached_property
    def help_hotlines(self):
        """The site's primary hotline, then the national line(s) every page shows: one query."""
        primary_id = self.branding.primary_hotline_id
        hotlines = Hotline.objects.filter(
            Q(pinned=True, owner__isnull=True) | Q(pk=primary_id)
        ).order_by("name")
        return sorted(hotlines, key=lambda hotline: hotline.pk != primary_id)

    @cached_property
    def navigation(self):
        """The home page's children shown in menus, marking the section the reader is in."""
        if not self.site:
            return []
        items = []
        for page in self.site.root_page.get_children().live().public().in_menu():
            url = page.get_url(self.request)
            items.append(
                {"title": page.title, "url": url, "current": self.request.path.startswith(url)}
            )
        return items


def site_context(request):
    return {"lantern": SiteContext(request)}
