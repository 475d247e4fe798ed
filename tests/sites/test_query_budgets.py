"""Database queries per reader page: a fixed budget that does not grow with the content."""

import datetime

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Site

from blocks.hotline import Hotline
from sites.branding import SiteBranding
from sites.pages import NewsIndexPage, NewsStoryPage
from tests.conftest import site_client

pytestmark = pytest.mark.django_db

# Measured on the demo network; Wagtail's routing and privacy checks are most of them. A stories
# index with partner stories (the network home's) pays four more: placements, stories, privacy, sites.
# A page on a site published in two languages pays up to three more for its language links
# (the site's home pages, the page's translations, the hotlines in the reader's language).
BUDGETS = {
    "HomePage": 21,
    "NewsIndexPage": 21,
    "NewsStoryPage": 20,
    "AwarenessArticlePage": 16,
    "DonationAppealPage": 13,
    "StandardPage": 13,
    "FindHelpPage": 14,  # the form's page, before any search (a search: tests/sites/help)
}


LANGUAGE_LINKS = 3


def queries_for(client, path):
    client.get(path)  # the first request warms per-process caches (content types, settings)
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "hostname", ["localhost", "harbor.localhost", "pines.localhost", "passage.localhost"]
)
def test_every_page_stays_within_its_budget(hostname):
    site = Site.objects.get(hostname=hostname)
    client = site_client(hostname)
    languages = len(SiteBranding.for_site(site).language_codes)
    for page in site.root_page.get_descendants(inclusive=True).live().specific():
        budget = BUDGETS[type(page).__name__] + (LANGUAGE_LINKS if languages > 1 else 0)
        assert queries_for(client, page.get_url_parts()[2]) <= budget, page.url_path


def story_with(index, slug, panels, hotlines):
    body = [{"type": "text", "value": "<p>Intro</p>"}]
    for n in range(panels):
        body.append(
            {"type": "hotline_panel", "value": {"heading": f"Panel {n}", "hotlines": hotlines}}
        )
        body.append({"type": "fact", "value": {"figure": str(n), "label": "things", "source": ""}})
        body.append({"type": "tips", "value": {"heading": "Tips", "items": ["One", "Two"]}})
    story = NewsStoryPage(
        title=slug, slug=slug, date=datetime.date(2026, 1, 1), summary="s", body=body
    )
    index.add_child(instance=story)
    story.save_revision().publish()
    return story.get_url_parts()[2]


def test_story_queries_do_not_grow_with_blocks_or_hotlines():
    index = NewsIndexPage.objects.child_of(
        Site.objects.get(hostname="harbor.localhost").root_page
    ).get()
    all_hotlines = list(Hotline.objects.values_list("pk", flat=True))
    client = site_client("harbor.localhost")

    small = queries_for(client, story_with(index, "small", panels=1, hotlines=all_hotlines[:1]))
    large = queries_for(client, story_with(index, "large", panels=20, hotlines=all_hotlines))

    assert large == small
