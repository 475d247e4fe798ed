"""The StreamBlocks page bodies are made of: every site composes from the same set.

Block names are stored in the database with the content: never rename one casually.
"""

from .about import AboutBlock
from .appeals import DonationAppealBlock
from .base import (
    CallToActionBlock,
    CaptionedImageBlock,
    FactBlock,
    QuoteBlock,
    TextBlock,
    TipsBlock,
)
from .chosen import ChosenPagesStreamBlock
from .hotline import HotlinePanelBlock
from .news import RelatedStoriesBlock


class BodyBlock(ChosenPagesStreamBlock):
    text = TextBlock()
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    tips = TipsBlock()
    fact = FactBlock()
    hotline_panel = HotlinePanelBlock()
    donation_appeal = DonationAppealBlock()
    call_to_action = CallToActionBlock()
    related_stories = RelatedStoriesBlock()
    about = AboutBlock()


class ResourcesBlock(ChosenPagesStreamBlock):
    """Where to turn next, at the end of an awareness article."""

    hotline_panel = HotlinePanelBlock()
    call_to_action = CallToActionBlock()
