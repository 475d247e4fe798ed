"""Tests for the page body stream: calls to action, related stories, every block's admin metadata and render cost."""

import html

import pytest

from django.template.loader import get_template
from django.utils.html import escape, strip_tags

from wagtail.blocks import StreamValue, StructBlockValidationError
from wagtail.models import Page, PageViewRestriction, Site

from blocks.base import CallToActionBlock
from blocks.hotline import Hotline
from blocks.news import RelatedStoriesBlock
from blocks.stream import BodyBlock
from sites.content.pages import NewsStoryPage
from tests.conftest import site_client

CTA_NEEDS_A_TARGET = "Choose a page or give a web address for the button."
CTA_NOT_BOTH = "Choose a page or give a web address for the button, not both."


def harbor_page(slug: str) -> Page:
    root = Site.objects.get(hostname="harbor.localhost").root_page
    return Page.objects.descendant_of(root).get(slug=slug).specific


def cta(page: Page | None = None, url: str = "") -> dict:
    return {
        "heading": "Get involved",
        "text": "Volunteer with us.",
        "button_label": "Find out how",
        "page": page.pk if page else None,
        "url": url,
    }


def clean_cta(raw: dict):
    block = CallToActionBlock()
    return block.clean(block.to_python(raw))


@pytest.mark.django_db
def test_call_to_action_needs_a_page_or_an_address():
    with pytest.raises(StructBlockValidationError) as exc:
        clean_cta(cta())
    assert list(exc.value.block_errors) == ["page"]
    assert exc.value.block_errors["page"].messages == [CTA_NEEDS_A_TARGET]


@pytest.mark.django_db
def test_call_to_action_refuses_both_a_page_and_an_address():
    with pytest.raises(StructBlockValidationError) as exc:
        clean_cta(cta(harbor_page("about"), url="https://example.org/"))
    assert list(exc.value.block_errors) == ["page"]
    assert exc.value.block_errors["page"].messages == [CTA_NOT_BOTH]


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["page", "url"])
def test_call_to_action_with_one_target_is_valid(target):
    about = harbor_page("about")
    raw = cta(about) if target == "page" else cta(url="https://example.org/volunteer")
    value = clean_cta(raw)
    assert value["heading"] == "Get involved"


@pytest.mark.django_db
def test_call_to_action_button_leads_to_the_chosen_page():
    about = harbor_page("about")
    block = CallToActionBlock()
    rendered = block.render(block.to_python(cta(about)))
    assert '<a class="button" href="http://harbor.localhost/en/about/">Find out how</a>' in rendered
    assert "<h2>Get involved</h2>" in rendered
    assert "<p>Volunteer with us.</p>" in rendered


@pytest.mark.django_db
def test_call_to_action_button_leads_to_the_web_address():
    block = CallToActionBlock()
    rendered = block.render(block.to_python(cta(url="https://example.org/volunteer")))
    assert '<a class="button" href="https://example.org/volunteer">Find out how</a>' in rendered


@pytest.mark.django_db
def test_call_to_action_on_a_live_page_links_to_the_chosen_page():
    response = site_client("localhost").get("/en/about/")
    assert response.status_code == 200
    assert '<a class="button" href="/en/stories/">Stories and learning</a>' in response.text


def harbor_stories() -> list[NewsStoryPage]:
    root = Site.objects.get(hostname="harbor.localhost").root_page
    return list(NewsStoryPage.objects.descendant_of(root).live().order_by("pk"))


def render_related(stories: list[Page]) -> str:
    block = RelatedStoriesBlock()
    return block.render(
        block.to_python({"heading": "Read more", "stories": [story.pk for story in stories]})
    )


def card(story: Page) -> str:
    return f'<h3 class="card__title"><a href="{story.url}">{escape(story.title)}</a></h3>'


@pytest.mark.django_db
def test_related_stories_appear_in_the_editors_order():
    first, second, third = harbor_stories()
    rendered = render_related([third, first, second])
    assert "<h2>Read more</h2>" in rendered
    positions = [rendered.index(card(story)) for story in (third, first, second)]
    assert positions == sorted(positions)
    assert 'href="http://harbor.localhost/en/stories/how-first-response-works/"' in rendered


@pytest.mark.django_db
def test_an_unpublished_story_drops_out_of_related_stories():
    first, second, third = harbor_stories()
    assert card(second) in render_related([first, second, third])
    second.unpublish()
    rendered = render_related([first, second, third])
    assert card(second) not in rendered
    assert escape(second.title) not in rendered
    assert card(first) in rendered
    assert card(third) in rendered


@pytest.mark.django_db
def test_a_private_story_drops_out_of_related_stories():
    first, second, third = harbor_stories()
    PageViewRestriction.objects.create(
        page=third, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    rendered = render_related([first, second, third])
    assert card(third) not in rendered
    assert card(first) in rendered
    assert card(second) in rendered


@pytest.mark.django_db
def test_related_stories_show_nothing_once_every_story_is_gone():
    first, second, _ = harbor_stories()
    first.unpublish()
    second.unpublish()
    assert render_related([first, second]).strip() == ""


def test_every_body_block_is_described_for_editors():
    for name, block in BodyBlock().child_blocks.items():
        assert block.meta.template, name
        get_template(block.meta.template)
        assert block.meta.label, name
        assert block.meta.icon not in ("", "placeholder"), name
        assert block.get_description(), name


def leaves(value) -> list[str]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in leaves(item)]
    return [strip_tags(str(value))]


def test_every_preview_value_renders():
    previews = {
        name: block
        for name, block in BodyBlock().child_blocks.items()
        if hasattr(block.meta, "preview_value")
    }
    assert set(previews) == {"text", "quote", "tips", "fact", "about"}
    for name, block in previews.items():
        rendered = html.unescape(strip_tags(block.render(block.get_preview_value())))
        for text in leaves(block.meta.preview_value):
            assert text in rendered, (name, text)


@pytest.mark.django_db
@pytest.mark.parametrize("panels", [1, 3, 12])
def test_hotline_panels_are_loaded_in_one_query_however_many(
    panels, national_hotline, django_assert_max_num_queries
):
    other = Hotline.objects.get(name="National Domestic Violence Hotline")
    body = BodyBlock()
    raw = [
        {
            "type": "hotline_panel",
            "value": {"heading": f"Panel {i}", "hotlines": [national_hotline.pk, other.pk]},
            "id": f"panel-{i}",
        }
        for i in range(panels)
    ]
    with django_assert_max_num_queries(1):
        rendered = body.render(StreamValue(body, raw, is_lazy=True))
    assert rendered.count('href="tel:+18883737888"') == panels
    assert rendered.count('href="tel:+18007997233"') == panels


@pytest.mark.django_db
def test_call_to_action_hides_its_button_once_the_page_is_unpublished():
    about = harbor_page("about")
    about.unpublish()
    block = CallToActionBlock()
    rendered = block.render(block.to_python(cta(about)))
    assert "<h2>Get involved</h2>" in rendered
    assert 'class="button"' not in rendered


def related_and_cta(stories: list[Page], *targets: Page) -> list[dict]:
    return [
        {
            "type": "related_stories",
            "value": {"heading": "Read more", "stories": [s.pk for s in stories]},
        },
        *({"type": "call_to_action", "value": cta(target)} for target in targets),
    ]


def page_queries(captured) -> list[str]:
    return [q["sql"] for q in captured if 'FROM "wagtailcore_page"' in q["sql"]]


@pytest.mark.django_db
def test_pages_chosen_anywhere_in_a_stream_come_in_one_query():
    """The related stories and every call to action's page: one query for all of them, each
    story in its own type with its picture, the other pages plain."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first, second, _ = harbor_stories()
    about = harbor_page("about")
    body = BodyBlock()
    value = body.to_python(related_and_cta([first, second], about, second))
    with CaptureQueriesContext(connection) as captured:
        converted = [child.value for child in value]  # each kind of block, as rendering does
    assert len(page_queries(captured)) == 1, page_queries(captured)
    assert len(converted) == 3
    rendered = body.render(value)
    assert rendered.index(card(first)) < rendered.index(card(second))
    assert '<a class="button" href="http://harbor.localhost/en/about/">' in rendered
    assert f'<a class="button" href="{second.url}">' in rendered


@pytest.mark.django_db
def test_a_page_chosen_in_two_places_is_its_own_object_in_each():
    """As Wagtail's choosers give them: what one block does to its page (a translation, a
    picture's sizes) never reaches another's."""
    first, second, _ = harbor_stories()
    value = BodyBlock().to_python(related_and_cta([first, second], first))
    in_related = value[0].value["stories"][0]
    in_cta = value[1].value["page"]
    assert in_related.pk == in_cta.pk == first.pk
    assert in_related is not in_cta


def test_chosen_ids_are_read_from_either_stored_list_format():
    """Wagtail stores a list's items as {"type": "item", "value": …}; older data as values."""
    from blocks.chosen import chosen_ids

    raw = {"heading": "x", "stories": [3, {"type": "item", "value": 5, "id": "a"}, None]}
    assert chosen_ids(RelatedStoriesBlock(), raw) == [3, 5]
    assert chosen_ids(CallToActionBlock(), cta()) == []
    assert chosen_ids(CallToActionBlock(), "not a dict") == []
