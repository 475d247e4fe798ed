"""References are walled too: pages named in blocks, in the admin and on readers' pages.

An editor may name, in a related-stories block, a call to action or a link in rich text, a page
of their own agency's site (any language, any state) or a story a partner shares with the
network and has published; the admin's page form refuses anything else, with the error on the
chooser that holds it. Readers are led only to live, public, unexpired pages of the same site
or to shared stories: a chosen page that stops being one disappears from the page, link and
title both.

Alongside: tests/sites/api/test_references_api.py (the management API refuses the same; the
public API shows the same as readers' pages).
"""

import datetime
import time

import pytest

from django.urls import reverse
from django.utils import timezone

from wagtail.blocks.base import get_error_json_data
from wagtail.models import Locale, PageViewRestriction, Revision, Site
from wagtail.test.utils.form_data import rich_text

from sites.content.pages import NewsIndexPage, NewsStoryPage, StandardPage
from tests.conftest import committed, logged_in, site_client
from tests.sites.agencies.test_permission_matrix import edit_story_form

pytestmark = pytest.mark.django_db

HARBOR = "harbor.localhost"
PINES = "pines.localhost"
FOREIGN = (
    "Page {pk} belongs to another agency and is not shared with the network: choose one of "
    "your agency's pages or a story a partner shares."
)
SHARED_DRAFT = (
    "Page {pk} is a story another agency shares with the network, but it is not published: "
    "choose it once it is live."
)


def news_index(hostname=HARBOR, language="en") -> NewsIndexPage:
    root = Site.objects.get(hostname=hostname).root_page
    home = root.get_translation(Locale.objects.get(language_code=language))
    return NewsIndexPage.objects.child_of(home).get()


def new_story(parent, word, *, live=True, share=False, body=()) -> NewsStoryPage:
    """A story titled with its own made-up word (so a page showing it can be searched for)."""
    story = NewsStoryPage(
        title=f"The {word} story",
        slug=f"{word.lower()}-story",
        date=datetime.date(2026, 11, 1),
        summary=f"About {word}.",
        body=[{"type": "text", "value": "<p>Words.</p>"}, *body],
        share_with_network=share,
        live=False,
    )
    parent.add_child(instance=story)
    revision = story.save_revision()
    if live:
        revision.publish()
    return NewsStoryPage.objects.get(pk=story.pk)


def related(*pages) -> dict:
    return {"heading": "Read more", "stories": [page.pk for page in pages]}


def cta(page) -> dict:
    return {
        "heading": "Act now",
        "text": "",
        "button_label": "Go there",
        "page": page.pk,
        "url": "",
    }


def related_block_form(*pages) -> dict[str, str]:
    data = {
        "body-0-type": "related_stories",
        "body-0-value-heading": "Read more",
        "body-0-value-stories-count": str(len(pages)),
    }
    for index, page in enumerate(pages):
        data |= {
            f"body-0-value-stories-{index}-deleted": "",
            f"body-0-value-stories-{index}-order": str(index),
            f"body-0-value-stories-{index}-id": "",
            f"body-0-value-stories-{index}-value": str(page.pk),
        }
    return data


def cta_block_form(page) -> dict[str, str]:
    return {
        "body-0-type": "call_to_action",
        "body-0-value-heading": "Act now",
        "body-0-value-text": "",
        "body-0-value-button_label": "Go there",
        "body-0-value-page": str(page.pk),
        "body-0-value-url": "",
    }


def edit(user, story, block_data):
    """Post the story's admin edit form (save draft) with one block in its body."""
    data = edit_story_form(story, "Edited with a reference")
    del data["body-0-value"]
    return logged_in(user).post(
        reverse("wagtailadmin_pages:edit", args=[story.pk]), data | block_data
    )


def block_errors(response) -> dict:
    """The body's errors as the admin shows them: nested down to the block's field."""
    errors = response.context["form"].errors["body"].as_data()
    assert len(errors) == 1
    return get_error_json_data(errors[0])


@pytest.fixture
def harbor_story():
    return new_story(news_index(), "Anchorwick")


# The admin page form -------------------------------------------------------------------------


def test_a_related_story_of_another_agency_not_shared_is_refused_on_its_chooser(
    editor_a, harbor_story
):
    own = new_story(news_index(), "Tidewell")
    foreign = new_story(news_index(PINES), "Pinecrest")
    revisions = Revision.objects.count()

    response = edit(editor_a, harbor_story, related_block_form(own, foreign))

    assert response.status_code == 200
    assert block_errors(response) == {
        "blockErrors": {
            0: {
                "blockErrors": {
                    "stories": {"blockErrors": {1: {"messages": [FOREIGN.format(pk=foreign.pk)]}}}
                }
            }
        }
    }
    assert Revision.objects.count() == revisions


def test_a_draft_of_another_agency_is_refused_and_its_title_is_not_shown_back(
    editor_a, harbor_story
):
    draft = new_story(news_index(PINES), "Hushvale", live=False)
    shared_draft = new_story(news_index(PINES), "Quillmere", live=False, share=True)

    response = edit(editor_a, harbor_story, related_block_form(draft, shared_draft))

    assert response.status_code == 200
    stories = block_errors(response)["blockErrors"][0]["blockErrors"]["stories"]["blockErrors"]
    assert stories == {
        0: {"messages": [FOREIGN.format(pk=draft.pk)]},
        1: {"messages": [SHARED_DRAFT.format(pk=shared_draft.pk)]},
    }
    html = response.content.decode()  # the errors, and the form shown again without them
    assert "Hushvale" not in html and "Quillmere" not in html
    assert 'data-w-block-arguments-value="' in html
    latest = NewsStoryPage.objects.get(pk=harbor_story.pk).get_latest_revision()
    assert latest.content["title"] == harbor_story.title


def test_a_call_to_action_to_another_agencys_page_is_refused_on_its_page_field(
    moderator_a, harbor_story
):
    about = StandardPage.objects.descendant_of(Site.objects.get(hostname=PINES).root_page).first()

    response = edit(moderator_a, harbor_story, cta_block_form(about))

    assert response.status_code == 200
    assert block_errors(response) == {
        "blockErrors": {0: {"blockErrors": {"page": {"messages": [FOREIGN.format(pk=about.pk)]}}}}
    }


def test_a_link_in_rich_text_to_another_agencys_page_is_refused_on_the_text(editor_a, harbor_story):
    foreign = new_story(news_index(PINES), "Brackenfold", live=False)
    link = f'<p>See <a linktype="page" id="{foreign.pk}">this</a>.</p>'

    response = edit(
        editor_a, harbor_story, {"body-0-value": rich_text(link)} | {"body-0-type": "text"}
    )

    assert response.status_code == 200
    assert block_errors(response) == {
        "blockErrors": {0: {"messages": [FOREIGN.format(pk=foreign.pk)]}}
    }
    html = response.content.decode()
    assert "brackenfold" not in html.lower()  # the text shown again keeps its words, not the link
    assert "See this." in html or "See this" in html


def test_own_pages_in_any_language_and_state_and_a_partners_shared_story_are_accepted(
    editor_a, harbor_story
):
    own_draft = new_story(news_index(), "Saltmarsh", live=False)
    own_spanish = new_story(news_index(HARBOR, "es"), "Marejada")
    shared = new_story(news_index(PINES), "Larchmont", share=True)

    response = edit(editor_a, harbor_story, related_block_form(own_draft, own_spanish, shared))

    assert response.status_code == 302, response.context["form"].errors
    draft = NewsStoryPage.objects.get(pk=harbor_story.pk).get_latest_revision_as_object()
    chosen = [page.pk for page in draft.body[0].value["stories"]]
    assert chosen == [own_draft.pk, own_spanish.pk, shared.pk]


def test_a_network_administrator_may_reference_any_page(network_admin, harbor_story):
    foreign = new_story(news_index(PINES), "Fernhollow")

    response = edit(network_admin, harbor_story, related_block_form(foreign))

    assert response.status_code == 302


def test_a_related_story_must_be_a_story(editor_a, harbor_story):
    about = StandardPage.objects.descendant_of(Site.objects.get(hostname=HARBOR).root_page).first()

    response = edit(editor_a, harbor_story, related_block_form(about))

    assert response.status_code == 200
    stories = block_errors(response)["blockErrors"][0]["blockErrors"]["stories"]["blockErrors"]
    assert stories == {
        0: {
            "messages": [
                f"Choose a news story or an awareness article: page {about.pk} is neither."
            ]
        }
    }


# Readers' pages ------------------------------------------------------------------------------


def make_private(page, kind):
    """Make a live page one readers may not follow, the way each happens (committed)."""
    with committed():
        if kind == "unpublished":
            page.unpublish()
        elif kind in ("login", "password"):
            PageViewRestriction.objects.create(
                page=page,
                restriction_type=(
                    PageViewRestriction.LOGIN if kind == "login" else PageViewRestriction.PASSWORD
                ),
                password="pw" if kind == "password" else "",
            )
        elif kind == "expired":
            # Published again with an expiry that has passed (the moment after: its time coming
            # while readers look is test_a_chosen_page_is_no_longer_linked_once_it_expires).
            page.expire_at = timezone.now() - datetime.timedelta(minutes=1)
            page.save_revision().publish()


def reader_html(page, hostname=HARBOR) -> str:
    response = site_client(hostname).get(page.get_url_parts()[2])
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("kind", ["unpublished", "login", "password", "expired"])
def test_a_chosen_page_that_stops_being_public_is_no_longer_linked(kind):
    target = new_story(news_index(), "Gullhaven")
    target_path = target.get_url_parts()[2]
    page = new_story(
        news_index(),
        "Reader",
        body=[
            {"type": "related_stories", "value": related(target)},
            {"type": "call_to_action", "value": cta(target)},
            {"type": "text", "value": f'<p>Read <a linktype="page" id="{target.pk}">this</a>.</p>'},
        ],
    )
    before = reader_html(page)
    assert before.count(f'{target_path}"') == 3  # the card, the button, the link (in full)
    assert "Gullhaven" in before

    make_private(target, kind)

    after = reader_html(page)
    assert target_path not in after
    assert "Gullhaven" not in after
    assert "Act now" in after and "Go there" not in after  # the block, without its button
    assert "Read <a>this</a>." in after  # the link's words, without its address


def test_a_chosen_page_is_no_longer_linked_once_it_expires():
    """Nobody purges anything when an expiry comes: what showed the page was kept only until
    then, on readers' pages and in the API alike."""
    target = new_story(news_index(), "Gullhaven")
    target_path = target.get_url_parts()[2]
    page = new_story(
        news_index(),
        "Reader",
        body=[
            {"type": "related_stories", "value": related(target)},
            {"type": "call_to_action", "value": cta(target)},
            {"type": "text", "value": f'<p>Read <a linktype="page" id="{target.pk}">this</a>.</p>'},
        ],
    )
    target.expire_at = expiry = timezone.now() + datetime.timedelta(seconds=2)
    with committed():
        target.save_revision().publish()
    reader = site_client(HARBOR)
    for _ in range(2):  # rendered, then as it was kept
        assert reader_html(page).count(f'{target_path}"') == 3
        assert "Gullhaven" in reader.get(f"/api/pages/{page.pk}").content.decode()
    # Waiting for the expiry, not timing anything.
    time.sleep(max(0, (expiry - timezone.now()).total_seconds()) + 0.2)
    assert target_path not in reader_html(page)
    api = reader.get(f"/api/pages/{page.pk}").content.decode()
    assert "Gullhaven" not in api.replace("Reader", "")


def test_a_draft_chosen_by_its_own_agency_is_not_linked_until_published():
    draft = new_story(news_index(), "Sealight", live=False)
    page = new_story(
        news_index(),
        "Reader",
        body=[
            {"type": "related_stories", "value": related(draft)},
            {"type": "call_to_action", "value": cta(draft)},
        ],
    )
    html = reader_html(page)
    assert "Sealight" not in html and "sealight-story" not in html

    with committed():
        draft.get_latest_revision().publish()

    assert "Sealight" in reader_html(page)


def test_another_agencys_unshared_page_is_not_linked_and_a_shared_story_is():
    """Chosen before the admin refused them (or by a network administrator)."""
    unshared = new_story(news_index(PINES), "Birchward")
    shared = new_story(news_index(PINES), "Cedarlune", share=True)
    page = new_story(
        news_index(),
        "Reader",
        body=[
            {"type": "related_stories", "value": related(unshared, shared)},
            {"type": "call_to_action", "value": cta(unshared)},
        ],
    )
    html = reader_html(page)
    assert "Birchward" not in html and "birchward-story" not in html
    assert "Cedarlune" in html and f'href="{shared.full_url}"' in html
    assert "Go there" not in html  # the button to the unshared page


def test_a_page_of_the_same_site_in_another_language_is_linked():
    spanish = new_story(news_index(HARBOR, "es"), "Brisamar")
    page = new_story(
        news_index(), "Reader", body=[{"type": "call_to_action", "value": cta(spanish)}]
    )
    html = reader_html(page)
    assert f'<a class="button" href="{spanish.get_url_parts()[2]}">Go there</a>' in html
