"""Sharing across sites: a partner shows a shared story from the time it chooses, linking to the original."""

import datetime
from html import unescape

import pytest

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Site

from sites.content.demo import publish as publish_demo
from sites.content.pages import NewsIndexPage, NewsStoryPage
from sites.content.sharing import SharedStory
from tests.conftest import committed, logged_in, site_client

pytestmark = pytest.mark.django_db


def index_of(hostname):
    return NewsIndexPage.objects.child_of(Site.objects.get(hostname=hostname).root_page).get()


def harbor_story():
    return NewsStoryPage.objects.descendant_of(index_of("harbor.localhost")).get(slug="mayas-story")


def pines_listing():
    return (
        site_client("pines.localhost")
        .get(index_of("pines.localhost").get_url_parts()[2])
        .content.decode()
    )


def share(story):
    story.share_with_network = True
    # As the demo loader publishes its stories: with an override where the privacy gate holds one.
    publish_demo(story.save_revision())
    return story


def test_a_shared_story_shows_on_the_partner_site_linking_to_the_original():
    story = share(harbor_story())
    SharedStory.objects.create(index=index_of("pines.localhost"), story=story)

    html = pines_listing()

    assert "From our partners" in html
    assert f'<a href="http://harbor.localhost/en/stories/{story.slug}/">' in html
    assert "From Harbor Light Alliance" in html
    # The partner site does not serve a copy: the story lives on its own site only.
    assert site_client("pines.localhost").get(f"/en/learn/{story.slug}/").status_code == 404


def test_a_placement_waits_for_its_start_and_ends_at_its_end():
    story = share(harbor_story())
    placement = SharedStory.objects.create(
        index=index_of("pines.localhost"),
        story=story,
        show_from=timezone.now() + datetime.timedelta(hours=1),
    )
    assert story.title not in pines_listing()

    placement.show_from = timezone.now() - datetime.timedelta(hours=2)
    placement.show_until = timezone.now() - datetime.timedelta(hours=1)
    with committed():
        placement.save()
    assert story.title not in pines_listing()

    placement.show_until = None
    with committed():
        placement.save()
    assert "From Harbor Light Alliance" in pines_listing()


def test_unpublishing_or_unsharing_the_original_removes_it_everywhere():
    story = share(harbor_story())
    SharedStory.objects.create(index=index_of("pines.localhost"), story=story)
    assert "From Harbor Light Alliance" in pines_listing()

    with committed():
        story.unpublish()
    assert "From Harbor Light Alliance" not in pines_listing()

    with committed():
        story.save_revision().publish()
    assert "From Harbor Light Alliance" in pines_listing()
    story.share_with_network = False
    with committed():
        story.save_revision().publish()
    assert "From Harbor Light Alliance" not in pines_listing()


def test_a_draft_of_the_original_never_reaches_the_partner():
    story = share(harbor_story())
    SharedStory.objects.create(index=index_of("pines.localhost"), story=story)
    story.title = "Draft title not yet reviewed"
    story.save_revision()  # saved, not published

    html = pines_listing()
    assert "Draft title not yet reviewed" not in html
    assert "From Harbor Light Alliance" in html


def test_only_shared_stories_of_other_sites_can_be_placed():
    story = harbor_story()
    with pytest.raises(ValidationError) as error:
        SharedStory(index=index_of("pines.localhost"), story=story).full_clean()
    assert error.value.message_dict["story"] == [
        "This story is not shared with the network: its agency has to share it first."
    ]
    share(story)
    with pytest.raises(ValidationError) as error:
        SharedStory(index=index_of("harbor.localhost"), story=story).full_clean()
    assert error.value.message_dict["story"] == [
        "This story is already on this site: list it here as your own."
    ]


def test_partner_editors_can_choose_shared_stories_but_not_unshared_ones(editor_b):
    shared = share(harbor_story())
    unshared = (
        NewsStoryPage.objects.descendant_of(index_of("harbor.localhost"))
        .exclude(pk=shared.pk)
        .filter(share_with_network=False)
        .first()
    )
    client = logged_in(editor_b)

    # The partner's tree is beyond the wall: the chooser does not browse into it...
    browse = client.get(
        reverse("wagtailadmin_choose_page_child", args=[index_of("harbor.localhost").pk]),
        {"page_type": "agency_sites.newsstorypage"},
    )
    assert browse.status_code == 404
    # ...but its search finds the stories the partner shares, and only those.
    search = client.get(
        reverse("wagtailadmin_choose_page_search"),
        {"q": "story", "page_type": "agency_sites.newsstorypage"},
    ).content.decode()
    assert shared.title in unescape(search)
    assert unshared.title not in unescape(search)


def test_partner_stories_cost_the_same_queries_however_many():
    from tests.sites.test_query_budgets import queries_for

    index = index_of("pines.localhost")
    shared = [
        share(story) for story in NewsStoryPage.objects.descendant_of(index_of("harbor.localhost"))
    ]
    client = site_client("pines.localhost")
    path = index.get_url_parts()[2]

    SharedStory.objects.create(index=index, story=shared[0])
    one = queries_for(client, path)
    for story in shared[1:]:
        SharedStory.objects.create(index=index, story=story)
    many = queries_for(client, path)

    assert len(shared) >= 3
    assert many == one
