"""Reports, filters and explorers show an agency its own rows and people, never a partner's.

Each test asks as agency A's staff (Harbor) and, as the control that proves the test can fail,
as a network administrator, who must see agency B's (Pines) row or person in the same answer.
The generated probe of every admin route is tests/sites/agencies/test_walls.py.
"""

import pytest

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Locale, Page, Site

from blocks.hotline import Hotline
from sites.content.pages import NewsIndexPage, NewsStoryPage
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db

MARKER = "Quillmarrow"  # in agency B's draft's title: found only where B's rows leak


def root(hostname):
    return Site.objects.get(hostname=hostname).root_page


@pytest.fixture
def b_draft(moderator_b):
    """A draft story at agency B, the newest page edited anywhere, locked by B's moderator."""
    index = NewsIndexPage.objects.child_of(root("pines.localhost")).get()
    story = index.add_child(
        instance=NewsStoryPage(
            title=f"{MARKER} draft", slug="quillmarrow", summary="A draft.", live=False
        )
    )
    story.save_revision(user=moderator_b)
    Page.objects.filter(pk=story.pk).update(
        locked=True, locked_by=moderator_b, locked_at=timezone.now()
    )
    return story


def counts(response) -> dict[str, int]:
    return {row.model: row.count for row in response.context["object_list"]}


def own_count(model_name, hostname="harbor.localhost") -> int:
    paths = [p.path for p in root(hostname).get_translations(inclusive=True)]
    return sum(
        Page.objects.filter(path__startswith=path, content_type__model=model_name).count()
        for path in paths
    )


def test_page_types_usage_counts_the_agencys_own_pages(b_draft, moderator_a, network_admin):
    url = reverse("wagtailadmin_reports:page_types_usage")
    own = logged_in(moderator_a).get(url)
    assert own.status_code == 200
    assert MARKER not in own.content.decode()
    assert counts(own)["newsstorypage"] == own_count("newsstorypage")

    everyone = logged_in(network_admin).get(url)
    assert MARKER in everyone.content.decode()
    assert counts(everyone)["newsstorypage"] == NewsStoryPage.objects.count()


def test_report_filters_offer_only_the_agencys_people(
    b_draft, moderator_a, moderator_b, network_admin
):
    url = reverse("wagtailadmin_reports:locked_pages")
    own = logged_in(moderator_a).get(url).content.decode()
    assert "moderator_b" not in own
    assert "moderator_b" in logged_in(network_admin).get(url).content.decode()

    # Naming B's moderator in the query string is an invalid choice, not a filter by them.
    crafted = logged_in(moderator_a).get(url, {"locked_by": moderator_b.pk})
    assert crafted.status_code == 200
    assert "moderator_b" not in crafted.content.decode()
    assert MARKER not in crafted.content.decode()


def test_listings_filter_by_the_agencys_own_sites_and_groups(moderator_a, network_admin):
    for name in ("wagtailsnippets_blocks_hotline:list", "wagtailusers_users:index"):
        url = reverse(name)
        assert "Northern Pines Ministry" not in logged_in(moderator_a).get(url).content.decode()
        assert "Northern Pines Ministry" in logged_in(network_admin).get(url).content.decode()


def test_translations_report_lists_the_agencys_own_translations(moderator_a, network_admin):
    url = reverse("wagtail_localize:translations_report")
    own = logged_in(moderator_a).get(url).content.decode()
    assert "Harbor Light Alliance" in own
    assert "Northern Pines Ministry" not in own
    assert "Northern Pines Ministry" in logged_in(network_admin).get(url).content.decode()


def test_localize_snippet_api_lists_own_and_network_hotlines(editor_a):
    theirs = Hotline.objects.filter(owner__hostname="pines.localhost").first()
    assert theirs is not None
    client = logged_in(editor_a)
    listed = client.get(
        reverse("wagtail_localize:snippets_api_listing", args=["blocks", "hotline"])
    ).json()
    ids = {item["id"] for item in listed}
    assert theirs.pk not in ids
    usable = Hotline.objects.filter(Q(owner__hostname="harbor.localhost") | Q(owner=None))
    assert ids == set(usable.values_list("pk", flat=True))
    detail = reverse("wagtail_localize:snippets_api_detail", args=["blocks", "hotline", theirs.pk])
    assert client.get(detail).status_code == 404


def test_explorer_and_chooser_open_the_agencys_trees_only(b_draft, editor_a, network_admin):
    spanish = Page.objects.get(
        translation_key=root("harbor.localhost").translation_key,
        locale=Locale.objects.get(language_code="es"),
    )
    client = logged_in(editor_a)
    for name in ("wagtailadmin_explore", "wagtailadmin_choose_page_child"):
        for page in (b_draft, b_draft.get_parent()):
            response = client.get(reverse(name, args=[page.pk]))
            assert response.status_code == 404
            assert MARKER not in response.content.decode()
        # The agency's own Spanish tree is part of its explorable root.
        assert client.get(reverse(name, args=[spanish.pk])).status_code == 200
    assert (
        MARKER
        in logged_in(network_admin)
        .get(reverse("wagtailadmin_explore", args=[b_draft.get_parent().pk]))
        .content.decode()
    )
