"""How a site looks: its theme chosen in Site branding, its logo (or its name alone), the home
page's hero, pictures that say what they show, link previews, the About block and print (#26)."""

import io
import re
from html.parser import HTMLParser

import pytest
from PIL import Image as PILImage

from django.contrib.staticfiles import finders
from django.urls import reverse

from wagtail.images.models import Image
from wagtail.models import Site

from blocks.about import AboutBlock
from sites.content.branding import SiteBranding
from sites.content.pages import HomePage, NewsIndexPage, NewsStoryPage
from sites.content.themes import Theme
from tests.admin_forms import branding_form, story_form
from tests.conftest import DEMO_HOSTS, site_client

pytestmark = pytest.mark.django_db


class Tags(HTMLParser):
    """Every start tag of a page, with its attributes."""

    def __init__(self, html):
        super().__init__()
        self.tags = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def find(self, tag, **wanted) -> list[dict]:
        return [
            attrs
            for name, attrs in self.tags
            if name == tag
            and all(
                value in (attrs.get(key.rstrip("_")) or "").split()
                if key.endswith("_")
                else attrs.get(key) == value
                for key, value in wanted.items()
            )
        ]


def html_of(hostname, path="/en/") -> str:
    response = site_client(hostname).get(path)
    assert response.status_code == 200, (hostname, path)
    return response.content.decode()


def body_classes(html) -> set[str]:
    (body,) = Tags(html).find("body")
    return set(body["class"].split())


def stylesheet() -> str:
    return open(finders.find("css/lantern.css"), encoding="utf-8").read()


def test_each_demo_site_has_its_own_theme_and_the_stylesheet_styles_every_theme():
    themes = {
        hostname: f"theme-{SiteBranding.for_site(Site.objects.get(hostname=hostname)).theme}"
        for hostname in DEMO_HOSTS
    }
    assert len(set(themes.values())) == len(DEMO_HOSTS) == len(Theme)
    for hostname, theme in themes.items():
        assert theme in body_classes(html_of(hostname)), hostname
        assert theme in body_classes(html_of(hostname, "/en/about/")), hostname  # every page
    css = stylesheet()
    for theme in Theme.values:
        if theme != "classic":  # the base rules
            assert f".theme-{theme} {{" in css, theme


def test_a_theme_chosen_in_the_admin_changes_that_site_only(admin_client):
    site = Site.objects.get(hostname="ridge.localhost")
    branding = SiteBranding.for_site(site)
    assert branding.theme != Theme.BOLD

    response = admin_client.post(
        reverse("wagtailsettings:edit", args=["agency_sites", "sitebranding", site.pk]),
        branding_form(branding, theme=Theme.BOLD),
    )

    assert response.status_code == 302, response.content.decode()[-2000:]
    assert "theme-bold" in body_classes(html_of("ridge.localhost"))
    assert "theme-bold" not in body_classes(html_of("pines.localhost"))


def test_the_theme_form_offers_every_theme_with_what_it_changes(admin_client):
    site = Site.objects.get(hostname="ridge.localhost")
    html = admin_client.get(
        reverse("wagtailsettings:edit", args=["agency_sites", "sitebranding", site.pk])
    ).content.decode()
    radios = Tags(html).find("input", type="radio", name="theme")
    assert {radio["value"] for radio in radios} == set(Theme.values)
    assert "Gentle: light header, serif headings" in html


def test_the_logo_shows_beside_the_name_and_the_name_alone_without_one(admin_client, change):
    html = html_of("harbor.localhost")
    (logo,) = Tags(html).find("img", class_="site-brand__logo")
    assert logo["alt"] == ""  # the name beside it says who it is
    assert logo["src"].endswith(".png") and int(logo["height"]) == 96
    assert '<span class="site-brand__name">Harbor Light Alliance</span>' in html

    site = Site.objects.get(hostname="harbor.localhost")
    url = reverse("wagtailsettings:edit", args=["agency_sites", "sitebranding", site.pk])
    branding = SiteBranding.for_site(site)
    response = change(admin_client.post, url, branding_form(branding, logo_includes_name="on"))
    assert response.status_code == 302
    html = html_of("harbor.localhost")
    assert '<span class="site-brand__name visually-hidden">Harbor Light Alliance</span>' in html

    response = change(admin_client.post, url, branding_form(branding, logo=""))
    assert response.status_code == 302
    html = html_of("harbor.localhost")
    assert not Tags(html).find("img", class_="site-brand__logo")
    assert '<span class="site-brand__name">Harbor Light Alliance</span>' in html


def test_the_home_hero_has_its_picture_its_words_one_donate_button_and_the_local_line():
    html = html_of("harbor.localhost")
    hero = html[html.index('<section class="hero') : html.index("</section>")]
    tags = Tags(hero)
    (picture,) = tags.find("img", class_="hero__image")
    assert picture["alt"] == (
        "A lighthouse on a harbour wall sends its beam across the water at dusk."
    )
    assert "Every child deserves someone who shows up" in hero
    buttons = tags.find("a", class_="button")
    assert [button["href"] for button in buttons] == ["https://donate.example.org/harbor"]
    assert tags.find("a", class_="hero__line-call", href="tel:+12135550142")


def test_a_story_picture_says_what_it_shows_unless_it_is_decorative(change):
    story = NewsStoryPage.objects.get(slug="mayas-story", locale__language_code="en")
    path = story.get_url_parts()[2]
    (hero,) = Tags(html_of("harbor.localhost", path)).find("img", class_="story__image")
    assert hero["alt"] == "Three small sailing boats on a calm harbour under a full moon and stars."

    story.hero_image_decorative = True
    change(lambda: story.save_revision().publish())
    (hero,) = Tags(html_of("harbor.localhost", path)).find("img", class_="story__image")
    assert hero["alt"] == ""


def test_every_demo_story_card_has_a_picture():
    for hostname in DEMO_HOSTS:
        html = html_of(hostname, "/en/")
        cards = html.count('<article class="card">')
        assert cards and len(Tags(html).find("img", class_="card__image")) == cards, hostname


def png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (160, 90), (11, 61, 92)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_admin_asks_what_a_hero_picture_shows_or_that_it_is_decorative(admin_client):
    from django.core.files.images import ImageFile

    image = Image.objects.create(title="Dusk", file=ImageFile(io.BytesIO(png()), name="dusk.png"))
    index = NewsIndexPage.objects.child_of(
        Site.objects.get(hostname="pines.localhost").root_page
    ).get()
    url = reverse("wagtailadmin_pages:add", args=["agency_sites", "newsstorypage", index.pk])

    response = admin_client.post(url, story_form("At dusk", "at-dusk", hero_image=image.pk))

    assert response.status_code == 200
    assert "Say what the picture shows, or tick “the picture is decorative”." in (
        response.content.decode()
    )
    assert not NewsStoryPage.objects.filter(slug="at-dusk").exists()

    response = admin_client.post(
        url, story_form("At dusk", "at-dusk", hero_image=image.pk, hero_image_decorative="on")
    )
    assert response.status_code == 302
    response = admin_client.post(
        url,
        story_form("At dawn", "at-dawn", hero_image=image.pk, hero_image_alt="Hills at dawn."),
    )
    assert response.status_code == 302
    assert NewsStoryPage.objects.get(slug="at-dawn").hero_alt == "Hills at dawn."


def meta(html, prop) -> str | None:
    found = Tags(html).find("meta", property=prop)
    return found[0]["content"] if found else None


def test_a_shared_link_shows_the_pages_picture_or_else_the_sites(change):
    story = NewsStoryPage.objects.get(slug="mayas-story", locale__language_code="en")
    html = html_of("harbor.localhost", story.get_url_parts()[2])
    image = meta(html, "og:image")
    assert re.fullmatch(r"http://harbor\.localhost/media/images/harbor-story-2[^/]*\.jpg", image)
    assert meta(html, "og:type") == "article"
    assert meta(html, "og:title") == story.title
    # The preview's picture is served, cropped to 1200 by 630 at most, as JPEG.
    response = site_client("harbor.localhost").get(image.removeprefix("http://harbor.localhost"))
    served = PILImage.open(io.BytesIO(b"".join(response.streaming_content)))
    assert served.format == "JPEG" and served.width / served.height == pytest.approx(
        1200 / 630, 0.01
    )

    about = html_of("harbor.localhost", "/en/about/")  # no picture of its own: the site's
    assert "harbor-hero" in meta(about, "og:image")
    assert meta(about, "og:image:alt").startswith("A lighthouse on a harbour wall")

    branding = SiteBranding.for_site(Site.objects.get(hostname="harbor.localhost"))
    branding.share_image = None
    change(branding.save)
    assert meta(html_of("harbor.localhost", "/en/about/"), "og:image") is None


def test_a_shared_link_describes_the_page_in_its_own_words():
    """The search description an editor wrote, else a story's summary, else a home page's hero
    text: in the page's description and its link preview alike."""
    story = NewsStoryPage.objects.get(slug="mayas-story", locale__language_code="en")
    html = html_of("harbor.localhost", story.get_url_parts()[2])
    described = Tags(html).find("meta", name="description")[0]["content"]
    assert described == meta(html, "og:description") == (story.search_description or story.summary)
    home = Site.objects.get(hostname="harbor.localhost").root_page.specific
    html = html_of("harbor.localhost", "/en/")
    expected = home.search_description or home.hero_text
    assert expected and meta(html, "og:description") == expected


def test_the_about_block_shows_who_the_agency_is_its_figures_gifts_and_partners():
    html = html_of("harbor.localhost")
    about = html[html.index('<section class="block-about"') :]
    about = about[: about.index("</section>")]
    assert '<h2 id="about-who-we-are">Who we are</h2>' in about
    assert '<span class="figures__figure">24/7</span>' in about
    assert '<span class="gift-uses__share">78%</span>' in about
    assert "<li>County probation</li>" in about
    assert "independent auditor" in about
    spanish = html_of("harbor.localhost", "/es/")
    assert "Quiénes somos" in spanish and "El alguacil del condado" in spanish


def test_the_about_blocks_gift_shares_must_add_up_to_100():
    from django.core.exceptions import ValidationError

    block = AboutBlock()
    value = block.to_python(
        {
            "heading": "Who we are",
            "text": "<p>Advocates.</p>",
            "figures": [],
            "gifts": [{"percent": 80, "label": "Care"}, {"percent": 10, "label": "Running"}],
            "partners": [],
            "accountability": "",
        }
    )
    with pytest.raises(ValidationError) as error:
        block.clean(value)
    assert "The shares add up to 90%; they should add up to 100%." in str(
        error.value.block_errors["gifts"].non_block_errors
    )


def test_harbors_home_lists_each_story_once():
    html = html_of("harbor.localhost")
    for story in NewsStoryPage.objects.filter(locale__language_code="en").descendant_of(
        Site.objects.get(hostname="harbor.localhost").root_page
    ):
        assert html.count(f'href="{story.get_url_parts()[2]}"') == 1, story.slug


def test_a_home_page_features_only_stories_its_body_does_not_list():
    home = HomePage.objects.get(pk=Site.objects.get(hostname="harbor.localhost").root_page_id)
    assert home.stories_in_body()
    html = html_of("harbor.localhost")
    assert 'id="featured-heading"' not in html  # the newest three are the body's already


def test_the_print_stylesheet_hides_the_chrome_and_prints_addresses_in_full():
    css = stylesheet()
    print_rules = css[css.index("@media print") :]
    for hidden in (".quick-exit", ".site-nav", ".find-help__form", ".hero__media"):
        assert hidden in print_rules.split("display: none")[0], hidden
    assert 'a[href^="http"]::after' in print_rules and 'content: " (" attr(href) ")"' in print_rules
    assert "break-inside: avoid" in print_rules
