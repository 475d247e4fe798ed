"""What a reader sees on each demo site: its own name, colours, hotlines and stories, and no one else's."""

import re
from pathlib import Path

import pytest

from django.utils.html import escape

from wagtail.models import Page, Site

from sites.content.branding import SiteBranding
from sites.content.pages import AwarenessArticlePage, NewsIndexPage, NewsStoryPage
from sites.content.sharing import SharedStory
from tests.conftest import DEMO_HOSTS, site_client

pytestmark = pytest.mark.django_db


def stories_of(hostname):
    site = Site.objects.get(hostname=hostname)
    return (
        Page.objects.live().type(NewsStoryPage, AwarenessArticlePage).descendant_of(site.root_page)
    )


@pytest.mark.parametrize("hostname", DEMO_HOSTS)
def test_home_page_shows_its_own_site(hostname):
    branding = SiteBranding.objects.get(site__hostname=hostname)
    response = site_client(hostname).get("/en/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<span class="site-brand__name">{branding.display_name}</span>' in html
    assert f"--brand-primary:{branding.primary_colour};" in html
    assert f"--brand-accent:{branding.accent_colour};" in html
    assert f"<title>{branding.display_name}</title>" in html


@pytest.mark.parametrize("hostname", DEMO_HOSTS)
def test_help_bar_comes_first_with_the_site_hotline_and_the_national_hotline(
    hostname, national_hotline
):
    branding = SiteBranding.objects.select_related("primary_hotline").get(site__hostname=hostname)
    html = site_client(hostname).get("/en/").content.decode()

    help_bar = html[html.index('<aside class="help-bar"') : html.index("</aside>")]
    assert html.index('<aside class="help-bar"') < html.index("<header")
    assert (
        f'href="{branding.primary_hotline.tel_href}">Call {branding.primary_hotline.phone}</a>'
        in help_bar
    )
    assert 'href="tel:+18883737888">Call 1-888-373-7888</a>' in help_bar
    assert 'href="sms:233733?&amp;body=BEFREE">Text BEFREE to 233733</a>' in help_bar
    # The site's own line is first: it is the one for where the reader is.
    assert help_bar.index(branding.primary_hotline.name) <= help_bar.index(national_hotline.name)


def path_of(page):
    """A page's path on its own site, as a reader types it after the host name."""
    return page.get_url_parts()[2]


def listings(hostname):
    """The home page and every story listing of a site, as one text."""
    client = site_client(hostname)
    site = Site.objects.get(hostname=hostname)
    indexes = NewsIndexPage.objects.live().descendant_of(site.root_page)
    return "".join(client.get(path).content.decode() for path in ["/en/", *map(path_of, indexes)])


@pytest.mark.parametrize("hostname", DEMO_HOSTS)
def test_every_page_of_a_site_carries_the_help_bar(hostname):
    client = site_client(hostname)
    site = Site.objects.get(hostname=hostname)
    pages = site.root_page.get_descendants(inclusive=True).live().public()
    assert pages.count() >= 5
    for page in pages:
        response = client.get(path_of(page))
        assert response.status_code == 200, page.url_path
        assert b'href="tel:+18883737888"' in response.content, page.url_path


@pytest.mark.parametrize("hostname", DEMO_HOSTS)
def test_a_sites_stories_are_listed_on_it_and_on_no_other_site_unless_shared(hostname):
    own = list(stories_of(hostname).specific())
    assert own
    for other in DEMO_HOSTS:
        html = listings(other)
        placed = set(
            SharedStory.objects.filter(
                index__in=NewsIndexPage.objects.descendant_of(
                    Site.objects.get(hostname=other).root_page
                )
            ).values_list("story_id", flat=True)
        )
        for story in own:
            expected = other == hostname or story.pk in placed
            assert (escape(story.title) in html) == expected, (story.title, other)


@pytest.mark.parametrize("hostname", DEMO_HOSTS)
def test_a_story_is_served_on_its_own_host_only(hostname):
    story = stories_of(hostname).first()
    path = path_of(story)
    assert site_client(hostname).get(path).status_code == 200
    for other in DEMO_HOSTS:
        if other != hostname:
            assert site_client(other).get(path).status_code == 404, (path, other)


@pytest.mark.parametrize("hostname", DEMO_HOSTS)
def test_every_page_opens_with_the_quick_exit(hostname):
    """The exit comes before anything else in the page, leads to the neutral site without
    JavaScript, and its script is this site's own."""
    from django.conf import settings

    html = site_client(hostname).get("/en/").content.decode()
    body = html.split("<body", 1)[1]
    first_link = re.search(r"<a [^>]*>", body).group(0)
    assert "data-quick-exit" in first_link
    assert f'href="{settings.QUICK_EXIT_URL}"' in first_link
    assert re.search(r'<script src="/static/js/quick-exit[^"]*\.js" defer></script>', html)


@pytest.mark.parametrize("hostname", DEMO_HOSTS)
def test_every_page_carries_the_safety_message_and_leads_to_browsing_more_safely(hostname):
    client = site_client(hostname)
    for path in ["/en/", "/en/about/", "/en/no-such-page/"]:
        html = client.get(path).content.decode()
        message = re.search(r'<p class="safety-message wrap">(.*?)</p>', html, re.S)
        assert message, (hostname, path)
        assert 'href="/en/browse-more-safely/"' in message.group(1)
        assert 'class="site-footer__safety"><a href="/en/browse-more-safely/"' in html


def test_the_browse_more_safely_page_says_what_the_exit_cannot_erase():
    response = site_client("harbor.localhost").get("/en/browse-more-safely/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "It does not erase your browsing history." in html
    assert "Other pages of this site you visited before stay in your history" in html
    assert 'href="tel:+18883737888"' in html  # the help bar, as on every page
    spanish = site_client("harbor.localhost").get("/es/browse-more-safely/").content.decode()
    assert '<html lang="es">' in spanish and "No borra tu historial de navegación." in spanish
    assert site_client("ridge.localhost").get("/es/browse-more-safely/").status_code == 404


@pytest.mark.parametrize(
    "hostname, path",
    [
        ("harbor.localhost", "/en/stories/mayas-story/"),
        ("localhost", "/es/historias/la-trata-ocurre-aqui/"),
    ],
)
def test_a_story_weighs_less_than_100_kb_before_images(hostname, path):
    """HTML, CSS and script together: a story loads fast on a weak phone connection."""
    from django.contrib.staticfiles import finders

    html = site_client(hostname).get(path).content
    assets = re.findall(rb'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
    assert {name.rsplit(b".", 1)[-1] for name in assets} == {b"css", b"js"}
    weight = len(html) + sum(Path(finders.find(name.decode())).stat().st_size for name in assets)
    assert weight < 100_000, weight


def test_a_hotline_with_live_chat_offers_it_in_the_help_bar(national_hotline):
    national_hotline.chat_url = "https://chat.example.org/start"
    national_hotline.save()
    html = site_client("harbor.localhost").get("/es/").content.decode()
    help_bar = html.split("</aside>")[0]
    assert (
        '<a class="help-bar__chat" href="https://chat.example.org/start" rel="noreferrer">'
        "Chatea en línea</a>"
    ) in help_bar
