"""Readers and languages: /es/ and /en/ addresses, the reader's language at /, switcher, hreflang, API."""

import re

import pytest

from wagtail.models import Page

from sites.content.pages import StandardPage
from tests.conftest import site_client

pytestmark = pytest.mark.django_db

HARBOR = "harbor.localhost"  # published in English and Spanish in the demo
RIDGE = "ridge.localhost"  # English only


def get(hostname, path, **headers):
    return site_client(hostname).get(path, **headers)


@pytest.mark.parametrize(
    "hostname, accept, expected",
    [
        (HARBOR, "es-MX,es;q=0.9,en;q=0.5", "/es/"),
        (HARBOR, "en-US,en;q=0.9", "/en/"),
        (HARBOR, "fr-FR,fr;q=0.9", "/en/"),  # not offered: the source language
        (HARBOR, "", "/en/"),
        (RIDGE, "es-MX,es;q=0.9", "/en/"),  # a site published in English only
        ("pines.localhost", "es", "/es/"),
        ("localhost", "es", "/es/"),  # the network home is bilingual
    ],
)
def test_the_bare_address_leads_to_the_readers_best_language(hostname, accept, expected):
    response = get(hostname, "/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response["Location"] == expected
    assert "Accept-Language" in response["Vary"]
    assert not response.cookies, "no cookie for anonymous readers"


def test_a_site_not_published_in_a_language_has_nothing_under_it():
    """No English shown under /es/: wagtail-localize's fallback becomes a 404."""
    assert get(RIDGE, "/es/").status_code == 404
    assert get(RIDGE, "/en/").status_code == 200


def test_an_old_address_without_a_language_leads_to_the_source_language():
    response = get(HARBOR, "/stories/mayas-story/")
    assert (response.status_code, response["Location"]) == (302, "/en/stories/mayas-story/")


@pytest.mark.parametrize("path", ["/en/no-such-page/", "/es/nada/", "/favicon.ico"])
def test_an_address_that_is_nowhere_ends_in_a_404_not_a_redirect_loop(path):
    client = site_client(HARBOR)
    response = client.get(path, follow=True)
    assert response.status_code == 404
    assert len(response.redirect_chain) <= 2, response.redirect_chain


def language_links(html: str) -> dict:
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)
    hreflang = dict(re.findall(r'<link rel="alternate" hreflang="(\w+)" href="([^"]+)">', html))
    return {"switcher": switcher, "hreflang": hreflang}


def test_a_translated_page_names_its_language_and_links_its_translations():
    response = get(HARBOR, "/es/historias/la-historia-de-maya/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert "Maya no es su nombre real" in html
    assert "Maya is not her real name" not in html
    links = language_links(html)
    assert links["hreflang"] == {
        "en": "http://harbor.localhost/en/stories/mayas-story/",
        "es": "http://harbor.localhost/es/historias/la-historia-de-maya/",
    }
    assert 'href="/en/stories/mayas-story/" hreflang="en"' in links["switcher"]
    assert '<span aria-current="true" lang="es">Español</span>' in links["switcher"]
    assert response["Content-Language"] == "es"


def test_a_page_without_a_translation_leads_to_that_languages_home_and_says_so():
    harbor_home = Page.objects.get(url_path="/harbor-light-alliance/")
    page = StandardPage(title="English only", slug="english-only")
    harbor_home.add_child(instance=page)
    page.save_revision().publish()
    html = get(HARBOR, "/en/english-only/").content.decode()
    links = language_links(html)
    assert links["hreflang"] == {"en": "http://harbor.localhost/en/english-only/"}
    assert re.search(
        r'<a href="/es/"[^>]*>Español <small[^>]*>\(home page\)</small>', links["switcher"]
    )
    assert get(HARBOR, "/es/english-only/").status_code == 404


def test_single_language_sites_show_no_switcher():
    html = get(RIDGE, "/en/").content.decode()
    assert "language-switcher" not in html
    assert 'hreflang="' not in html


def test_the_help_bar_and_navigation_speak_the_readers_language():
    html = get(HARBOR, "/es/").content.decode()
    help_bar = html.split("</aside>")[0]
    assert "Línea Nacional contra la Trata de Personas" in help_bar
    assert 'href="tel:+18883737888"' in help_bar  # numbers are synchronised, not translated
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
    assert 'href="/es/historias/"' in nav and "Noticias e historias" in nav


def test_the_api_lists_the_sites_languages_and_filters_by_one():
    info = get(HARBOR, "/api/site").json()
    assert [(lang["code"], lang["home"]) for lang in info["languages"]] == [
        ("en", "/en/"),
        ("es", "/es/"),
    ]
    default = site_client(HARBOR).get("/api/pages", {"limit": 100}).json()
    assert {item["locale"] for item in default["items"]} == {"en"}
    only = site_client(HARBOR).get("/api/pages", {"locale": "es", "limit": 100}).json()
    assert only["count"] > 0 and {item["locale"] for item in only["items"]} == {"es"}
    found = (
        site_client(HARBOR)
        .get("/api/pages/find", {"path": "/es/historias/la-historia-de-maya/"})
        .json()
    )
    assert found["title"] == "La historia de Maya: de un “novio” a una salida"
    assert site_client(RIDGE).get("/api/pages", {"locale": "es"}).json()["count"] == 0
    assert site_client(HARBOR).get("/api/pages", {"locale": "xx"}).status_code == 422


def test_the_words_on_every_page_are_the_home_pages_in_the_readers_language():
    """Tagline, donate button and footer live on the home page, so they are translated with it."""
    english = get(HARBOR, "/en/stories/mayas-story/").content.decode()
    spanish = get(HARBOR, "/es/historias/la-historia-de-maya/").content.decode()
    assert "Standing beside children found in trafficking in Los Angeles County." in english
    assert "Al lado de los niños encontrados en situación de trata" in spanish
    assert ">Give now</a>" in english and ">Dona ahora</a>" in spanish
    assert "Los nombres de los niños de nuestras historias siempre se cambian." in spanish
    assert "Names of children in our stories are always changed." not in spanish


def test_the_api_gives_the_sites_words_in_a_language():
    english = site_client(HARBOR).get("/api/site").json()
    spanish = site_client(HARBOR).get("/api/site", {"locale": "es"}).json()
    assert (english["language"], spanish["language"]) == ("en", "es")
    assert english["donate_label"] == "Give now" and spanish["donate_label"] == "Dona ahora"
    assert spanish["tagline"].startswith("Al lado de los niños")
    assert spanish["home"]["path"] == "/es/"
    assert all(item["path"].startswith("/es/") for item in spanish["navigation"])
    names = [line["name"] for line in spanish["help_hotlines"]]
    assert "Línea Nacional contra la Trata de Personas" in names
    # A language the site is not published in falls back to its source language.
    assert site_client(RIDGE).get("/api/site", {"locale": "es"}).json()["language"] == "en"
