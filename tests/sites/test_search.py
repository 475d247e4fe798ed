"""Site search: the reader's own site, in the language being read, live public pages only."""

import datetime
import re

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Site

from sites.content.pages import NewsIndexPage, NewsStoryPage
from tests.conftest import site_client

pytestmark = pytest.mark.django_db


def titles(hostname, path="/en/search/", **params):
    response = site_client(hostname).get(path, params)
    assert response.status_code == 200
    results = re.search(r'<ol class="search-results">(.*?)</ol>', response.content.decode(), re.S)
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', results.group(1)) if results else []


def test_search_finds_the_sites_own_live_pages_in_the_readers_language():
    found = titles("harbor.localhost", q="Maya")
    assert "Maya&#x27;s story: from a “boyfriend” to a way out" in found
    assert all("La historia" not in title for title in found)
    spanish = titles("harbor.localhost", "/es/search/", q="Maya")
    assert "La historia de Maya: de un “novio” a una salida" in spanish
    assert titles("pines.localhost", q="Maya") == [], "another agency's stories are not found"


def test_drafts_are_not_found():
    root = Site.objects.get(hostname="harbor.localhost").root_page
    index = NewsIndexPage.objects.child_of(root).get()
    draft = NewsStoryPage(
        title="Zephyrine draft", slug="zephyrine", date=datetime.date(2026, 11, 1),
        summary="s", body=[{"type": "text", "value": "<p>x</p>"}], live=False,
    )  # fmt: skip
    index.add_child(instance=draft)
    draft.save_revision()
    assert titles("harbor.localhost", q="Zephyrine") == []


def test_no_results_say_so_and_point_to_the_hotlines():
    html = site_client("harbor.localhost").get("/en/search/", {"q": "qwxzv"}).content.decode()
    assert "Nothing found for “qwxzv”." in html
    assert 'href="tel:+18883737888"' in html


def test_a_search_costs_the_same_whatever_it_finds():
    client = site_client("harbor.localhost")
    client.get("/en/search/", {"q": "children"})

    def queries(q):
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/en/search/", {"q": q}).status_code == 200
        return len(captured)

    assert queries("children") == queries("trafficking") <= 25
