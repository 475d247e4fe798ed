"""The public delivery API as a partner's front end uses it: site-aware, live content only, cacheable."""

import datetime

import pytest

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import Page, PageViewRestriction, Site

from sites.content.pages import NewsIndexPage, NewsStoryPage
from tests.conftest import DEMO_HOSTS, committed, site_client

pytestmark = pytest.mark.django_db


def get(hostname, url, **params):
    return site_client(hostname).get(url, params)


def site(hostname):
    return Site.objects.get(hostname=hostname)


def harbor_index():
    return NewsIndexPage.objects.child_of(site("harbor.localhost").root_page).get()


def add_story(title, **fields):
    story = NewsStoryPage(
        title=title,
        date=datetime.date(2026, 11, 1),
        summary="s",
        body=[{"type": "text", "value": "<p>x</p>"}],
        **fields,
    )
    harbor_index().add_child(instance=story)
    story.save_revision().publish()
    return story


@pytest.mark.parametrize("hostname", DEMO_HOSTS)
def test_every_site_describes_itself_with_branding_navigation_and_help_lines(hostname):
    data = get(hostname, "/api/site").json()
    assert data["hostname"] == hostname
    assert data["primary_colour"].startswith("#")
    assert data["navigation"]
    hrefs = [channel["href"] for line in data["help_hotlines"] for channel in line["channels"]]
    assert "tel:+18883737888" in hrefs
    assert "sms:233733?&body=BEFREE" in hrefs


def test_a_site_named_by_site_is_described_with_its_own_menu_and_help_lines():
    """Asked on another site's address: the named site's menu and help lines, not those the
    asking host's worker keeps for its own pages (sites.serving.chrome)."""
    own = get("pines.localhost", "/api/site").json()
    named = get("harbor.localhost", "/api/site", site="pines.localhost").json()
    assert named["hostname"] == "pines.localhost"
    assert [(item["title"], item["path"]) for item in named["navigation"]] == [
        (item["title"], f"http://pines.localhost{item['path']}") for item in own["navigation"]
    ]
    assert named["help_hotlines"] == own["help_hotlines"]


def live_ids(hostname):
    return set(
        Page.objects.live()
        .descendant_of(site(hostname).root_page, inclusive=True)
        .values_list("pk", flat=True)
    )


def listed_ids(host_header, **params):
    return {
        item["id"] for item in get(host_header, "/api/pages", limit=100, **params).json()["items"]
    }


def test_pages_are_those_of_the_requests_host_or_of_site():
    assert listed_ids("harbor.localhost") == live_ids("harbor.localhost")
    assert listed_ids("harbor.localhost", site="pines.localhost") == live_ids("pines.localhost")
    assert not live_ids("harbor.localhost") & live_ids("pines.localhost")


def test_listing_filters_by_type_tag_and_parent_and_pages_through():
    first = get("harbor.localhost", "/api/pages", type="news_story", limit=2).json()
    second = get("harbor.localhost", "/api/pages", type="news_story", limit=2, offset=2).json()
    assert first["count"] == 3 and len(first["items"]) == 2 and len(second["items"]) == 1
    assert {item["type"] for item in first["items"] + second["items"]} == {"news_story"}
    tagged = get("harbor.localhost", "/api/pages", tag="rescue").json()["items"]
    assert tagged and all("rescue" in item["tags"] for item in tagged)
    children = get("harbor.localhost", "/api/pages", parent=harbor_index().pk).json()
    assert children["count"] == 3


def test_a_story_in_detail_carries_its_blocks_with_hotline_channels_and_appeal_progress():
    home = get("harbor.localhost", "/api/pages/find", path="/").json()
    blocks = {block["type"]: block["value"] for block in home["body"]}
    line = blocks["hotline_panel"]["hotlines"][0]
    assert {"call"} <= {channel["kind"] for channel in line["channels"]}
    assert line["owner"] == "harbor.localhost"
    appeal = blocks["donation_appeal"]["appeal"]
    assert 0 <= appeal["percent"] <= 100 and appeal["donate_url"].startswith("https://")
    assert all(
        story["url"].startswith("http://harbor.localhost/")
        for story in blocks["related_stories"]["stories"]
    )


def test_drafts_private_and_expired_pages_never_appear_anywhere():
    draft = NewsStoryPage(
        title="Secret draft",
        date=datetime.date(2026, 11, 1),
        summary="s",
        body=[{"type": "text", "value": "<p>x</p>"}],
        live=False,
    )
    harbor_index().add_child(instance=draft)
    private = add_story("Private story")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="pw"
    )
    expired = add_story("Expired story")
    Page.objects.filter(pk=expired.pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    listing = get("harbor.localhost", "/api/pages", limit=100).json()["items"]
    titles = {item["title"] for item in listing}
    assert not titles & {"Secret draft", "Private story", "Expired story"}
    for page in (draft, private, expired):
        assert get("harbor.localhost", f"/api/pages/{page.pk}").status_code == 404
        assert (
            get(
                "harbor.localhost",
                "/api/pages/find",
                path=page.get_url_parts()[2] if page.live else "/stories/secret-draft/",
            ).status_code
            == 404
        )


def test_an_unpublished_story_drops_out_of_nested_related_stories():
    home_before = get("harbor.localhost", "/api/pages/find", path="/").json()
    related = next(block for block in home_before["body"] if block["type"] == "related_stories")[
        "value"
    ]["stories"]
    gone = Page.objects.get(pk=related[0]["id"])
    with committed():
        gone.unpublish()

    home_after = get("harbor.localhost", "/api/pages/find", path="/").json()
    still = next(block for block in home_after["body"] if block["type"] == "related_stories")[
        "value"
    ]["stories"]
    assert gone.pk not in {story["id"] for story in still}
    assert len(still) == len(related) - 1


def test_a_page_of_another_site_is_not_found_on_this_one():
    pines_page = Page.objects.live().descendant_of(site("pines.localhost").root_page).last()
    response = get("harbor.localhost", f"/api/pages/{pines_page.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": f"No live page {pines_page.pk} on harbor.localhost."}


def listing_queries(limit) -> int:
    """The queries of a second listing of Harbor's news stories (the first warms the worker)."""
    client = site_client("harbor.localhost")
    params = {"limit": limit, "type": "news_story"}
    client.get("/api/pages", params)
    with CaptureQueriesContext(connection) as context:
        assert client.get("/api/pages", params).status_code == 200
    return len(context.captured_queries)


@override_settings(LANTERN_PAGE_CACHE_SECONDS=0)  # counts a listing's render, not a stored answer
def test_listing_costs_the_same_queries_whatever_the_limit():
    for n in range(8):
        add_story(f"Bulk story {n}").tags.add("bulk")
    # As workers run: the site's tag versions, the window, the versions of what they keep (the
    # count and each listed page's own fields and tags).
    assert listing_queries(1) == listing_queries(5) == listing_queries(50) == 3
    assert listing_queries(100) == 3


@override_settings(LANTERN_PAGE_CACHE_SECONDS=0, LANTERN_CHROME_CACHE=False)  # nothing kept
def test_a_listing_read_afresh_costs_the_same_queries_whatever_the_limit():
    for n in range(8):
        add_story(f"Bulk story {n}").tags.add("bulk")
    # The site, its home pages, its branding; the window; its count; the stories' own fields;
    # their tags. A window holding the whole listing is its own count.
    assert listing_queries(1) == listing_queries(5) == 7
    assert listing_queries(50) == listing_queries(100) == 6


def test_bad_input_gets_a_4xx_with_a_message():
    unknown = get("harbor.localhost", "/api/pages", site="nowhere.example.org")
    assert unknown.status_code == 404
    assert unknown.json() == {"detail": "No site answers on 'nowhere.example.org'."}
    for params in (
        {"limit": -1},
        {"limit": 1000},
        {"order": "password"},
        {"offset": 10**9},
        {"type": "user"},
    ):
        response = get("harbor.localhost", "/api/pages", **params)
        assert response.status_code == 422, params
        assert response.json()["detail"][0]["msg"]


def test_answers_are_cacheable_and_revalidate_with_304():
    client = site_client("harbor.localhost")
    first = client.get("/api/pages")
    assert "max-age=60" in first["Cache-Control"] and "public" in first["Cache-Control"]
    again = client.get("/api/pages", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_cors_only_for_configured_partner_origins(settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://partner.example.org"]
    client = site_client("harbor.localhost")
    allowed = client.get("/api/site", HTTP_ORIGIN="https://partner.example.org")
    other = client.get("/api/site", HTTP_ORIGIN="https://evil.example.com")
    page = client.get("/", HTTP_ORIGIN="https://partner.example.org")
    assert allowed["Access-Control-Allow-Origin"] == "https://partner.example.org"
    assert "Access-Control-Allow-Origin" not in other
    assert "Access-Control-Allow-Origin" not in page


def test_the_openapi_contract_and_docs_are_served_without_third_parties():
    schema = get("localhost", "/api/openapi.json").json()
    assert {
        "/api/site",
        "/api/pages",
        "/api/pages/find",
        "/api/pages/{page_id}",
        "/api/hotlines",
        "/api/appeals",
    } <= set(schema["paths"])
    assert "Hotline" in schema["components"]["schemas"]
    docs = get("localhost", "/api/docs").content.decode()
    assert "cdn.jsdelivr.net" not in docs and "/static/ninja/" in docs


@pytest.mark.parametrize("hostname", DEMO_HOSTS)
def test_every_live_demo_page_serialises(hostname):
    for page in Page.objects.live().descendant_of(site(hostname).root_page, inclusive=True):
        response = get(hostname, f"/api/pages/{page.pk}")
        assert response.status_code == 200, (page.url_path, response.content[:300])


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/preview", {"preview_token": "abc\x00def" * 4}),
        ("/api/pages", {"site": "harbor\x00.localhost"}),
        ("/api/pages", {"tag": "res\x00cue"}),
        ("/api/pages/find", {"path": "/stories/\x00/"}),
    ],
)
def test_control_characters_in_parameters_are_refused_not_sent_to_the_database(url, params):
    response = site_client("harbor.localhost").get(url, params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == next(iter(params))


def test_an_unknown_or_misspelt_parameter_is_refused_not_ignored():
    response = get("harbor.localhost", "/api/pages", tpye="news_story")
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"] == ["query", "tpye"]
    assert (
        "this endpoint takes: limit, locale, offset, order, parent, site, tag, type" in error["msg"]
    )


@pytest.mark.parametrize("order", ["-first_published_at", "title", "path"])
def test_paging_through_a_listing_gives_every_page_once_in_order(order):
    """Paged two at a time, a listing is the same pages in the same order as in one window, in every
    language and for each filter."""
    listings = [{}, {"type": "news_story"}, {"locale": "es"}, {"parent": harbor_index().pk}]
    for params in listings:
        whole = get("harbor.localhost", "/api/pages", limit=100, order=order, **params).json()
        paged, offset = [], 0
        while offset < whole["count"] + 2:
            window = get(
                "harbor.localhost", "/api/pages", limit=2, offset=offset, order=order, **params
            ).json()
            assert window["count"] == whole["count"], params
            paged += [item["id"] for item in window["items"]]
            offset += 2
        assert paged == [item["id"] for item in whole["items"]], params
        assert whole["count"] == len(whole["items"]) > 0, params


@pytest.mark.parametrize("hostname", DEMO_HOSTS)
def test_a_listing_says_of_each_page_what_its_detail_says(hostname):
    """A listing reads its pages as rows, the detail as objects: the same summary either way,
    for every type, language and address (a slug beyond ASCII too)."""
    if hostname == "harbor.localhost":
        add_story("Niños a salvo", slug="niños-a-salvo")
    compared = 0
    for locale in ("en", "es"):
        listing = get(hostname, "/api/pages", limit=100, locale=locale).json()
        assert listing["count"] == len(listing["items"])
        for item in listing["items"]:
            detail = get(hostname, f"/api/pages/{item['id']}").json()
            assert item == {key: detail[key] for key in item}, item["url"]
            compared += 1
    assert compared >= len(live_ids(hostname))


def test_a_listed_storys_tags_are_its_own_in_the_order_added():
    """Each row of a listing brings its story's tags (no query of their own): a story's tags
    never reach its neighbour, and come in the order they were added."""
    tagged, plain = add_story("Tagged for the API"), add_story("Not tagged")
    for name in ("shelters", 'Día "uno"', "advocacy"):
        tagged.tags.add(name)
        tagged.save_revision().publish()
    items = get("harbor.localhost", "/api/pages", type="news_story", limit=100).json()["items"]
    by_id = {item["id"]: item for item in items}
    assert by_id[tagged.pk]["tags"] == ["shelters", 'Día "uno"', "advocacy"]
    assert by_id[plain.pk]["tags"] == []
