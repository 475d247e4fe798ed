"""Block headings fit the page's outline: under a page's h1, a body block's heading is an h2
and what it lists one level below, or at its level when it has no heading; in an article's
"Further resources" (an h2), one level deeper. Wagtail's content checks flag any skipped level
("Incorrect heading hierarchy"), which editors cannot fix in a block's template. Pages are
published through the admin and read as readers read them."""

import re
from html import unescape

import pytest

from django.urls import reverse

from wagtail.models import Page, Site

from blocks.hotline import Hotline
from sites.content.pages import HomePage, NewsIndexPage
from tests.admin_forms import NO_COMMENTS
from tests.conftest import logged_in, site_client
from tests.sites.agencies.test_workflow import HARBOR, path_of

pytestmark = pytest.mark.django_db


def outline(html: str) -> list[tuple[int, str]]:
    """The headings of the page's main content, in order: (level, text)."""
    main = html[html.index("<main") : html.index("</main>")]
    return [
        (int(level), unescape(" ".join(re.sub(r"<[^>]+>", " ", text).split())))
        for level, text in re.findall(r"<h([1-6])[^>]*>(.*?)</h\1>", main, re.S)
    ]


def skipped(headings: list[tuple[int, str]]) -> list[str]:
    """Each heading more than one level below the one before it (the first must be the h1)."""
    found, previous = [], 0
    for level, text in headings:
        if level > previous + 1:
            found.append(f"h{previous} → h{level} “{text}”")
        previous = level
    return found


def stream(name: str, blocks: list[tuple[str, dict]]) -> dict[str, str]:
    """A StreamField as the admin's form posts it: (block type, its fields by path)."""
    data = {f"{name}-count": str(len(blocks))}
    for n, (kind, fields) in enumerate(blocks):
        prefix = f"{name}-{n}-"
        data |= {f"{prefix}deleted": "", f"{prefix}order": str(n), f"{prefix}type": kind}
        data |= {f"{prefix}id": ""} | {f"{prefix}value-{k}": v for k, v in fields.items()}
    return data


def hotline_panel(heading: str, *hotlines: Hotline) -> tuple[str, dict]:
    fields = {"heading": heading, "hotlines-count": str(len(hotlines))}
    for n, line in enumerate(hotlines):
        fields |= {
            f"hotlines-{n}-value": str(line.pk),
            f"hotlines-{n}-id": "",
            f"hotlines-{n}-deleted": "",
            f"hotlines-{n}-order": str(n),
        }
    return "hotline_panel", fields


def tips(heading: str) -> tuple[str, dict]:
    return "tips", {
        "heading": heading,
        "items-count": "1",
        "items-0-value": "Trust your instincts.",
        "items-0-id": "",
        "items-0-deleted": "",
        "items-0-order": "0",
    }


def call_to_action(heading: str) -> tuple[str, dict]:
    return "call_to_action", {
        "heading": heading,
        "text": "",
        "button_label": "Read more",
        "page": "",
        "url": "https://example.org/more",
    }


def publish(moderator, model: str, parent: Page, fields: dict) -> Page:
    url = reverse("wagtailadmin_pages:add", args=["agency_sites", model, parent.pk])
    data = {
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
        "action-publish": "Publish",
        **NO_COMMENTS,
        **fields,
    }
    response = logged_in(moderator).post(url, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    return Page.objects.get(slug=fields["slug"]).specific


def read(page: Page) -> list[tuple[int, str]]:
    response = site_client(HARBOR).get(path_of(page))
    assert response.status_code == 200
    return outline(response.content.decode())


@pytest.fixture
def lines():
    harbor = Hotline.objects.get(name="Harbor Light 24-hour Response Line")
    national = Hotline.objects.get(name="National Human Trafficking Hotline")
    return harbor, national


def test_a_hotline_panel_without_a_heading_lists_its_lines_as_sections(moderator_a, lines):
    home = Site.objects.get(hostname=HARBOR).root_page
    page = publish(
        moderator_a,
        "standardpage",
        home,
        {
            "title": "Get help",
            "slug": "get-help",
            "intro": "",
            **stream(
                "body",
                [hotline_panel("", *lines), hotline_panel("Or call", lines[1]), tips("Stay safe")],
            ),
        },
    )
    headings = read(page)
    assert headings == [
        (1, "Get help"),
        (2, lines[0].name),
        (2, lines[1].name),
        (2, "Or call"),
        (3, lines[1].name),
        (2, "Stay safe"),
    ]
    assert skipped(headings) == []


def test_further_resources_sit_one_level_below_their_heading(moderator_a, lines):
    index = NewsIndexPage.objects.child_of(Site.objects.get(hostname=HARBOR).root_page).get()
    article = publish(
        moderator_a,
        "awarenessarticlepage",
        index,
        {
            "title": "Signs to look for",
            "slug": "signs-to-look-for",
            "date": "2026-11-20",
            "summary": "What to notice.",
            "hero_image": "",
            **stream("body", [tips("Warning signs")]),
            **stream(
                "further_resources",
                [hotline_panel("Call now", lines[1]), call_to_action("Who we are")],
            ),
        },
    )
    headings = read(article)
    assert headings == [
        (1, "Signs to look for"),
        (2, "Warning signs"),
        (2, "Further resources"),
        (3, "Call now"),
        (4, lines[1].name),
        (3, "Who we are"),
    ]
    assert skipped(headings) == []


def test_listed_stories_fit_the_outline_of_every_demo_site():
    """Story cards under a page's h1 (a news index's) are its h2s; under a section's h2 (the
    home page's latest stories, partners' stories), h3s."""
    hosts = {site.pk: site.hostname for site in Site.objects.all()}
    pages = [*NewsIndexPage.objects.live(), *HomePage.objects.live()]
    assert len(pages) >= 10
    for page in pages:
        site_id, _, path = page.get_url_parts()
        html = site_client(hosts[site_id]).get(path).content.decode()
        headings = outline(html)
        assert 'class="card__title"' in html, path
        assert headings[0][0] == 1 and skipped(headings) == [], (hosts[site_id], path, headings)
