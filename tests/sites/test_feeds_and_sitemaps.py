"""Feeds of live stories per site and per stories index, and a sitemap per site."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from wagtail.models import Page, Site

from sites.content.pages import NewsIndexPage, NewsStoryPage
from tests.conftest import DEMO_HOSTS, site_client

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def site(hostname):
    return Site.objects.get(hostname=hostname)


def rss_links(hostname, url):
    response = site_client(hostname).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return [item.findtext("link") for item in ET.fromstring(response.content).iter("item")]


@pytest.mark.parametrize("hostname", DEMO_HOSTS)
def test_a_sites_feed_lists_its_own_live_stories_only(hostname):
    links = rss_links(hostname, "/feed/")
    stories = NewsStoryPage.objects.live().descendant_of(site(hostname).root_page)
    assert links
    assert all(link.startswith(f"http://{hostname}/") for link in links)
    for story in stories:
        assert story.get_full_url() in links


def test_a_stories_index_has_rss_and_atom_feeds_and_drafts_stay_out():
    index = NewsIndexPage.objects.child_of(site("harbor.localhost").root_page).get()
    draft = NewsStoryPage(
        title="Draft only",
        date=datetime.date(2026, 11, 2),
        summary="s",
        body=[{"type": "text", "value": "<p>x</p>"}],
        live=False,
    )
    index.add_child(instance=draft)
    path = index.get_url_parts()[2]

    links = rss_links("harbor.localhost", f"{path}feed/")
    atom = site_client("harbor.localhost").get(f"{path}feed/atom/")

    assert len(links) == NewsStoryPage.objects.live().child_of(index).count()
    assert not any("draft-only" in link for link in links)
    titles = [
        entry.findtext(f"{ATOM}title") for entry in ET.fromstring(atom.content).iter(f"{ATOM}entry")
    ]
    assert "Draft only" not in titles and len(titles) == len(links)


def test_every_page_links_its_feeds():
    html = site_client("pines.localhost").get("/en/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in html and 'href="/feed/"' in html


@pytest.mark.parametrize("hostname", DEMO_HOSTS)
def test_each_site_has_its_own_sitemap_of_live_public_pages(hostname):
    response = site_client(hostname).get("/sitemap.xml")
    locations = {loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")}
    expected = set()  # in every language the site is published in
    for home in site(hostname).root_page.get_translations(inclusive=True).live():
        expected |= {
            page.get_full_url()
            for page in Page.objects.live().public().descendant_of(home, inclusive=True)
        }
    assert locations == expected


def test_a_bilingual_sitemap_names_each_pages_translations():
    response = site_client("harbor.localhost").get("/sitemap.xml")
    root = ET.fromstring(response.content)
    urls = {
        url.find(f"{SITEMAP}loc").text: {
            link.get("hreflang"): link.get("href")
            for link in url.iter("{http://www.w3.org/1999/xhtml}link")
        }
        for url in root.iter(f"{SITEMAP}url")
    }
    english = "http://harbor.localhost/en/stories/mayas-story/"
    spanish = "http://harbor.localhost/es/historias/la-historia-de-maya/"
    assert urls[english] == urls[spanish] == {"en": english, "es": spanish}
    assert not any("/es/" in loc for loc in _locations("ridge.localhost"))


def _locations(hostname):
    response = site_client(hostname).get("/sitemap.xml")
    return {loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")}
