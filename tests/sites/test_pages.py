"""Each page type as a reader meets it: stories, articles, listings, appeals and the 404 page."""

import datetime

import pytest

from django.utils.html import escape

from wagtail.models import Site

from sites.content.pages import (
    AwarenessArticlePage,
    DonationAppealPage,
    NewsIndexPage,
    NewsStoryPage,
)
from tests.conftest import site_client

pytestmark = pytest.mark.django_db
DISCLAIMER = "Names and details that could identify the people in this story have been changed"


def harbor():
    return Site.objects.get(hostname="harbor.localhost")


def add_story(index, title, date, **fields):
    story = NewsStoryPage(
        title=title,
        date=date,
        summary=f"Summary of {title}",
        body=[{"type": "text", "value": f"<p>Body of {title}</p>"}],
        **fields,
    )
    index.add_child(instance=story)
    story.save_revision().publish()
    return story


def test_a_survivor_story_shows_that_names_were_changed():
    story = (
        NewsStoryPage.objects.descendant_of(harbor().root_page).filter(names_changed=True).first()
    )
    html = site_client("harbor.localhost").get(story.get_url_parts()[2]).content.decode()
    assert DISCLAIMER in html
    assert story.get_kind_display() in html


def test_a_story_without_survivors_has_no_disclaimer():
    index = NewsIndexPage.objects.descendant_of(harbor().root_page).get()
    story = add_story(index, "Volunteer evening", datetime.date(2026, 10, 1), names_changed=False)
    html = site_client("harbor.localhost").get(story.get_url_parts()[2]).content.decode()
    assert DISCLAIMER not in html
    assert "Body of Volunteer evening" in html


def test_listing_is_newest_first_by_story_date_and_paginated():
    index = NewsIndexPage.objects.descendant_of(harbor().root_page).get()
    NewsStoryPage.objects.descendant_of(index).delete()
    for day in range(1, 15):
        add_story(index, f"Update number {day:02d}", datetime.date(2026, 1, day))
    client = site_client("harbor.localhost")

    first = client.get(index.get_url_parts()[2]).content.decode()
    second = client.get(index.get_url_parts()[2], {"page": 2}).content.decode()

    assert first.index("Update number 14") < first.index("Update number 03")
    assert "Update number 02" not in first
    assert "Update number 02" in second and "Update number 01" in second
    assert "Page 2 of 2" in second
    # A page number past the end shows the last page rather than an error.
    assert client.get(index.get_url_parts()[2], {"page": 99}).status_code == 200


def test_listing_filters_by_tag():
    index = NewsIndexPage.objects.descendant_of(harbor().root_page).get()
    tagged = add_story(index, "Tagged story", datetime.date(2026, 11, 1))
    tagged.tags.add("outreach")
    tagged.save_revision().publish()
    add_story(index, "Untagged story", datetime.date(2026, 11, 2))

    html = (
        site_client("harbor.localhost")
        .get(index.get_url_parts()[2], {"tag": "outreach"})
        .content.decode()
    )

    assert "Tagged story" in html
    assert "Untagged story" not in html


def test_a_story_shows_its_tags_and_a_preview_the_tags_being_edited():
    index = NewsIndexPage.objects.descendant_of(harbor().root_page).get()
    story = add_story(index, "Tagged story", datetime.date(2026, 11, 1))
    story.tags.add("outreach", "shelters")
    story.save_revision().publish()
    stories = index.get_url_parts()[2]
    live = site_client("harbor.localhost").get(story.get_url_parts()[2]).content.decode()
    assert f'<a href="{stories}?tag=outreach">outreach</a>' in live
    assert live.index("?tag=outreach") < live.index("?tag=shelters"), "in the order added"

    draft = NewsStoryPage.objects.get(pk=story.pk)
    draft.tags.set(["night outreach"])  # in the editor's form, not saved
    previewed = draft.make_preview_request().content.decode()
    assert "?tag=night-outreach" in previewed and "?tag=shelters" not in previewed
    live = site_client("harbor.localhost").get(story.get_url_parts()[2]).content.decode()
    assert "?tag=shelters" in live and "night-outreach" not in live


def test_a_storys_tags_show_in_the_order_added_whatever_their_names():
    """Routing brings a story's tags with it (one query fewer), as JSON from the database:
    names with quotes and accents come through, in the order they were added."""
    index = NewsIndexPage.objects.descendant_of(harbor().root_page).get()
    story = add_story(index, "Tagged story", datetime.date(2026, 11, 1))
    for name in ("shelters", 'Día "uno" & más', "advocacy"):
        story.tags.add(name)
        story.save_revision().publish()
    html = site_client("harbor.localhost").get(story.get_url_parts()[2]).content.decode()
    shown = [
        html.index(f">{escape(name)}</a>") for name in ("shelters", 'Día "uno" & más', "advocacy")
    ]
    assert shown == sorted(shown)


def test_drafts_and_private_stories_are_not_listed_or_served():
    index = NewsIndexPage.objects.descendant_of(harbor().root_page).get()
    draft = NewsStoryPage(
        title="Draft rescue update",
        date=datetime.date(2026, 11, 20),
        summary="Not yet",
        body=[{"type": "text", "value": "<p>x</p>"}],
        live=False,
    )
    index.add_child(instance=draft)
    draft.save_revision()
    client = site_client("harbor.localhost")

    assert "Draft rescue update" not in client.get(index.get_url_parts()[2]).content.decode()
    assert "Draft rescue update" not in client.get("/en/").content.decode()
    assert client.get(draft.get_url_parts()[2]).status_code == 404


def test_awareness_article_shows_reading_time_and_further_resources():
    article = (
        AwarenessArticlePage.objects.live()
        .descendant_of(Site.objects.get(hostname="passage.localhost").root_page)
        .first()
    )
    html = site_client("passage.localhost").get(article.get_url_parts()[2]).content.decode()
    assert f"{article.reading_minutes} min read" in html
    assert article.reading_minutes >= 1
    if article.further_resources:
        assert "Further resources" in html


def test_reading_time_follows_the_length_of_the_body():
    index = NewsIndexPage.objects.descendant_of(harbor().root_page).get()
    words = " ".join(["word"] * 1000)
    article = AwarenessArticlePage(
        title="Long read",
        date=datetime.date(2026, 5, 1),
        summary="Long",
        body=[{"type": "text", "value": f"<p>{words}</p>"}],
    )
    index.add_child(instance=article)
    assert article.reading_minutes == 5


def test_donation_appeal_page_shows_progress_and_donate_button():
    page = DonationAppealPage.objects.live().descendant_of(harbor().root_page).get()
    appeal = page.appeal
    html = site_client("harbor.localhost").get(page.get_url_parts()[2]).content.decode()
    assert appeal.headline in html
    assert f'<progress class="progress" max="100" value="{appeal.percent}"' in html
    assert f'<form class="gift" method="get" action="/en/give/{appeal.pk}/">' in html
    assert '<button type="submit" class="button">Donate</button>' in html


def test_unknown_path_gets_a_404_page_that_still_offers_help():
    response = site_client("pines.localhost").get("/no-such-page/", follow=True)
    assert response.redirect_chain == [("/en/no-such-page/", 302)]
    assert response.status_code == 404
    html = response.content.decode()
    assert 'href="tel:+18883737888"' in html
    assert "Northern Pines Ministry" in html


def test_unknown_host_falls_back_to_the_network_home():
    response = site_client("unknown.localhost").get("/en/")
    assert response.status_code == 200
    assert "Lantern Network" in response.content.decode()
