"""`{% picture %}` as Wagtail's, whose markup each worker keeps for an image as it is now.

A `<picture>` of six sizes was about a sixth of a story's render: parsing the sizes, finding
each among the image's renditions, writing the srcsets. The markup depends only on the image
(its file, its focal point) and the tag's sizes and attributes, so a worker keeps it under
exactly those: an image given a new file or focal point has a new key, and its old markup is
never used again. A picture whose file is missing (Wagtail's "not found" stand-in) is not kept.

Once an image's markup is kept, listings need not fetch its sizes (`pictured`,
`sites.content.specific.prefetch_renditions`): a tag asking for sizes not kept yet fetches them itself.

Sizes Wagtail has just made come back without their ids (it writes them with `bulk_create` and
`ignore_conflicts`, which cannot say which rows it wrote), and Wagtail puts them in the cache
so; every read of them writes them back. In a shared cache (Redis) every worker then read them
so for as long as anyone did, and since markup is kept only from the database's own rows, a
new story's picture was never kept: each render asked Redis for its six sizes and wrote all six
back. Such sizes are read from the database once and put in the cache in their place
(`with_ids`).

Kept while `LANTERN_CHROME_CACHE` is on (what workers keep between requests, `sites.serving.chrome`).
Renditions deleted behind the image's back (`wagtail_update_image_renditions --purge-only`)
are still named by the kept markup until the workers restart.

Load it after `wagtailimages_tags`: `{% load wagtailimages_tags lantern_images %}`.
"""

import threading

from cachetools import LRUCache

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template.base import Token

from wagtail.images.models import Picture
from wagtail.images.shortcuts import get_renditions_or_not_found
from wagtail.images.templatetags import wagtailimages_tags

from sites.content.sizes import SIZES, asked_specs
from sites.serving.templatetags import lantern_kept

register = template.Library()

MAX_KEPT = 4096  # pictures' markup a worker keeps (about 1 KB each), the least used dropped
_kept: LRUCache = LRUCache(maxsize=MAX_KEPT)
# The images, as they are now, of which some markup is kept (a key each: a bounded set).
_pictured: LRUCache = LRUCache(maxsize=MAX_KEPT)
_lock = threading.Lock()  # every use of either: cachetools' caches are not thread-safe


def identity(image) -> tuple:
    """What the markup of `image` depends on: a new file or focal point is a new identity."""
    return (
        image.pk,
        image.file.name,
        image.file_hash,
        image.width,
        image.height,
        image.focal_point_x,
        image.focal_point_y,
        image.focal_point_width,
        image.focal_point_height,
    )


def pictured(image) -> bool:
    """Whether this worker keeps markup of `image` as it is now (so its sizes are not needed
    to show it where it was shown before)."""
    return settings.LANTERN_CHROME_CACHE and identity(image) in _pictured


class KeptPictureNode(wagtailimages_tags.PictureNode):
    def render(self, context):
        if self.output_var_name or not settings.LANTERN_CHROME_CACHE:
            return super().render(context)
        image = self.validate_image(context)
        if not image:
            return ""
        attrs = {name: value.resolve(context) for name, value in self.attrs.items()}
        key = (
            identity(image),
            tuple(self.filter_specs),
            tuple(sorted((name, str(value)) for name, value in attrs.items())),
        )
        with _lock:
            markup = _kept.get(key)
        if markup is None:
            filters = self.get_filters()
            renditions = get_renditions_or_not_found(image, filters)
            if not all(rendition.pk for rendition in renditions.values()):
                renditions = with_ids(image, filters, renditions)
            markup = Picture(renditions, attrs).__html__()
            if all(rendition.pk for rendition in renditions.values()):
                with _lock:
                    _kept[key] = markup
                    _pictured[key[0]] = True
            else:  # not found, or sizes another process won: nor the card around it
                lantern_kept.dont_keep()
        return markup


NOT_FOUND = "not-found"  # the file name of Wagtail's stand-in for a missing file


def with_ids(image, filters, renditions: dict) -> dict:
    """`renditions` as the database holds them, when some came without their ids: sizes just
    made, or read back from a cache that holds them as they were made. The database's rows
    replace them in the cache too. A missing file's stand-in, or a size the database does not
    hold (another process's, made at the same moment, won), leaves `renditions` as they are."""
    if any(rendition.file.name == NOT_FOUND for rendition in renditions.values()):
        return renditions
    # The specs as Wagtail keys renditions by: without preserve-svg, and for an SVG without
    # the conversions it does not make (AbstractImage.clean_filter_for_svg).
    filters = [image.clean_filter_for_svg(spec) for spec in filters]
    keys = {spec.spec: spec.get_cache_key(image) for spec in filters}
    rows = {
        row.filter_spec: row
        for row in image.renditions.filter(filter_spec__in=list(keys))
        if row.focal_point_key == keys[row.filter_spec]
    }
    if rows.keys() != keys.keys():
        return renditions
    Rendition = image.get_rendition_model()
    Rendition.cache_backend.set_many(
        {Rendition.construct_cache_key(image, keys[spec], spec): row for spec, row in rows.items()}
    )
    for row in rows.values():
        row.image = image  # (what Wagtail does with a size read from the cache)
    return {spec: rows[spec] for spec in renditions}


@register.tag
def picture(parser, token):
    node = wagtailimages_tags.image(parser, token)  # Wagtail's parsing, errors and all
    return KeptPictureNode(
        node.image_expr, node.filter_specs, attrs=node.attrs, output_var_name=node.output_var_name
    )


def with_size(token, tag_name: str) -> Token:
    """`{% sized_picture IMAGE "NAME" attrs %}` as `{% picture IMAGE SPECS attrs %}`, the specs
    being the size's (sites.content.sizes), for Wagtail's own parsing."""
    bits = token.split_contents()
    if len(bits) < 3 or bits[2].strip("\"'") not in SIZES:
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes an image and a size's name, one of: {', '.join(SIZES)}."
        )
    specs = asked_specs(bits[2].strip("\"'"))
    contents = " ".join([tag_name, bits[1], specs, *bits[3:]])
    return Token(token.token_type, contents, token.position, token.lineno)


@register.tag
def sized_picture(parser, token):
    """`{% picture %}` at one of the sizes readers' pages use, named (sites.content.sizes)."""
    return picture(parser, with_size(token, "picture"))


@register.tag
def sized_image(parser, token):
    """Wagtail's `{% image %}` at one of the sizes readers' pages use, named."""
    return wagtailimages_tags.image(parser, with_size(token, "image"))


def clear(**kwargs) -> None:
    """With the pictures, the fragments kept around them (`lantern_kept`): a card kept never
    shows its picture again, which would leave the picture's sizes fetched for nothing."""
    with _lock:
        _kept.clear()
        _pictured.clear()
    lantern_kept.clear()


def _settings_changed(setting, **kwargs) -> None:
    if setting == "LANTERN_CHROME_CACHE":  # tests turn it on and off
        clear()


setting_changed.connect(_settings_changed, dispatch_uid="lantern_kept_pictures")
