"""Images as a reader on a phone receives them: several widths, modern formats, no layout shift.

Every test asks a site for a page over HTTP, as a browser does, then opens each rendition the
page names to check it exists and is the format and width the markup claims.
"""

import datetime
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image as PILImage
from PIL import ImageDraw

from django.conf import settings
from django.core.cache import caches
from django.core.files.images import ImageFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.images.models import Filter, Image, Rendition
from wagtail.models import Site

from sites.agencies.tenancy import Agency
from sites.content.pages import AwarenessArticlePage, HomePage, NewsIndexPage, NewsStoryPage
from sites.serving.templatetags import lantern_images
from tests.conftest import site_client

pytestmark = pytest.mark.django_db

HOST = "harbor.localhost"
# WebP, not AVIF: browsers readers use all take it, and AVIF took ~0.6 s a size to encode here,
# on the first view of every new image.
MODERN = {"image/webp"}
# What each type's file starts with, and the name Pillow gives the format when it opens one.
MAGIC = {
    "image/webp": (lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP", "WEBP", ".webp"),
    "image/jpeg": (lambda head: head[:3] == b"\xff\xd8\xff", "JPEG", ".jpg"),
}


@pytest.fixture(autouse=True)
def no_cached_renditions():
    """Renditions are cached by image id, which a rolled-back test database may hand out again."""
    Rendition.cache_backend.clear()
    caches["default"].clear()


def photo(title="Lantern at dusk", size=(1600, 1000)) -> Image:
    """A real JPEG, larger than the widest rendition, in the harbor agency's collection."""
    picture = PILImage.new("RGB", size, (29, 53, 87))
    draw = ImageDraw.Draw(picture)
    for n in range(12):
        draw.ellipse(
            [n * 120, n * 60, n * 120 + 300, n * 60 + 300], fill=(255, 209 - n * 10, 102 + n * 10)
        )
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=90)
    return Image.objects.create(
        title=title,
        file=ImageFile(buffer, name="lantern.jpg"),
        collection=Agency.objects.get(site__hostname=HOST).collection,
    )


def harbor_index() -> NewsIndexPage:
    return NewsIndexPage.objects.child_of(Site.objects.get(hostname=HOST).root_page).get()


def publish_story(page_type=NewsStoryPage, *, hero=None, body_image=None, slug="lit-story"):
    """A live story, newest on the site (so the home page features it), with a hero and an
    image block after enough text for it to sit below the fold."""
    body = [{"type": "text", "value": "<p>Before the image.</p>" * 8}]
    if body_image:
        body.append(
            {
                "type": "image",
                "value": {
                    "image": {
                        "image": body_image.pk,
                        "alt_text": "A lantern on a harbour wall",
                        "decorative": False,
                    },
                    "caption": "The harbour at dusk",
                    "credit": "",
                },
            }
        )
    story = page_type(
        title="A lit story",
        slug=slug,
        date=datetime.date(2099, 1, 1),
        summary="A story with pictures.",
        hero_image=hero,
        body=body,
    )
    harbor_index().add_child(instance=story)
    story.save_revision().publish()
    return story


class Pictures(HTMLParser):
    """Every <picture> in a page: its <source>s and its <img>, with their attributes."""

    def __init__(self, html):
        super().__init__()
        self.pictures, self.imgs, self.current = [], [], None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "picture":
            self.current = {"sources": [], "img": None}
        elif tag == "source" and self.current is not None:
            self.current["sources"].append(attrs)
        elif tag == "img":
            self.imgs.append(attrs)
            if self.current is not None:
                self.current["img"] = attrs

    def handle_endtag(self, tag):
        if tag == "picture" and self.current is not None:
            self.pictures.append(self.current)
            self.current = None

    def with_class(self, css_class):
        found = [p for p in self.pictures if css_class in p["img"].get("class", "").split()]
        assert found, f"no <picture> with an <img class={css_class!r}>"
        return found


def candidates(srcset):
    """[(url, width)] from a srcset with width descriptors."""
    pairs = []
    for candidate in srcset.split(","):
        url, descriptor = candidate.split()
        assert re.fullmatch(r"\d+w", descriptor), candidate
        pairs.append((url, int(descriptor[:-1])))
    return pairs


def assert_served_as(url, mime_type, width=None):
    """The rendition behind `url` is on disk, of the type the markup names, `width` pixels wide."""
    looks_right, pillow_format, extension = MAGIC[mime_type]
    assert url.startswith(settings.MEDIA_URL), url
    assert url.endswith(extension), (url, mime_type)
    name = url.removeprefix(settings.MEDIA_URL)
    assert default_storage.exists(name), url
    with default_storage.open(name) as file:
        data = file.read()
    assert looks_right(data[:16]), (url, data[:16])
    with PILImage.open(io.BytesIO(data)) as opened:
        assert opened.format == pillow_format, url
        if width is not None:
            assert opened.width == width, url


def assert_responsive(picture, widths):
    """Modern sources, then a JPEG <img> fallback, each with every width and real files."""
    sources, img = picture["sources"], picture["img"]
    assert {source["type"] for source in sources} == MODERN
    for source in sources:
        pairs = candidates(source["srcset"])
        assert sorted(width for _, width in pairs) == sorted(widths)
        assert source["sizes"] == img["sizes"]
        for url, width in pairs:
            assert_served_as(url, source["type"], width)
    pairs = candidates(img["srcset"])
    assert sorted(width for _, width in pairs) == sorted(widths)
    for url, width in pairs:
        assert_served_as(url, "image/jpeg", width)
    assert_served_as(img["src"], "image/jpeg")
    # Explicit dimensions, those of the widest rendition: the browser reserves the space.
    assert int(img["width"]) == max(widths)
    assert int(img["height"]) > 0
    assert img["sizes"]


def get(path):
    response = site_client(HOST).get(path)
    assert response.status_code == 200, path
    return response.content.decode()


@pytest.mark.parametrize("page_type", [NewsStoryPage, AwarenessArticlePage])
def test_a_story_hero_is_responsive_modern_and_loaded_at_once(page_type):
    story = publish_story(page_type, hero=photo())

    (hero,) = Pictures(get(story.get_url_parts()[2])).with_class("story__image")

    assert_responsive(hero, widths=[400, 800, 1200])
    img = hero["img"]
    assert (int(img["width"]), int(img["height"])) == (1200, 750)
    assert "loading" not in img  # above the fold: the browser fetches it at once
    assert img["fetchpriority"] == "high"
    assert img["alt"] == ""  # decorative, as before


def test_the_home_hero_is_responsive_modern_and_loaded_at_once():
    home = HomePage.objects.get(pk=Site.objects.get(hostname=HOST).root_page_id)
    home.hero_image = photo()
    home.hero_image_decorative = True
    home.save_revision().publish()

    (hero,) = Pictures(get("/en/")).with_class("hero__image")

    assert_responsive(hero, widths=[400, 800, 1200])
    img = hero["img"]
    assert (int(img["width"]), int(img["height"])) == (1200, 600)
    assert "loading" not in img
    assert img["fetchpriority"] == "high"
    assert img["alt"] == ""


def test_an_image_block_is_lazy_responsive_and_keeps_its_alt_text():
    story = publish_story(body_image=photo())
    html = get(story.get_url_parts()[2])

    figure = html[html.index('<figure class="block-image">') :]
    figure = figure[: figure.index("</figure>")]
    (block,) = Pictures(figure).pictures

    assert_responsive(block, widths=[400, 800, 1200])
    img = block["img"]
    assert img["loading"] == "lazy"
    assert img["decoding"] == "async"
    assert "fetchpriority" not in img
    assert img["alt"] == "A lantern on a harbour wall"
    assert "The harbour at dusk" in figure


def test_a_decorative_image_block_keeps_an_empty_alt():
    story = publish_story(body_image=photo())
    story.body[1].value["image"].decorative = True
    story.save_revision().publish()

    html = get(story.get_url_parts()[2])

    (block,) = [p for p in Pictures(html).pictures if "class" not in p["img"]]
    assert block["img"]["alt"] == ""


@pytest.mark.parametrize("listing", ["home", "index"])
def test_story_cards_are_lazy_and_responsive(listing):
    story = publish_story(hero=photo())
    path = "/en/" if listing == "home" else harbor_index().get_url_parts()[2]

    html = get(path)

    assert story.title in html
    card = card_pictures(html)[0]
    assert_responsive(card, widths=[400, 640, 800])
    img = card["img"]
    assert (int(img["width"]), int(img["height"])) == (800, 450)
    assert img["loading"] == "lazy"
    assert img["decoding"] == "async"
    assert img["alt"] == ""


def test_every_img_on_a_page_with_pictures_has_its_dimensions():
    story = publish_story(hero=photo(), body_image=photo("Second"))
    for img in Pictures(get(story.get_url_parts()[2])).imgs:
        assert img.get("width") and img.get("height"), img


def test_a_story_with_images_stays_under_100_kb_before_images():
    from django.contrib.staticfiles import finders

    story = publish_story(hero=photo(), body_image=photo("Second"))
    html = site_client(HOST).get(story.get_url_parts()[2]).content
    assets = re.findall(rb'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
    weight = len(html) + sum(Path(finders.find(name.decode())).stat().st_size for name in assets)
    assert weight < 100_000, weight


def card_pictures(html) -> list:
    """The cards' pictures, in order: the newest story's first, on the home page (its
    featured stories come before its body's) as on the index."""
    return Pictures(html).with_class("card__image")


def test_kept_picture_markup_is_what_wagtail_writes_and_follows_a_new_focal_point(
    kept_by_workers, settings, django_capture_on_commit_callbacks
):
    image = photo()
    story = publish_story(hero=image, body_image=image)
    pages = ["/en/", story.get_url_parts()[2]]
    kept = {path: get(path) for path in pages}
    assert card_pictures(kept["/en/"]), "the home page shows the new story's card"
    assert {path: get(path) for path in pages} == kept, "the same, from what the worker kept"
    image.focal_point_x, image.focal_point_y = 1400, 900
    image.focal_point_width = image.focal_point_height = 100
    with django_capture_on_commit_callbacks(execute=True):
        image.save()
    moved = get("/en/")
    assert card_pictures(moved) != card_pictures(kept["/en/"]), "cropped around the new point"
    settings.LANTERN_CHROME_CACHE = False  # (and what the worker kept is dropped)
    assert get("/en/") == moved, "as Wagtail's own tag writes it"


def rendition_queries(path) -> int:
    with CaptureQueriesContext(connection) as queries:
        get(path)
    return sum('"wagtailimages_rendition"' in query["sql"] for query in queries.captured_queries)


def test_a_listing_fetches_no_sizes_for_pictures_whose_markup_is_kept(
    kept_by_workers, django_capture_on_commit_callbacks
):
    image = photo()
    publish_story(hero=image)
    assert rendition_queries("/en/") >= 1, "the first view of the new story's card"
    assert rendition_queries("/en/") == 0, "the card's picture as the worker kept it"
    image.focal_point_x, image.focal_point_y = 1400, 900
    image.focal_point_width = image.focal_point_height = 100
    with django_capture_on_commit_callbacks(execute=True):
        image.save()
    assert rendition_queries("/en/") >= 1, "a new focal point: new sizes, fetched again"
    assert rendition_queries("/en/") == 0


def test_a_picture_whose_file_is_missing_is_not_kept(kept_by_workers):
    image = photo()
    story = publish_story(hero=image)
    path = story.get_url_parts()[2]
    original = image.file.read()
    image.file.close()
    default_storage.delete(image.file.name)
    missing = Pictures(get(path)).with_class("story__image")[0]
    assert "not-found" in missing["img"]["src"]
    default_storage.save(image.file.name, io.BytesIO(original))
    found = Pictures(get(path)).with_class("story__image")[0]
    assert "not-found" not in found["img"]["src"]
    assert_responsive(found, widths=[400, 800, 1200])


def test_a_card_whose_picture_is_missing_is_not_kept(kept_by_workers):
    image = photo()
    publish_story(hero=image)
    original = image.file.read()
    image.file.close()
    default_storage.delete(image.file.name)
    missing = card_pictures(get("/en/"))[0]
    assert "not-found" in missing["img"]["src"]
    default_storage.save(image.file.name, io.BytesIO(original))
    found = card_pictures(get("/en/"))[0]
    assert "not-found" not in found["img"]["src"]


def cached_sizes(image, specs) -> list:
    """The sizes of `image` the renditions cache holds, for the filter specs `specs`."""
    keys = [
        Rendition.construct_cache_key(image, Filter(spec=spec).get_cache_key(image), spec)
        for spec in specs
    ]
    return list(Rendition.cache_backend.get_many(keys).values())


HERO_SIZES = [f"width-{w}|format-{f}" for w in (1200, 800, 400) for f in ("webp", "jpeg")]


def test_sizes_a_shared_cache_holds_without_ids_are_replaced_and_the_picture_kept(
    kept_by_workers,
):
    """Wagtail caches the sizes it has just made without their ids, and writes them back on
    every read. From a shared cache (Redis) every worker read them so, and a new story's
    picture was never kept: each render fetched its six sizes and wrote all six back."""
    image = photo()
    story = publish_story(hero=image)
    path = story.get_url_parts()[2]
    made = Pictures(get(path)).with_class("story__image")[0]  # the sizes are made here
    assert lantern_images.pictured(image), "kept from the sizes' rows"
    assert {size.pk for size in cached_sizes(image, HERO_SIZES)} == set(
        image.renditions.filter(filter_spec__in=HERO_SIZES).values_list("pk", flat=True)
    ), "the cache holds the database's rows, ids and all"
    # As another worker meets them: sizes cached as they were made, nothing kept of its own.
    as_made = cached_sizes(image, HERO_SIZES)
    for size in as_made:
        size.pk = size.id = None
    Rendition.cache_backend.set_many(
        {
            Rendition.construct_cache_key(image, size.focal_point_key, size.filter_spec): size
            for size in as_made
        }
    )
    lantern_images.clear()
    assert Pictures(get(path)).with_class("story__image")[0] == made, "the same markup"
    assert lantern_images.pictured(image)
    assert all(size.pk for size in cached_sizes(image, HERO_SIZES)), "the cache's put right"
    assert rendition_queries(path) == 0
