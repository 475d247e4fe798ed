"""The management API as an agency's own system uses it: a token, drafts, review, and walls.

Every request carries a real API token (Wagtail's APIToken) in its Authorization header; the
review that follows runs through the real admin views, and readers are asked through the real
site and the public API.
"""

import datetime

import pytest

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import APIToken, Page, Site, WorkflowState

from blocks.hotline import Hotline
from sites.agencies.tenancy import Agency
from sites.content.pages import NewsIndexPage, NewsStoryPage
from tests.conftest import logged_in, site_client

pytestmark = pytest.mark.django_db

HARBOR = "harbor.localhost"
PINES = "pines.localhost"


def token_for(user, name="agency cms") -> str:
    return APIToken.create_token(user=user, name=name)[1]


def api(user=None, token=None, host=HARBOR) -> Client:
    """A client for the management API, acting with `user`'s token (or the one given)."""
    key = token or token_for(user)
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {key}")


def news_index(hostname=HARBOR) -> NewsIndexPage:
    return NewsIndexPage.objects.child_of(Site.objects.get(hostname=hostname).root_page).get()


def story(parent_id, **fields):
    return {
        "type": "news_story",
        "parent_id": parent_id,
        "title": "Night outreach report",
        "date": "2026-11-20",
        "summary": "Volunteers met twelve women on the street.",
        "kind": "news",
        "names_changed": True,
        "tags": ["outreach"],
        "body": [
            {"type": "text", "value": "<p>We listened first.</p>"},
            {"type": "tips", "value": {"heading": "Stay safe", "items": ["Trust your instincts."]}},
        ],
        **fields,
    }


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


def messages(response) -> str:
    """The messages of a 422, one line each."""
    return "\n".join(error["msg"] for error in response.json()["detail"])


def pines_draft() -> NewsStoryPage:
    """A story an editor at Northern Pines is still writing."""
    draft = NewsStoryPage(
        title="Pines draft",
        slug="pines-draft",
        date=datetime.date(2026, 11, 1),
        summary="Not yet reviewed.",
        body=[{"type": "text", "value": "<p>A survivor's first week.</p>"}],
        live=False,
    )
    news_index(PINES).add_child(instance=draft)
    draft.save_revision()
    return draft


def image_in(hostname, title):
    agency = Agency.objects.get(site__hostname=hostname)
    return Image.objects.create(
        title=title, file=get_test_image_file(), collection=agency.collection
    )


# --- tokens -------------------------------------------------------------------------------


def test_without_a_valid_token_nothing_answers_and_the_reason_is_given(editor_a):
    key = token_for(editor_a)
    for client in (
        Client(HTTP_HOST=HARBOR),
        Client(HTTP_HOST=HARBOR, HTTP_AUTHORIZATION="Bearer not-a-token"),
        Client(HTTP_HOST=HARBOR, HTTP_AUTHORIZATION=f"Token {key}"),
    ):
        response = client.get("/api/manage/pages")
        assert response.status_code == 401
        assert "Authorization: Bearer" in response.json()["detail"]
        assert response["WWW-Authenticate"].startswith("Bearer")
    assert api(token=key).get("/api/manage/pages").status_code == 200


def test_an_admin_session_is_not_a_token(editor_a):
    """A logged-in browser (a cookie) cannot use the management API: no CSRF door."""
    client = logged_in(editor_a)
    response = client.get("/api/manage/pages", HTTP_HOST=HARBOR)
    assert response.status_code == 401
    response = client.post(
        "/api/manage/pages",
        story(news_index().pk),
        content_type="application/json",
        HTTP_HOST=HARBOR,
    )
    assert response.status_code == 401
    assert not NewsStoryPage.objects.filter(title="Night outreach report").exists()


def test_a_revoked_token_and_a_deactivated_owner_stop_working(editor_a):
    key = token_for(editor_a)
    client = api(token=key)
    assert client.get("/api/manage/whoami").status_code == 200
    APIToken.objects.get(user=editor_a).revoke()
    assert client.get("/api/manage/whoami").status_code == 401

    key = token_for(editor_a, "second")
    editor_a.is_active = False
    editor_a.save()
    assert api(token=key).get("/api/manage/whoami").status_code == 401


def test_whoami_names_the_owner_their_agency_and_role(editor_a, moderator_b):
    data = api(editor_a).get("/api/manage/whoami").json()
    assert data == {
        "username": "editor_a",
        "network_admin": False,
        "agencies": [{"site": HARBOR, "name": "Harbor Light Alliance", "role": "editor"}],
        "token": "agency cms",
    }
    data = api(moderator_b, host=PINES).get("/api/manage/whoami").json()
    assert data["agencies"] == [
        {"site": PINES, "name": "Northern Pines Ministry", "role": "moderator"}
    ]


# --- reading: own pages only, drafts included ----------------------------------------------


def test_a_token_lists_its_agencys_pages_drafts_included_and_no_one_elses(editor_a):
    draft = pines_draft()
    data = api(editor_a).get("/api/manage/pages", {"limit": 100}).json()
    harbor_root = Site.objects.get(hostname=HARBOR).root_page
    expected = set()  # Harbor's pages in every language it is published in
    for home in harbor_root.get_translations(inclusive=True):
        expected |= set(
            Page.objects.descendant_of(home, inclusive=True).values_list("pk", flat=True)
        )
    assert len(expected) > len(harbor_root.get_descendants(inclusive=True))
    assert {item["id"] for item in data["items"]} == expected
    assert data["count"] == len(expected)
    assert {item["site"] for item in data["items"]} == {HARBOR}
    assert draft.pk not in {item["id"] for item in data["items"]}
    # Asking for the other site by name does not widen it.
    data = api(editor_a).get("/api/manage/pages", {"site": PINES}).json()
    assert data["count"] == 0


@pytest.mark.parametrize("role", ["editor_a", "moderator_a"])
@pytest.mark.parametrize("which", ["draft", "live"])
def test_another_agencys_pages_are_out_of_a_tokens_reach(role, which, request):
    """Harbor's editor and moderator: Northern Pines' pages, draft or live, neither read
    (as drafts), changed, submitted, nor added to; each refusal the same as a missing page."""
    user = request.getfixturevalue(role)
    if which == "draft":
        page = pines_draft()
    else:
        pines_home = Site.objects.get(hostname=PINES).root_page
        page = Page.objects.live().child_of(pines_home).exclude(pk=news_index(PINES).pk).first()
    revisions = page.revisions.count()
    client = api(user)
    for response in (
        client.get(f"/api/manage/pages/{page.pk}"),
        patch(client, f"/api/manage/pages/{page.pk}", {"type": "news_story", "title": "Mine"}),
        client.post(f"/api/manage/pages/{page.pk}/submit"),
        post(client, "/api/manage/pages", story(news_index(PINES).pk)),
        client.get("/api/manage/pages", {"parent": news_index(PINES).pk}),
    ):
        if (
            response.request["REQUEST_METHOD"] == "GET"
            and "parent" in response.request["QUERY_STRING"]
        ):
            assert response.json()["count"] == 0
            continue
        assert response.status_code == 404, response.content
        assert "among the pages you may" in response.json()["detail"]
        assert "survivor" not in response.content.decode()
    page.refresh_from_db()
    assert page.draft_title != "Mine"
    assert page.revisions.count() == revisions
    assert not page.workflow_in_progress
    assert not news_index(PINES).get_children().filter(title="Night outreach report").exists()


def test_a_page_detail_is_the_latest_draft_with_its_state(editor_a):
    live = NewsStoryPage.objects.live().descendant_of(news_index()).first()
    live.title = "A draft title"
    live.save_revision(user=editor_a)
    data = api(editor_a).get(f"/api/manage/pages/{live.pk}").json()
    assert data["title"] == "A draft title"
    assert data["live"] is True
    assert data["has_unpublished_changes"] is True
    assert data["review"] is None
    assert data["admin_url"].endswith(f"/admin/pages/{live.pk}/edit/")
    assert data["body"], "the blocks come with the draft"
    # Readers still see the published title.
    assert "A draft title" not in site_client(HARBOR).get(live.get_url_parts()[2]).content.decode()


# --- writing drafts and submitting them -------------------------------------------------------


def test_an_editor_writes_a_draft_that_no_reader_sees(editor_a):
    response = post(api(editor_a), "/api/manage/pages", story(news_index().pk))
    assert response.status_code == 201, response.content
    data = response.json()
    page = NewsStoryPage.objects.get(pk=data["id"])
    assert (page.live, page.owner, page.get_latest_revision().user) == (False, editor_a, editor_a)
    assert data["slug"] == "night-outreach-report"
    assert data["live"] is False and data["review"] is None
    assert [block["type"] for block in data["body"]] == ["text", "tips"]
    assert list(page.tags.names()) == ["outreach"]
    assert site_client(HARBOR).get(data["path"]).status_code == 404
    assert site_client(HARBOR).get(f"/api/pages/{page.pk}").status_code == 404
    # The admin shows it as the editor's draft.
    response = logged_in(editor_a).get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    assert "Night outreach report" in response.content.decode()


def test_submitted_through_the_api_reviewed_and_published_in_the_admin(editor_a, moderator_a):
    response = post(api(editor_a), "/api/manage/pages", story(news_index().pk, submit=True))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["review"]["status"] == "in_progress"
    assert data["review"]["task"] == "Harbor Light Alliance moderators approve"
    page = NewsStoryPage.objects.get(pk=data["id"])
    assert page.workflow_in_progress and not page.live

    # The moderator approves it in the admin, as any submission.
    task_state = page.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk])
    response = logged_in(moderator_a).post(url, {"comment": ""})
    assert response.status_code == 302, response.content

    page.refresh_from_db()
    assert page.live
    html = site_client(HARBOR).get(data["path"]).content.decode()
    assert "We listened first." in html and "Trust your instincts." in html
    public = site_client(HARBOR).get(f"/api/pages/{page.pk}").json()
    assert [block["type"] for block in public["body"]] == ["text", "tips"]


def test_an_editors_token_never_publishes(editor_a):
    """There is no publish operation, and a change to a live page stays a draft."""
    schema = Client().get("/api/manage/openapi.json").json()
    operations = [op.lower() for path in schema["paths"] for op in path.split("/")]
    for forbidden in ("publish", "unpublish", "move", "copy", "delete", "revert", "alias"):
        assert forbidden not in operations
    live = NewsStoryPage.objects.live().descendant_of(news_index()).first()
    response = patch(
        api(editor_a), f"/api/manage/pages/{live.pk}", {"type": "news_story", "title": "Changed"}
    )
    assert response.status_code == 200, response.content
    live.refresh_from_db()
    assert live.title != "Changed" and live.has_unpublished_changes
    assert "Changed" not in site_client(HARBOR).get(live.get_url_parts()[2]).content.decode()


def test_needs_changes_then_resubmitted_through_the_api(editor_a, moderator_a):
    client = api(editor_a)
    page_id = post(client, "/api/manage/pages", story(news_index().pk, submit=True)).json()["id"]
    page = Page.objects.get(pk=page_id)
    task_state = page.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "reject", task_state.pk])
    assert logged_in(moderator_a).post(url, {"comment": "Change her name."}).status_code == 302

    listed = client.get("/api/manage/pages", {"status": "needs_changes"}).json()
    assert [item["id"] for item in listed["items"]] == [page_id]
    response = patch(
        client,
        f"/api/manage/pages/{page_id}",
        {"type": "news_story", "summary": "Names changed.", "submit": True},
    )
    assert response.status_code == 200, response.content
    assert response.json()["review"]["status"] == "in_progress"
    assert WorkflowState.objects.filter(object_id=str(page_id)).count() == 1
    # Submitting again while in review is refused, with the reason.
    response = client.post(f"/api/manage/pages/{page_id}/submit")
    assert response.status_code == 409
    assert "already in review" in response.json()["detail"]


def test_a_page_locked_in_review_cannot_be_changed_by_an_editor(editor_a):
    client = api(editor_a)
    page_id = post(client, "/api/manage/pages", story(news_index().pk, submit=True)).json()["id"]
    response = patch(client, f"/api/manage/pages/{page_id}", {"type": "news_story", "title": "x"})
    assert response.status_code == 409
    assert Page.objects.get(pk=page_id).draft_title == "Night outreach report"


# --- validation: the admin's rules, with every problem named ----------------------------------


def test_the_admins_rules_apply_and_every_problem_is_named(editor_a):
    data = story(
        news_index().pk,
        summary=None,
        body=[{"type": "fact", "value": {"figure": "", "label": "children helped"}}],
    )
    data.pop("summary")
    response = post(api(editor_a), "/api/manage/pages", data)
    assert response.status_code == 422
    problems = {tuple(error["loc"]): error["msg"] for error in response.json()["detail"]}
    assert problems == {
        ("body", "summary"): "This field is required.",
        ("body", "body", 0, "figure"): "This field is required.",
    }
    assert not NewsStoryPage.objects.filter(title="Night outreach report").exists()


@pytest.mark.parametrize(
    "body, where",
    [
        ({"type": "news_story", "parent_id": "x"}, "parent_id"),
        ({"type": "gallery", "parent_id": 1}, "type"),
        ({"type": "news_story", "parent_id": 1, "body": [{"type": "video", "value": {}}]}, "body"),
        ({"type": "news_story", "parent_id": 1, "slug": "no spaces"}, "slug"),
        ({"type": "news_story", "parent_id": 1, "title": "a\x00b"}, "title"),
    ],
)
def test_malformed_bodies_get_a_422_naming_the_field(editor_a, body, where):
    response = post(api(editor_a), "/api/manage/pages", body)
    assert response.status_code == 422
    assert where in str(response.json()["detail"])


def test_unparseable_json_is_a_400_not_a_500(editor_a):
    response = api(editor_a).post("/api/manage/pages", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "Cannot parse request body" in response.json()["detail"]


def test_a_story_goes_only_where_the_page_tree_allows(editor_a):
    home = Site.objects.get(hostname=HARBOR).root_page
    response = post(api(editor_a), "/api/manage/pages", story(home.pk))
    assert response.status_code == 422
    assert "news index" in messages(response)


def test_a_page_keeps_its_type(editor_a):
    live = NewsStoryPage.objects.live().descendant_of(news_index()).first()
    response = patch(api(editor_a), f"/api/manage/pages/{live.pk}", {"type": "standard"})
    assert response.status_code == 422
    assert "is a news_story" in messages(response)
    home = Site.objects.get(hostname=HARBOR).root_page
    response = patch(api(editor_a), f"/api/manage/pages/{home.pk}", {"type": "standard"})
    assert response.status_code == 422
    assert "edit it in the admin" in messages(response)


def test_another_agencys_hotline_and_image_are_refused(editor_a):
    pines_line = Hotline.objects.filter(owner__hostname=PINES).first()
    assert pines_line is not None, "the demo gives Northern Pines a hotline of its own"
    own_image, pines_image = image_in(HARBOR, "Harbor van"), image_in(PINES, "Pines office")
    body = [
        {"type": "hotline_panel", "value": {"heading": "Call", "hotlines": [pines_line.pk]}},
        {"type": "image", "value": {"image": pines_image.pk, "alt_text": "An office"}},
        {"type": "image", "value": {"image": own_image.pk, "alt_text": "A van"}},
    ]
    response = post(
        api(editor_a),
        "/api/manage/pages",
        story(news_index().pk, body=body, hero_image=pines_image.pk),
    )
    assert response.status_code == 422
    messages = [error["msg"] for error in response.json()["detail"]]
    assert any("belongs to another agency" in message for message in messages)
    assert any("not in your agency's media library" in message for message in messages)
    assert {tuple(error["loc"][:2]) for error in response.json()["detail"]} == {
        ("body", "body"),
        ("body", "hero_image"),
    }

    body = [{"type": "image", "value": {"image": own_image.pk, "alt_text": "A van"}}]
    response = post(
        api(editor_a),
        "/api/manage/pages",
        story(news_index().pk, body=body, hero_image=own_image.pk),
    )
    assert response.status_code == 201, response.content
    assert response.json()["body"][0]["value"]["image"]["id"] == own_image.pk


# --- the listing's cost ------------------------------------------------------------------------


def test_listing_costs_the_same_queries_for_any_number_of_pages(moderator_a):
    client = api(moderator_a)
    for n in range(6):
        post(
            client,
            "/api/manage/pages",
            story(news_index().pk, title=f"Story {n}", submit=n % 2 == 0),
        )

    def queries(limit):
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/manage/pages", {"limit": limit, "type": "news_story"})
        assert response.status_code == 200
        assert len(response.json()["items"]) == limit
        return len(captured)

    assert queries(2) == queries(9)
    assert queries(9) <= 12


def test_a_storys_hero_picture_gets_its_alt_text_or_is_marked_decorative(editor_a):
    """What the admin's hero panel asks (sites.content.heroes), the API sets too: the picture's
    alt text, or that it is decorative."""
    image = image_in(HARBOR, "Harbor van at night")
    response = post(
        api(editor_a),
        "/api/manage/pages",
        story(
            news_index().pk,
            hero_image=image.pk,
            hero_image_alt="A white van parked under a street light.",
        ),
    )
    assert response.status_code == 201, response.content
    draft = Page.objects.get(pk=response.json()["id"]).get_latest_revision_as_object()
    assert (draft.hero_image_id, draft.hero_alt) == (
        image.pk,
        "A white van parked under a street light.",
    )
    assert draft.hero_image_decorative is False

    response = post(
        api(editor_a),
        "/api/manage/pages",
        story(
            news_index().pk,
            slug="decorative-hero",
            hero_image=image.pk,
            hero_image_decorative=True,
        ),
    )
    assert response.status_code == 201, response.content
    draft = Page.objects.get(pk=response.json()["id"]).get_latest_revision_as_object()
    assert draft.hero_image_decorative is True and draft.hero_alt == ""

    response = post(
        api(editor_a),
        "/api/manage/pages",
        story(news_index().pk, slug="long-alt", hero_image=image.pk, hero_image_alt="x" * 251),
    )
    assert response.status_code == 422


def test_the_about_block_is_written_through_the_api_and_checked_like_the_admins(editor_a):
    about = {
        "type": "about",
        "value": {
            "heading": "Who we are",
            "text": "<p>We answer the call at any hour.</p>",
            "figures": [{"figure": "216", "label": "children helped last year"}],
            "gifts": [
                {"percent": 80, "label": "Advocates on call at night"},
                {"percent": 20, "label": "Freedom Bags"},
            ],
            "partners": [{"name": "County Child Services", "url": "https://example.org/"}],
            "accountability": "Registered 501(c)(3) nonprofit.",
        },
    }
    standard = {"type": "standard", "parent_id": Site.objects.get(hostname=HARBOR).root_page_id}
    response = post(
        api(editor_a),
        "/api/manage/pages",
        {**standard, "title": "Who we are", "slug": "who-we-are", "body": [about]},
    )
    assert response.status_code == 201, response.content
    draft = Page.objects.get(pk=response.json()["id"]).get_latest_revision_as_object()
    (block,) = draft.body
    assert block.block_type == "about"
    assert [gift["label"] for gift in block.value["gifts"]] == [
        "Advocates on call at night",
        "Freedom Bags",
    ]
    assert block.value["figures"][0]["figure"] == "216"

    # Shares that do not add up to 100 are refused as the admin refuses them.
    about["value"]["gifts"][1]["percent"] = 30
    response = post(
        api(editor_a),
        "/api/manage/pages",
        {**standard, "title": "Who we are", "slug": "who-we-are-2", "body": [about]},
    )
    assert response.status_code == 422, response.content
