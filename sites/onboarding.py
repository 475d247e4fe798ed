"""Setting up a new agency site on the shared install: site, home page, branding, collection."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction

from wagtail.models import Collection, Page, Site

from .branding import SiteBranding
from .pages import HomePage

# A host name as DNS allows it: dot-separated labels of letters, digits and inner hyphens.
HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)


class SiteExists(Exception):
    """The host name is already served by a site; nothing was changed."""


def validate_hostname(hostname: str) -> str:
    hostname = (hostname or "").strip().lower()
    if not HOSTNAME.match(hostname):
        raise ValidationError(
            f"'{hostname}' is not a host name: use letters, digits, hyphens and dots, "
            "e.g. harbor.example.org (no http://, no path, no port)."
        )
    return hostname


@transaction.atomic
def create_agency_site(
    *,
    name: str,
    hostname: str,
    port: int = 80,
    is_default: bool = False,
    hero_heading: str = "",
    **branding,
) -> Site:
    """Create a site with its home page, branding and media collection, or nothing at all.

    `branding` takes SiteBranding fields (primary_colour, accent_colour, tagline, ...);
    they are validated like the admin form validates them, so a bad colour pair is refused.
    """
    name = (name or "").strip()
    if not name:
        raise ValidationError("An agency site needs a name.")
    hostname = validate_hostname(hostname)
    if Site.objects.filter(hostname=hostname, port=port).exists():
        raise SiteExists(f"A site already answers on {hostname}:{port}; nothing was changed.")

    home = HomePage(title=name, hero_heading=hero_heading or name, show_in_menus=False)
    Page.get_first_root_node().add_child(instance=home)
    home.save_revision().publish()

    if is_default:
        Site.objects.filter(is_default_site=True).update(is_default_site=False)
    site = Site.objects.create(
        hostname=hostname, port=port, root_page=home, site_name=name, is_default_site=is_default
    )
    settings = SiteBranding(site=site, display_name=name, **branding)
    settings.full_clean()
    settings.save()
    Collection.get_first_root_node().add_child(name=name)
    return site
