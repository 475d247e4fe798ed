"""Who the agency is: what it does, its impact in figures, how gifts are used and its partners.

The trust signals a reader and a donor look for on an agency's site, as one block an editor
fills in once (usually on the home page and the about page).
"""

from django.core.exceptions import ValidationError

from wagtail import blocks
from wagtail.blocks import ListBlockValidationError, StructBlockValidationError

from .base import RICH_TEXT_FEATURES


class FigureBlock(blocks.StructBlock):
    figure = blocks.CharBlock(max_length=30, help_text="The number, e.g. '216' or '24/7'.")
    label = blocks.CharBlock(max_length=120, help_text="What it counts, in a few words.")

    class Meta:
        icon = "doc-full"


class GiftUseBlock(blocks.StructBlock):
    percent = blocks.IntegerBlock(min_value=0, max_value=100, help_text="Of every dollar given.")
    label = blocks.CharBlock(max_length=120, help_text="e.g. 'Advocates on call at night'.")

    class Meta:
        icon = "tick"


class PartnerBlock(blocks.StructBlock):
    name = blocks.CharBlock(max_length=120)
    url = blocks.URLBlock(required=False, help_text="The partner's site, if it has one.")

    class Meta:
        icon = "group"


class AboutBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, help_text="e.g. 'Who we are'.")
    text = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, help_text="What the agency does, for whom and where."
    )
    figures = blocks.ListBlock(
        FigureBlock(),
        max_num=4,
        label="Impact in figures",
        help_text="Up to four numbers, shown large, e.g. '216 children helped'.",
    )
    gifts = blocks.ListBlock(
        GiftUseBlock(),
        max_num=6,
        label="How gifts are used",
        help_text="Where each dollar goes; the shares add up to 100.",
    )
    partners = blocks.ListBlock(PartnerBlock(), max_num=12, help_text="Who the agency works with.")
    accountability = blocks.CharBlock(
        required=False,
        max_length=300,
        help_text="e.g. 'Registered 501(c)(3) nonprofit. Accounts independently reviewed every year.'",
    )

    class Meta:
        label = "About us, partners and gifts"
        icon = "group"
        template = "blocks/about.html"
        description = (
            "Who the agency is, its impact in figures, how gifts are used and who it works with."
        )
        preview_value = {
            "heading": "Who we are",
            "text": "<p>Trained advocates beside children found in trafficking, day and night.</p>",
            "figures": [{"figure": "216", "label": "children helped in two years"}],
            "gifts": [
                {"percent": 82, "label": "Advocates and care"},
                {"percent": 18, "label": "Training and running costs"},
            ],
            "partners": [{"name": "County Child Services", "url": ""}],
            "accountability": "Registered nonprofit; accounts reviewed every year.",
        }

    def clean(self, value):
        value = super().clean(value)
        shares = [gift["percent"] for gift in value["gifts"] if gift["percent"] is not None]
        if shares and sum(shares) != 100:
            raise StructBlockValidationError(
                block_errors={
                    "gifts": ListBlockValidationError(
                        non_block_errors=ValidationError(
                            f"The shares add up to {sum(shares)}%; they should add up to 100%."
                        )
                    )
                }
            )
        return value
