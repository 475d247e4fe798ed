"""`{% share_image_url image %}`: the full address of a picture cropped for social media's link
previews (og:image), which must be absolute (Open Graph: https://ogp.me/#structured).

1200 by 630 is the size Facebook, LinkedIn and messaging apps show large; JPEG, which every one
of them reads. The address is the request's own host: each agency's site shows its own. A
picture whose file is missing gives no address (and the markup around it is not kept), rather
than Wagtail's "not found" stand-in.
"""

from django import template

from wagtail.images.shortcuts import get_rendition_or_not_found

from sites.content.sizes import SIZES
from sites.serving.templatetags import lantern_kept
from sites.serving.templatetags.lantern_images import NOT_FOUND

register = template.Library()

SHARE_SPEC = SIZES["share"]


@register.simple_tag(takes_context=True)
def share_image_url(context, image) -> str:
    if image is None or image.is_svg():
        return ""  # link previews take no SVG: a page then shares without a picture
    rendition = get_rendition_or_not_found(image, SHARE_SPEC)
    if rendition.file.name == NOT_FOUND:
        lantern_kept.dont_keep()
        return ""
    request = context.get("request")
    return request.build_absolute_uri(rendition.url) if request else rendition.url


@register.simple_tag
def share_description(page) -> str:
    """What link previews say of the page (og:description): its search description, else its
    summary, else its hero's text. Read with defaults: a page type without one of them must not
    cost a failed template lookup, which lists every attribute of the page to explain itself."""
    for name in ("search_description", "summary", "hero_text"):
        if text := getattr(page, name, ""):
            return text
    return ""


@register.simple_tag
def share_picture(page):
    """The page's own picture for link previews (its hero image), or None."""
    return page.hero_image if getattr(page, "hero_image_id", None) else None
