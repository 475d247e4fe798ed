"""The sizes readers' pages show each image at, named once: the templates ask for them by name
(`{% sized_picture page.hero_image "story_hero" %}`, sites.serving.templatetags.lantern_images)
and the task that makes a page's renditions when it is published (sites.content.tasks) makes
exactly these, so no reader pays for them and the two cannot drift apart.

Each is a filter spec as Wagtail's `{% picture %}` takes it, braces and all
(https://docs.wagtail.org/en/stable/topics/images.html#multiple-formats).
"""

from wagtail.images.models import Filter

SIZES = {
    # The home page's hero, cropped wide.
    "home_hero": "fill-{1200x600,800x400,400x200} format-{webp,jpeg}",
    # A story's or article's hero, and an image in a page's body: the column's width.
    "story_hero": "width-{1200,800,400} format-{webp,jpeg}",
    "body_image": "width-{1200,800,400} format-{webp,jpeg}",
    # A story's card in listings (home page, news index, related stories).
    "story_card": "fill-{800x450,640x360,400x225} format-{webp,jpeg}",
    # The site's logo in the header (branding), and a page's picture in link previews (og:image:
    # 1200 by 630 is the size Facebook, LinkedIn and messaging apps show large; JPEG, which
    # every one of them reads).
    "logo": "height-96",
    "share": "fill-1200x630|format-jpeg",
}


# Said with every size where pages show a picture: an SVG (a logo, say) is served as itself,
# never rasterised. Wagtail leaves it out of the sizes it makes of a raster image, and makes
# an SVG's without their conversions (AbstractImage.clean_filter_for_svg).
PRESERVE_SVG = "preserve-svg"


def asked_specs(size: str) -> str:
    """The size's specs as a template's tag asks for them (space-separated), SVG kept."""
    return f"{SIZES[size].replace('|', ' ')} {PRESERVE_SVG}"


def filter_specs(size: str) -> list[str]:
    """Every single rendition a size names: "width-{1200,800} format-{webp,jpeg}" gives four."""
    return Filter.expand_spec(SIZES[size])
