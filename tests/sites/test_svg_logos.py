"""A logo drawn as an SVG (#26): uploaded through Wagtail's image library and chosen in Site
branding, it shows in every page's header as the file itself, resized like a raster logo; an
SVG that could run a script or ask another server for anything is refused with a form error
saying what was found (sites.privacy.svg)."""

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.images.models import Image
from wagtail.models import Collection, Site

from sites.content.branding import SiteBranding
from tests.admin_forms import branding_form
from tests.conftest import site_client

pytestmark = pytest.mark.django_db

HARBOR = "harbor.localhost"
HARBOR_COLLECTION = "Harbor Light Alliance"

LOGO = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="240" height="80" viewBox="0 0 240 80">
  <title>Harbor Light Alliance</title>
  <defs><linearGradient id="sea"><stop offset="0" stop-color="#0b3d5c"/><stop offset="1" stop-color="#1f6f8b"/></linearGradient></defs>
  <style>.beam { fill: #ffd166; }</style>
  <rect width="240" height="80" fill="url(#sea)"/>
  <path class="beam" d="M20 60 L60 20 L100 60 Z"/>
  <use xlink:href="#sea"/>
  <text x="110" y="48" fill="#fff">Harbor</text>
</svg>"""

UNSAFE = {
    "a script": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "This SVG has a <script> element",
    ),
    "an event handler": (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>',
        "This SVG has an event handler (onload)",
    ),
    "a picture from another server": (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<use xlink:href="https://tracker.example/logo.svg#a"/></svg>',
        "This SVG refers to another file or address (https://tracker.example/logo.svg#a)",
    ),
    "an image element": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><image href="https://tracker.example/p.png"/></svg>',
        "This SVG has a <image> element",
    ),
    "a font by url()": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><style>@font-face{src:url(https://fonts.example/f.woff)}</style></svg>',
        "This SVG's styles load something from elsewhere",
    ),
    "a javascript: link": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect width="1" height="1"/></a></svg>',
        "This SVG has a <a> element",
    ),
    "an embedded page": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject></svg>',
        "This SVG has a <foreignObject> element",
    ),
    "entities": (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
        # Willow refuses to read it before Lantern's check does.
        "Upload a valid image",
    ),
    "a linked stylesheet": (
        b'<?xml-stylesheet href="https://css.example/a.css"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        "This SVG links a stylesheet",
    ),
}


def upload(admin_client, data: bytes, title: str):
    return admin_client.post(
        reverse("wagtailimages:add"),
        {
            "title": title,
            "file": SimpleUploadedFile("logo.svg", data, "image/svg+xml"),
            "collection": Collection.objects.get(name=HARBOR_COLLECTION).pk,
        },
    )


def test_an_svg_logo_is_uploaded_chosen_and_shown_in_the_header(admin_client, change):
    response = upload(admin_client, LOGO, "Harbor logo (SVG)")
    assert response.status_code == 302, response.context["form"].errors
    image = Image.objects.get(title="Harbor logo (SVG)")
    assert image.is_svg()
    site = Site.objects.get(hostname=HARBOR)
    url = reverse("wagtailsettings:edit", args=["agency_sites", "sitebranding", site.pk])
    branding = SiteBranding.for_site(site)
    response = change(admin_client.post, url, branding_form(branding, logo=image.pk))
    assert response.status_code == 302
    for path in ("/en/", "/es/", "/en/give/"):
        html = site_client(HARBOR).get(path).content.decode()
        header = html[
            html.index('<a class="site-brand"') : html.index(
                "</a>", html.index('<a class="site-brand"')
            )
        ]
        assert 'class="site-brand__logo"' in header and 'alt=""' in header
        # The drawing as it is (80 pixels high: Wagtail never enlarges), in whole pixels.
        assert 'height="80" src="/media/' in header and '.svg" width="240"' in header, header
        assert '<span class="site-brand__name">Harbor Light Alliance</span>' in header
    # The stored file and its rendition are the drawing as uploaded, nothing added.
    rendition = image.get_rendition("height-96|preserve-svg")
    assert rendition.url.endswith(".svg")
    with rendition.file.open("rb") as stored:
        assert b"<script" not in stored.read()


@pytest.mark.parametrize("kind", list(UNSAFE))
def test_an_svg_that_could_run_or_reach_another_server_is_refused(admin_client, kind):
    data, message = UNSAFE[kind]
    response = upload(admin_client, data, f"Unsafe: {kind}")
    assert response.status_code == 200  # the form again, with the error on the file
    errors = response.context["form"].errors["file"]
    assert any(message in error for error in errors), errors
    assert not Image.objects.filter(title=f"Unsafe: {kind}").exists()


def test_a_file_that_is_not_an_svg_is_a_form_error_not_a_500(admin_client):
    response = upload(admin_client, b"<svg xmlns='http://www.w3.org/2000/svg'><rect", "Broken")
    assert response.status_code == 200
    assert not Image.objects.filter(title="Broken").exists()


def test_an_svg_chosen_as_a_hero_or_sharing_picture_is_served_as_itself(admin_client, change):
    """Every picture of an editor's image says preserve-svg: an SVG chosen as a hero (and so on
    story cards) is the drawing resized, never a 500; link previews, which take no SVG, go
    without a picture."""
    upload(admin_client, LOGO, "Harbor drawing")
    image = Image.objects.get(title="Harbor drawing")
    home = Site.objects.get(hostname=HARBOR).root_page.specific
    home.hero_image = image
    home.hero_image_alt = "A lighthouse, drawn."
    change(lambda: home.save_revision().publish())
    branding = SiteBranding.objects.get(site__hostname=HARBOR)
    branding.share_image = image
    change(branding.save)
    response = site_client(HARBOR).get("/en/")
    assert response.status_code == 200
    html = response.content.decode()
    hero = html[html.index('<div class="hero__media">') :]
    hero = hero[: hero.index("</div>")]
    assert '.svg"' in hero and 'alt="A lighthouse, drawn."' in hero, hero
    assert ".webp" not in hero and ".jpg" not in hero
    head = html[: html.index("<body")]
    assert 'property="og:image"' not in head and ".svg" not in head
