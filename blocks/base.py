"""General-purpose blocks: text, images, quotes, tips, facts and calls to action."""

from django.core.exceptions import ValidationError

from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.images.blocks import ImageBlock
from wagtail.models import Page

from sites.content.specific import prefetch_renditions

from .chosen import LoadsWithStream, chosen, load, readers_may_follow, reading_site
from .headings import HeadingLevels
from .translated import chosen_in_order

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class TextBlock(blocks.RichTextBlock):
    class Meta:
        label = "Text"
        icon = "pilcrow"
        template = "blocks/text.html"
        description = "Paragraphs, headings, lists and links."
        preview_value = "<p>Traffickers use force, fraud and coercion.</p>"


def alt_text(image) -> str:
    """The alt text readers get for `image`: none for an image marked decorative (alt=""), else
    what the editor wrote for it where it is used (Wagtail's ImageBlock), or else the
    description written for it in the media library. Never its title, Wagtail's last resort
    ("IMG_2041", "sunrise"), which names a file rather than saying what it shows."""
    if image is None or getattr(image, "decorative", False):
        return ""
    return getattr(image, "contextual_alt_text", None) or getattr(image, "description", "") or ""


class CaptionedImageValue(blocks.StructValue):
    def alt(self) -> str:
        return alt_text(self.get("image"))


class CaptionedImageBlock(blocks.StructBlock):
    # Wagtail's ImageBlock: alt text, or "decorative" ticked, is required to publish or submit
    # (a draft may be saved without, and then shows none rather than the file's title).
    image = ImageBlock(
        help_text="Never a photo that could identify a survivor or where they live. Say in the "
        "alt text what it shows, for readers who cannot see it, or mark it decorative if it "
        "adds nothing they need."
    )
    caption = blocks.CharBlock(required=False, max_length=255)
    credit = blocks.CharBlock(
        required=False, max_length=120, help_text="Who took or owns the photo."
    )

    class Meta:
        label = "Image"
        icon = "image"
        template = "blocks/image.html"
        description = "An image with alt text, and an optional caption and credit."
        value_class = CaptionedImageValue

    def bulk_to_python(self, values):
        """Every image block of a stream at once: Wagtail loads their images in one query, and
        the sizes already made of all of them come in one more (not one an image)."""
        converted = super().bulk_to_python(values)
        prefetch_renditions(value.get("image") for value in converted)
        return converted


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(
        required=False, max_length=120, help_text="Use a changed name for a survivor."
    )

    class Meta:
        label = "Pull quote"
        icon = "openquote"
        template = "blocks/quote.html"
        description = "A short quotation set apart from the text."
        preview_value = {"quote": "You are not alone.", "attribution": "An advocate"}


class TipsBlock(HeadingLevels, blocks.StructBlock):
    heading = blocks.CharBlock(
        max_length=120, help_text="e.g. 'If you think you are being followed'"
    )
    items = blocks.ListBlock(blocks.CharBlock(max_length=400, label="Tip"), min_num=1)

    class Meta:
        label = "Tips list"
        icon = "list-ul"
        template = "blocks/tips.html"
        description = "A short, numbered list of practical safety tips."
        preview_value = {
            "heading": "Stay safe",
            "items": ["Trust your instincts.", "Call for help."],
        }


class FactBlock(blocks.StructBlock):
    figure = blocks.CharBlock(max_length=30, help_text="The number, e.g. '216' or '1 in 4'.")
    label = blocks.CharBlock(max_length=200, help_text="What the number counts.")
    source = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        label = "Fact or statistic"
        icon = "doc-full"
        template = "blocks/fact.html"
        description = "One number, large, with what it counts and its source."
        preview_value = {"figure": "216", "label": "children helped", "source": "Case records"}


class PageLinkChooserBlock(LoadsWithStream, blocks.PageChooserBlock):
    """Wagtail's page chooser, stored as one (the same definition in migrations), whose pages
    come with every page chosen in the stream (blocks.chosen), or else on their own in the
    same query, with whether each is private."""

    canonical_module_path = "wagtail.blocks.PageChooserBlock"

    def bulk_to_python(self, values):
        values = list(values)
        if self.model_class is not Page:
            return chosen_in_order(
                values,
                self.model_class._default_manager.in_bulk({pk for pk in values if pk is not None}),
            )
        found = chosen(values)
        if found is None:
            found = load({pk for pk in values if pk is not None})
        return chosen_in_order(values, found)


class CallToActionValue(blocks.StructValue):
    def page_to_show(self, site_id: int | None = None, request=None):
        """The chosen page, if readers of a page of the site `site_id` may be led to it
        (blocks.chosen.readers_may_follow), else None: a page since unpublished, made private
        or expired, or another agency's that it does not share, shows no button."""
        page = self.get("page")
        return page if readers_may_follow(page, site_id, request) else None


class CallToActionBlock(HeadingLevels, blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False)
    button_label = blocks.CharBlock(max_length=40)
    page = PageLinkChooserBlock(required=False, help_text="A page on this site…")
    url = blocks.URLBlock(required=False, help_text="…or a web address. Give one of the two.")

    class Meta:
        label = "Call to action"
        icon = "link"
        template = "blocks/call_to_action.html"
        description = "A heading, a sentence and a button leading to a page or address."
        value_class = CallToActionValue

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        request = parent_context.get("request") if parent_context else None
        context["target"] = value.page_to_show(reading_site(parent_context), request)
        return context

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            message = (
                "Choose a page or give a web address for the button, not both."
                if value.get("page")
                else ("Choose a page or give a web address for the button.")
            )
            raise StructBlockValidationError(block_errors={"page": ValidationError(message)})
        return value
