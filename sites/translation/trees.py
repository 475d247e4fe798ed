"""A site in another language: its home page translated, and the agency's rights extended to it.

wagtail-localize puts a translated home page beside the original, under the tree's root, so
the permissions and review workflow an agency has on its home page do not reach it. Whenever
an agency's home page gains a translation, the translation gets the same group permissions
and the same workflow: editors translate and submit, moderators review and publish.
"""

from django.db import transaction

from wagtail.models import GroupPagePermission, Locale, Page, Site, WorkflowPage
from wagtail_localize.operations import translate_object

from sites.agencies.onboarding import find_locale
from sites.agencies.tenancy import Agency
from sites.content.branding import SiteBranding


def agency_for_home(page: Page) -> Agency | None:
    """The agency whose home page `page` is a translation of, if any."""
    if page.depth != 2:
        return None
    return (
        Agency.objects.filter(site__root_page__translation_key=page.translation_key)
        .select_related("site__root_page", "workflow")
        .first()
    )


def extend_agency_rights(sender, instance, created, raw=False, **kwargs):
    """post_save on HomePage: a new translation of an agency's home page gets its rights."""
    if raw or not created:
        return
    agency = agency_for_home(instance)
    if agency is None or agency.site.root_page_id == instance.pk:
        return
    source = agency.site.root_page
    for grant in GroupPagePermission.objects.filter(page=source):
        GroupPagePermission.objects.get_or_create(
            group_id=grant.group_id, page=instance, permission_id=grant.permission_id
        )
    WorkflowPage.objects.get_or_create(page=instance, defaults={"workflow": agency.workflow})


@transaction.atomic
def add_site_language(site: Site, language_code: str, user=None) -> Page:
    """Publish `site` in another language: its home page translated (as a draft, for the
    agency to translate and its moderators to publish) and the language in its branding."""
    locale: Locale = find_locale(language_code)
    home = site.root_page.specific
    translation = home.get_translation_or_none(locale)
    if translation is None:
        translate_object(home, [locale], user=user)
        translation = home.get_translation(locale)
    branding = SiteBranding.for_site(site)
    if language_code not in branding.language_codes:
        branding.languages = ",".join([*branding.language_codes[1:], language_code])
        branding.save(update_fields=["languages"])
    return translation
