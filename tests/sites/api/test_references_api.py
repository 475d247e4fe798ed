"""References are walled in both APIs: what the management API lets a token write into blocks,
and what the public API tells of the pages blocks name.

The management API validates drafts through the admin's own page form, so it refuses the same
pages the admin does (tests/sites/agencies/test_references.py), with a 422 naming the block's
field and nothing written. The public API is probed as an outsider would: every route it
publishes (read from its own OpenAPI schema, so a route added later is probed too) is asked with
the id and the address of a draft, an unpublished, a login-only, a password-protected and an
expired page, and of a live page whose blocks name all of them; no answer may carry their
titles or addresses.
"""

import json

import pytest

from django.test import Client

from wagtail.models import APIToken, Page, Revision, Site

from sites.api.api import api as public_api
from sites.content.pages import NewsIndexPage, NewsStoryPage, StandardPage
from tests.conftest import site_client
from tests.sites.agencies.test_references import cta, make_private, new_story

pytestmark = pytest.mark.django_db

HARBOR = "harbor.localhost"
PINES = "pines.localhost"
FOREIGN = (
    "Page {pk} belongs to another agency and is not shared with the network: choose one of "
    "your agency's pages or a story a partner shares."
)
# One made-up word per page readers may not be led to: in its title and slug.
HIDDEN = {
    "draft": "Vesperling",
    "unpublished": "Orrowdene",
    "login": "Keldermoor",
    "password": "Snicketwold",
    "expired": "Dunmarrow",
    "foreign": "Pellinwick",  # another agency's live story, not shared
}


def news_index(hostname=HARBOR) -> NewsIndexPage:
    return NewsIndexPage.objects.child_of(Site.objects.get(hostname=hostname).root_page).get()


# The management API --------------------------------------------------------------------------


def manage(user) -> Client:
    key = APIToken.create_token(user=user, name="agency cms")[1]
    return Client(HTTP_HOST=HARBOR, HTTP_AUTHORIZATION=f"Bearer {key}")


def new_story_data(*blocks) -> dict:
    return {
        "type": "news_story",
        "parent_id": news_index().pk,
        "title": "Night outreach report",
        "date": "2026-11-20",
        "summary": "Volunteers met twelve women on the street.",
        "kind": "news",
        "names_changed": True,
        "body": [{"type": "text", "value": "<p>We listened first.</p>"}, *blocks],
    }


def related_in(*pages) -> dict:
    return {"type": "related_stories", "value": {"stories": [page.pk for page in pages]}}


def cta_in(page) -> dict:
    return {
        "type": "call_to_action",
        "value": {"heading": "Act", "button_label": "Go", "page": page.pk},
    }


def test_the_management_api_refuses_another_agencys_story_naming_the_blocks_field(editor_a):
    foreign = new_story(news_index(PINES), "Pinecrest")
    own = new_story(news_index(), "Tidewell")
    revisions, stories = Revision.objects.count(), NewsStoryPage.objects.count()

    response = manage(editor_a).post(
        "/api/manage/pages",
        new_story_data(related_in(own, foreign)),
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"loc": ["body", "body", 1, "stories", 1], "msg": FOREIGN.format(pk=foreign.pk)}]
    }
    assert Revision.objects.count() == revisions
    assert NewsStoryPage.objects.count() == stories


def test_a_draft_saved_through_the_api_keeps_its_last_revision_when_refused(editor_a):
    page = new_story(news_index(), "Anchorwick")
    draft = new_story(news_index(PINES), "Hushvale", live=False)
    latest = page.latest_revision_id
    data = new_story_data(cta_in(draft))
    del data["parent_id"]

    response = manage(editor_a).patch(
        f"/api/manage/pages/{page.pk}", data, content_type="application/json"
    )

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "body", 1, "page"], "msg": FOREIGN.format(pk=draft.pk)}
    ]
    assert "Hushvale" not in response.content.decode()
    assert Page.objects.get(pk=page.pk).latest_revision_id == latest
    assert Revision.objects.filter(object_id=str(page.pk)).count() == 1


def test_the_management_api_accepts_own_pages_and_a_partners_shared_story(editor_a):
    own_draft = new_story(news_index(), "Saltmarsh", live=False)
    shared = new_story(news_index(PINES), "Larchmont", share=True)

    response = manage(editor_a).post(
        "/api/manage/pages",
        new_story_data(related_in(own_draft, shared), cta_in(own_draft)),
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    page = NewsStoryPage.objects.get(pk=response.json()["id"]).get_latest_revision_as_object()
    assert [story.pk for story in page.body[1].value["stories"]] == [own_draft.pk, shared.pk]
    assert page.body[2].value["page"].pk == own_draft.pk


# The public API ------------------------------------------------------------------------------


@pytest.fixture
def hidden() -> dict[str, NewsStoryPage]:
    """A page of each kind readers may not be led to, shared with the network, each with its
    own word in its title and slug (and so in its address)."""
    pages = {}
    for kind, word in HIDDEN.items():
        parent = news_index(PINES) if kind == "foreign" else news_index()
        page = new_story(parent, word, live=kind != "draft", share=kind != "foreign")
        make_private(page, kind)
        pages[kind] = page
    return pages


@pytest.fixture
def referrer(hidden) -> NewsStoryPage:
    """A live public page whose blocks name every hidden page: in a related-stories block,
    in calls to action, and in links in its text (all but another agency's public page: a
    link in text to a public page is as any web address, blocks.links)."""
    links = "".join(
        f'<a linktype="page" id="{page.pk}">link {kind}</a> '
        for kind, page in hidden.items()
        if kind != "foreign"
    )
    pages = list(hidden.values())
    return new_story(
        news_index(),
        "Referrer",
        body=[
            {
                "type": "related_stories",
                "value": {"heading": "More", "stories": [p.pk for p in pages[:6]]},
            },
            *({"type": "call_to_action", "value": cta(page)} for page in pages),
            {"type": "text", "value": f"<p>{links}</p>"},
        ],
    )


def leaked(text: str) -> list[str]:
    return [word for word in HIDDEN.values() if word.lower() in text.lower()]


def test_a_pages_blocks_in_the_api_name_no_hidden_page(hidden, referrer):
    response = site_client(HARBOR).get(f"/api/pages/{referrer.pk}")
    assert response.status_code == 200
    body = {block["type"]: block["value"] for block in response.json()["body"]}
    assert body["related_stories"]["stories"] == []
    ctas = [block for block in response.json()["body"] if block["type"] == "call_to_action"]
    assert [block["value"]["url"] for block in ctas] == [None] * len(HIDDEN)
    assert leaked(response.content.decode()) == []


def test_the_same_blocks_link_their_pages_while_readers_may_follow_them():
    """The test above can fail: the pages, public and live, are in the answer."""
    shown = new_story(news_index(), "Gullhaven")
    shared = new_story(news_index(PINES), "Cedarlune", share=True)
    page = new_story(
        news_index(),
        "Referrer",
        body=[
            {
                "type": "related_stories",
                "value": {"heading": "More", "stories": [shown.pk, shared.pk]},
            },
            {"type": "call_to_action", "value": cta(shown)},
            {"type": "call_to_action", "value": cta(shared)},
        ],
    )
    data = site_client(HARBOR).get(f"/api/pages/{page.pk}").json()
    related = data["body"][1]["value"]["stories"]
    assert [story["title"] for story in related] == [shown.title, shared.title]
    assert [data["body"][n]["value"]["url"] for n in (2, 3)] == [
        shown.get_url_parts()[2],  # on this site: its path
        shared.full_url,  # on the partner's site: its full address
    ]


@pytest.mark.parametrize("kind", ["login", "password", "expired", "unpublished", "draft"])
def test_a_page_chosen_in_a_block_drops_out_of_the_api_once_hidden(kind):
    target = new_story(news_index(), "Gullhaven", live=kind != "draft")
    page = new_story(
        news_index(),
        "Referrer",
        body=[
            {"type": "related_stories", "value": {"heading": "More", "stories": [target.pk]}},
            {"type": "call_to_action", "value": cta(target)},
        ],
    )
    if kind != "draft":
        assert "Gullhaven" in site_client(HARBOR).get(f"/api/pages/{page.pk}").content.decode()
        make_private(target, kind)
    answer = site_client(HARBOR).get(f"/api/pages/{page.pk}")
    assert answer.status_code == 200
    assert "Gullhaven" not in answer.content.decode().replace("Referrer", "")
    assert target.slug not in answer.content.decode()


def routes() -> list[tuple[str, list[dict]]]:
    """Every GET route the public API publishes, with its parameters, from its OpenAPI schema."""
    schema = public_api.get_openapi_schema()
    return [
        (path, operation.get("parameters", []))
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method == "get"
    ]


def requests_for(path: str, parameters: list[dict], page: Page, address: str):
    """The ways to ask `path` about `page`: each integer parameter given its id, a path
    parameter its address, the site its host name."""
    params, url = {}, path
    for parameter in parameters:
        name, where = parameter["name"], parameter["in"]
        types = {parameter.get("schema", {}).get("type")} | {
            option.get("type") for option in parameter.get("schema", {}).get("anyOf", [])
        }
        if where == "path":
            url = url.replace(f"{{{name}}}", str(page.pk))
        elif name == "site":
            params[name] = HARBOR
        elif name == "path":
            params[name] = address
        elif "integer" in types and name not in ("limit", "offset"):
            params[name] = page.pk
    yield url, params
    if params.pop("site", None):
        yield url, params  # the site its Host header names


def test_the_public_api_routes_are_all_probed():
    """If a route is added, the probe below asks it too; if one goes, this says so."""
    assert {path for path, _ in routes()} >= {
        "/api/site",
        "/api/pages",
        "/api/pages/find",
        "/api/pages/{page_id}",
        "/api/preview",
        "/api/hotlines",
        "/api/appeals",
        "/api/help",
    }


@pytest.mark.parametrize("kind", list(HIDDEN))
def test_no_public_api_route_tells_anything_of_a_hidden_page(hidden, referrer, kind):
    page = hidden[kind]
    address = Page.objects.get(pk=page.pk).get_url_parts()[2]
    client = site_client(HARBOR)
    for path, parameters in routes():
        for url, params in requests_for(path, parameters, page, address):
            response = client.get(url, params)
            assert response.status_code < 500, (url, params)
            text = response.content.decode().replace(address, "", 1 if "path" in params else 0)
            assert leaked(text) == [], (url, params, response.status_code)
    for url in (f"/api/pages/{page.pk}", f"/api/pages/find?path={address}"):
        assert client.get(url).status_code == 404
    referring = client.get(f"/api/pages/{referrer.pk}")
    assert referring.status_code == 200 and leaked(referring.content.decode()) == []


def test_the_listing_and_the_detail_never_give_a_login_only_pages_address(hidden):
    page = hidden["login"]
    address = Page.objects.get(pk=page.pk).get_url_parts()[2]
    client = site_client(HARBOR)
    listing = client.get("/api/pages", {"limit": 100, "type": "news_story"})
    assert listing.json()["count"] > 0
    answers = [listing, client.get("/api/pages", {"limit": 100, "parent": news_index().pk})]
    answers.append(client.get("/api/pages/find", {"path": "/stories/"}))
    answers.append(client.get(f"/api/pages/{page.pk}"))
    for answer in answers:
        assert address not in answer.content.decode()
        assert page.slug not in answer.content.decode()
    assert answers[-1].status_code == 404


def test_a_partners_front_end_asking_for_another_site_sees_nothing_hidden(hidden, referrer):
    """?site= names the site asked about: the rule is that site's, not the host's."""
    answer = site_client(PINES).get(f"/api/pages/{referrer.pk}", {"site": HARBOR})
    assert answer.status_code == 200
    assert leaked(answer.content.decode()) == []
    own = StandardPage.objects.descendant_of(Site.objects.get(hostname=HARBOR).root_page).first()
    page = new_story(news_index(), "Linker", body=[{"type": "call_to_action", "value": cta(own)}])
    data = site_client(PINES).get(f"/api/pages/{page.pk}", {"site": HARBOR}).json()
    assert json.dumps(data["body"]).count(own.slug) == 1  # its own site's page is linked
