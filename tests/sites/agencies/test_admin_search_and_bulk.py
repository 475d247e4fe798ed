"""The admin's page search and bulk actions stay inside the agency's own tree."""

import pytest

from django.urls import reverse

from wagtail.models import Page, Site

from sites.content.pages import NewsStoryPage
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def stories(hostname):
    return NewsStoryPage.objects.live().descendant_of(Site.objects.get(hostname=hostname).root_page)


def test_page_search_finds_own_pages_only(editor_a):
    own = stories("harbor.localhost").first()
    other = stories("ridge.localhost").first()
    client = logged_in(editor_a)

    own_hits = client.get(
        reverse("wagtailadmin_pages:search"), {"q": own.title.split()[0]}
    ).content.decode()
    other_hits = client.get(
        reverse("wagtailadmin_pages:search"), {"q": other.title.split()[0]}
    ).content.decode()

    assert reverse("wagtailadmin_pages:edit", args=[own.pk]) in own_hits
    assert reverse("wagtailadmin_pages:edit", args=[other.pk]) not in other_hits


def test_bulk_unpublish_and_delete_refuse_another_agencys_pages(moderator_a):
    other = list(stories("ridge.localhost")[:2])
    client = logged_in(moderator_a)
    ids = {"id": [page.pk for page in other]}

    for action in ("unpublish", "delete"):
        url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", action])
        client.post(f"{url}?id={other[0].pk}&id={other[1].pk}", ids | {"include_descendants": ""})

    for page in other:
        assert Page.objects.get(pk=page.pk).live


def test_bulk_unpublish_works_on_own_pages(moderator_a):
    own = list(stories("harbor.localhost")[:2])
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "unpublish"])

    logged_in(moderator_a).post(f"{url}?id={own[0].pk}&id={own[1].pk}", {"include_descendants": ""})

    assert not any(Page.objects.get(pk=page.pk).live for page in own)
