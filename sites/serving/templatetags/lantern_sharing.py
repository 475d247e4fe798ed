"""`{% share_image_url image %}`: the full address of a picture cropped for social media's link
previews (og:image), which must be absolute (Open Graph: https://ogp.me/#structured).

1200 by 630 is the size Facebook, LinkedIn and messaging apps show large; JPEG, which every one
of them reads. The address is the request's own host: each agency's site shows its own.
"""

from django import template

register = template.Library()

SHARE_SPEC = "fill-1200x630|format-jpeg"


@register.simple_tag(takes_context=True)
def share_image_url(context, image) -> str:
    if image is None:
        return ""
    rendition = image.get_rendition(SHARE_SPEC)
    request = context.get("request")
    return request.build_absolute_uri(rendition.url) if request else rendition.url
