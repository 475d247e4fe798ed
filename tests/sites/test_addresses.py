"""Page addresses are Wagtail's own, though each worker remembers them (sites.serving.addresses)."""

import pytest

from django.test import RequestFactory
from django.utils import translation

from wagtail.models import Page, Site

from sites.serving import addresses
from tests.conftest import site_client

pytestmark = pytest.mark.django_db


def wagtails(page, request=None):
    return Page.get_url_parts(page, request)


def test_every_page_has_the_address_wagtail_gives_it_in_every_language():
    request = RequestFactory().get("/", HTTP_HOST="harbor.localhost")
    pages = list(Page.objects.filter(depth__gt=1).specific())
    assert len(pages) > 30
    for language in ("en", "es", "en", "es"):  # worked out, then remembered
        with translation.override(language):
            for page in pages:
                assert page.get_url_parts(request) == wagtails(page, request), page.url_path
                assert page.get_url_parts() == wagtails(page), page.url_path
    assert addresses.kept


def test_a_site_given_a_new_host_name_gives_its_pages_new_addresses(change):
    site = Site.objects.get(hostname="harbor.localhost")
    story = Page.objects.descendant_of(site.root_page).filter(depth=4).specific().first()
    assert story.get_url_parts()[1] == "http://harbor.localhost"
    site.hostname = "haven.localhost"
    change(site.save)
    story = Page.objects.get(pk=story.pk).specific
    assert story.get_url_parts()[1] == "http://haven.localhost"
    assert story.get_url_parts() == wagtails(story)


def test_a_moved_page_is_linked_at_its_new_address(change):
    site = Site.objects.get(hostname="harbor.localhost")
    story = Page.objects.descendant_of(site.root_page).filter(depth=4).specific().first()
    old = story.get_url_parts()[2]
    story.slug = f"{story.slug}-moved"
    change(story.save_revision().publish)
    story = Page.objects.get(pk=story.pk).specific
    assert story.get_url_parts()[2] == old.replace(old.split("/")[-2], story.slug)
    assert site_client("harbor.localhost").get(story.get_url_parts()[2]).status_code == 200


def test_a_variant_of_the_pages_language_is_kept_in_its_address(settings):
    """Wagtail uses the reader's variant of a page's language (es-mx for es) in its address."""
    settings.LANGUAGES = [*settings.LANGUAGES, ("es-mx", "Español (México)")]
    spanish = Page.objects.filter(depth=2, locale__language_code="es").specific().first()
    with translation.override("es"):
        assert spanish.get_url_parts()[2].startswith("/es/")
    with translation.override("es-mx"):
        assert spanish.get_url_parts() == wagtails(spanish)
        assert spanish.get_url_parts()[2].startswith("/es-mx/")
