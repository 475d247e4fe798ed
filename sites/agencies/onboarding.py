"""Setting up a new agency site on the shared install, in one transaction or not at all.

A site with its home page and branding; a media collection; the agency's Editors and
Moderators groups, whose permissions stop at the agency's own tree, collection, snippets and
settings; and the review workflow on its tree.
"""

import re

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction

from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    GroupSitePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from sites.agencies.tenancy import NETWORK_ADMINS, Agency
from sites.content.branding import SiteBranding
from sites.content.pages import HomePage
from sites.help.pages import FindHelpPage
from sites.privacy.workflow import PrivacyScreenTask

ADMIN_ACCESS = ["wagtailadmin.access_admin"]
# Editors write and submit for review; moderators also publish, lock and delete.
PAGE_PERMISSIONS = {
    "editors": ["add_page", "change_page"],
    "moderators": [
        "add_page",
        "change_page",
        "publish_page",
        "lock_page",
        "unlock_page",
        "bulk_delete_page",
    ],
}
# Wagtail counts deleting an image or document as changing it, so whoever may edit the
# agency's media may delete it too; the delete permissions below only mark the intent.
COLLECTION_PERMISSIONS = {
    "editors": [
        "wagtailimages.add_image", "wagtailimages.change_image", "wagtailimages.choose_image",
        "wagtaildocs.add_document", "wagtaildocs.change_document", "wagtaildocs.choose_document",
    ],
    "moderators": [
        "wagtailimages.add_image", "wagtailimages.change_image", "wagtailimages.choose_image",
        "wagtailimages.delete_image", "wagtaildocs.add_document", "wagtaildocs.change_document",
        "wagtaildocs.choose_document", "wagtaildocs.delete_document",
    ],
}  # fmt: skip
# Model-wide in Wagtail; narrowed to the agency's own snippets by agencies.permissions.
HELP_DIRECTORY_PERMISSIONS = {
    "editors": [
        "lantern_help.add_helpresource", "lantern_help.change_helpresource",
        "lantern_help.view_helpresource",
    ],
    "moderators": [
        "lantern_help.add_helpresource", "lantern_help.change_helpresource",
        "lantern_help.view_helpresource", "lantern_help.delete_helpresource",
    ],
}  # fmt: skip
SNIPPET_PERMISSIONS = {
    "editors": [
        "blocks.add_hotline", "blocks.change_hotline", "blocks.view_hotline",
        "blocks.add_donationappeal", "blocks.change_donationappeal", "blocks.view_donationappeal",
        *HELP_DIRECTORY_PERMISSIONS["editors"],
    ],
    "moderators": [
        "blocks.add_hotline", "blocks.change_hotline", "blocks.view_hotline", "blocks.delete_hotline",
        "blocks.add_donationappeal", "blocks.change_donationappeal", "blocks.view_donationappeal",
        "blocks.delete_donationappeal",
        *HELP_DIRECTORY_PERMISSIONS["moderators"],
    ],
}  # fmt: skip
# Granted for this site only (GroupSitePermission, Wagtail 7.1+).
SITE_PERMISSIONS = {
    "editors": [],
    "moderators": ["agency_sites.change_sitebranding", "lantern_giving.change_givingsettings"],
}
# Everyone issues and revokes their own management API tokens (agencies.tokens), and
# translates their agency's pages and snippets (checked per object: sites.translation).
TOKEN_PERMISSIONS = [
    "wagtailcore.add_apitoken", "wagtailcore.change_apitoken", "wagtailcore.delete_apitoken",
]  # fmt: skip
TRANSLATION_PERMISSIONS = ["wagtail_localize.submit_translation"]
# Model-wide in Django; narrowed to the agency's own people (agencies.people) and site (agencies.redirects).
MANAGEMENT_PERMISSIONS = {
    "editors": [],
    "moderators": [
        "auth.add_user", "auth.change_user", "auth.view_user",
        "wagtailredirects.add_redirect", "wagtailredirects.change_redirect", "wagtailredirects.delete_redirect",
    ],
}  # fmt: skip

# A host name as DNS allows it: dot-separated labels of letters, digits and inner hyphens.
HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)


HOME_WORDS = ("tagline", "donate_label", "footer_text", "safety_message")


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
    locale: str | None = None,
    **branding,
) -> Site:
    """Create a site with its home page, branding and media collection, or nothing at all.

    `branding` takes SiteBranding fields (primary_colour, accent_colour, ...), validated like
    the admin form validates them, so a bad colour pair is refused; and the words every page
    shows (tagline, donate_label, footer_text), which go on the home page.
    """
    name = (name or "").strip()
    if not name:
        raise ValidationError("An agency site needs a name.")
    hostname = validate_hostname(hostname)
    if Site.objects.filter(hostname=hostname, port=port).exists():
        raise SiteExists(f"A site already answers on {hostname}:{port}; nothing was changed.")

    words = {key: branding.pop(key) for key in HOME_WORDS if key in branding}
    home = HomePage(title=name, hero_heading=hero_heading or name, show_in_menus=False, **words)
    if locale:
        home.locale = find_locale(locale)
    Page.get_first_root_node().add_child(instance=home)
    home.save_revision().publish()
    # Every site can send a reader to help near them from its first day.
    find_help = home.add_child(
        instance=FindHelpPage(**FIND_HELP_PAGE, show_in_menus=True, locale=home.locale)
    )
    find_help.save_revision().publish()

    if is_default:
        Site.objects.filter(is_default_site=True).update(is_default_site=False)
    site = Site.objects.create(
        hostname=hostname, port=port, root_page=home, site_name=name, is_default_site=is_default
    )
    settings = SiteBranding(site=site, display_name=name, **branding)
    settings.full_clean()
    settings.save()
    collection = Collection.get_first_root_node().add_child(name=name)
    editors = Group.objects.create(name=f"{name} Editors")
    moderators = Group.objects.create(name=f"{name} Moderators")
    for role, group in (("editors", editors), ("moderators", moderators)):
        group.permissions.set(
            permissions(
                ADMIN_ACCESS
                + SNIPPET_PERMISSIONS[role]
                + MANAGEMENT_PERMISSIONS[role]
                + TOKEN_PERMISSIONS
                + TRANSLATION_PERMISSIONS
            )
        )
        for permission in permissions(
            f"wagtailcore.{codename}" for codename in PAGE_PERMISSIONS[role]
        ):
            GroupPagePermission.objects.create(group=group, page=home, permission=permission)
        for permission in permissions(COLLECTION_PERMISSIONS[role]):
            GroupCollectionPermission.objects.create(
                group=group, collection=collection, permission=permission
            )
        for permission in permissions(SITE_PERMISSIONS[role]):
            GroupSitePermission.objects.create(group=group, site=site, permission=permission)
    workflow = create_review_workflow(name, moderators, home)
    Agency.objects.create(
        site=site, editors=editors, moderators=moderators, collection=collection, workflow=workflow
    )
    ensure_network_admins()
    return site


# A new site's find-help page; the agency may reword it like any page.
FIND_HELP_PAGE = {
    "title": "Find help near you",
    "slug": "find-help",
    "intro": "Enter your ZIP code or choose your state to see services near you. "
    "The national hotlines below answer any time, wherever you are.",
}


def find_locale(language_code: str) -> Locale:
    try:
        return Locale.objects.get(language_code=language_code)
    except Locale.DoesNotExist:
        offered = ", ".join(Locale.objects.values_list("language_code", flat=True))
        raise ValidationError(
            f"This install has no language '{language_code}'; it offers: {offered}."
        ) from None


def create_review_workflow(name: str, moderators: Group, home: Page) -> Workflow:
    """Editors submit; the privacy screen reads the draft (holding it for the moderators when
    it finds something); then the agency's moderators approve or ask for changes."""
    workflow = Workflow.objects.create(name=f"{name} review")
    screen = PrivacyScreenTask.objects.create(name=f"{name} privacy screen")
    screen.groups.set([moderators])
    task = GroupApprovalTask.objects.create(name=f"{name} moderators approve")
    task.groups.set([moderators])
    WorkflowTask.objects.create(workflow=workflow, task=screen, sort_order=0)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=1)
    WorkflowPage.objects.create(workflow=workflow, page=home)
    return workflow


def permissions(names) -> list[Permission]:
    """Permission objects for 'app_label.codename' names; a name that does not exist is an error."""
    names = list(names)
    found = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type").filter(
            codename__in=[name.split(".", 1)[1] for name in names]
        )
    }
    missing = [name for name in names if name not in found]
    if missing:
        raise LookupError(f"Unknown permissions: {', '.join(missing)}")
    return [found[name] for name in names]


def ensure_network_admins() -> Group:
    """The Network administrators group: everything, on every site, without being superusers."""
    group, created = Group.objects.get_or_create(name=NETWORK_ADMINS)
    if created:
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=[
                    "blocks",
                    "agency_sites",
                    "lantern_help",
                    "lantern_privacy",
                    "lantern_api",
                    "lantern_caching",
                    "lantern_giving",
                    "wagtailredirects",
                    "wagtailsearchpromotions",
                    "wagtailforms",
                    "wagtail_localize",
                ]
            ).exclude(content_type__model__in=["agency"])
            # Sites, workflows and their tasks, languages, API tokens: the network's own settings.
            | Permission.objects.filter(
                content_type__app_label="wagtailcore",
                content_type__model__in=["site", "workflow", "task", "locale", "apitoken"],
            )
            | Permission.objects.filter(
                codename__in=[
                    "access_admin",
                    "add_user",
                    "change_user",
                    "delete_user",
                    "add_group",
                    "change_group",
                    "delete_group",
                ]
            )
        )
        root_page = Page.get_first_root_node()
        for permission in permissions(f"wagtailcore.{c}" for c in PAGE_PERMISSIONS["moderators"]):
            GroupPagePermission.objects.create(group=group, page=root_page, permission=permission)
        root_collection = Collection.get_first_root_node()
        for permission in permissions(
            COLLECTION_PERMISSIONS["moderators"]
            + [
                "wagtailcore.add_collection",
                "wagtailcore.change_collection",
                "wagtailcore.delete_collection",
            ]
        ):
            GroupCollectionPermission.objects.create(
                group=group, collection=root_collection, permission=permission
            )
    return group
