"""What the management API accepts: one body shape per page type and per block type.

Block values are given as a writer thinks of them (ids for chosen images, hotlines, appeals
and pages; HTML for rich text) and turned into the stream's stored form in drafts.py.
"""

import datetime
from typing import Annotated, Literal, Union

from ninja import Field, Schema

SLUG = r"^[-\w]+$"
NO_CONTROL = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def chars(max_length: int, description: str = "", **kwargs):
    return Field(pattern=NO_CONTROL, max_length=max_length, description=description, **kwargs)


class TextIn(Schema):
    type: Literal["text"]
    value: str = chars(
        100_000, "Rich text as HTML: paragraphs, headings h2 to h4, lists, links, bold, italic."
    )


class ImageValueIn(Schema):
    image: int = Field(description="Id of an image in the agency's media library.")
    alt_text: str = chars(255, "What the image shows, for screen readers.", default="")
    decorative: bool = False
    caption: str = chars(255, default="")
    credit: str = chars(120, default="")


class ImageIn(Schema):
    type: Literal["image"]
    value: ImageValueIn


class QuoteValueIn(Schema):
    quote: str = chars(5_000)
    attribution: str = chars(120, default="")


class QuoteIn(Schema):
    type: Literal["quote"]
    value: QuoteValueIn


class TipsValueIn(Schema):
    heading: str = chars(120)
    items: list[Annotated[str, chars(400)]] = Field(min_length=1, max_length=50)


class TipsIn(Schema):
    type: Literal["tips"]
    value: TipsValueIn


class FactValueIn(Schema):
    figure: str = chars(30)
    label: str = chars(200)
    source: str = chars(200, default="")


class FactIn(Schema):
    type: Literal["fact"]
    value: FactValueIn


class HotlinePanelValueIn(Schema):
    heading: str = chars(120, default="")
    hotlines: list[int] = Field(
        min_length=1, max_length=20, description="Ids of the agency's or the network's hotlines."
    )


class HotlinePanelIn(Schema):
    type: Literal["hotline_panel"]
    value: HotlinePanelValueIn


class DonationAppealValueIn(Schema):
    appeal: int = Field(description="Id of the agency's or the network's donation appeal.")
    show_progress: bool = True


class DonationAppealIn(Schema):
    type: Literal["donation_appeal"]
    value: DonationAppealValueIn


class CallToActionValueIn(Schema):
    heading: str = chars(120)
    text: str = chars(2_000, default="")
    button_label: str = chars(40)
    page: int | None = Field(None, description="Id of a page to link to…")
    url: str = chars(2_000, "…or a web address. Give one of the two.", default="")


class CallToActionIn(Schema):
    type: Literal["call_to_action"]
    value: CallToActionValueIn


class RelatedStoriesValueIn(Schema):
    heading: str = chars(120, default="Related stories")
    stories: list[int] = Field(min_length=1, max_length=6, description="Ids of story pages.")


class RelatedStoriesIn(Schema):
    type: Literal["related_stories"]
    value: RelatedStoriesValueIn


class AboutFigureIn(Schema):
    figure: str = chars(30, "The number, e.g. '216' or '24/7'.")
    label: str = chars(120, "What it counts, in a few words.")


class AboutGiftUseIn(Schema):
    percent: int = Field(ge=0, le=100, description="Of every dollar given.")
    label: str = chars(120, "e.g. 'Advocates on call at night'.")


class AboutPartnerIn(Schema):
    name: str = chars(120)
    url: str = chars(200, "The partner's site, if it has one.", default="")


class AboutValueIn(Schema):
    heading: str = chars(120, "e.g. 'Who we are'.")
    text: str = chars(20_000, "What the agency does, for whom and where: rich text as HTML.")
    figures: list[AboutFigureIn] = Field(default_factory=list, max_length=4)
    gifts: list[AboutGiftUseIn] = Field(
        default_factory=list, max_length=6, description="How gifts are used; shares add to 100."
    )
    partners: list[AboutPartnerIn] = Field(default_factory=list, max_length=12)
    accountability: str = chars(300, default="")


class AboutIn(Schema):
    type: Literal["about"]
    value: AboutValueIn


BlockIn = Annotated[
    Union[  # noqa: UP007
        AboutIn,
        TextIn,
        ImageIn,
        QuoteIn,
        TipsIn,
        FactIn,
        HotlinePanelIn,
        DonationAppealIn,
        CallToActionIn,
        RelatedStoriesIn,
    ],
    Field(discriminator="type"),
]
Stream = list[BlockIn] | None


class PageIn(Schema):
    """Fields every page has. Leave a field out to keep it as it is (or its default, on create)."""

    title: str | None = chars(255, default=None, min_length=1)
    slug: str | None = Field(
        None,
        pattern=SLUG,
        max_length=255,
        description="The last part of the address; made from the title if left out.",
    )
    seo_title: str | None = chars(255, default=None)
    search_description: str | None = chars(1_000, default=None)
    submit: bool = Field(
        False,
        description="Also submit the draft to the site's review workflow, as the admin's "
        "'Submit for moderation' does. A moderator publishes it in the admin.",
    )


class StoryIn(PageIn):
    date: datetime.date | None = None
    summary: str | None = chars(1_000, default=None)
    hero_image: int | None = Field(
        None, description="Id of an image in the agency's media library."
    )
    hero_image_alt: str | None = chars(
        250,
        default=None,
        description="What the hero picture shows, for readers who cannot see it, in a sentence. "
        "Required with a hero image unless hero_image_decorative is true.",
    )
    hero_image_decorative: bool | None = Field(
        None,
        description="True when the picture adds nothing the words do not say: screen readers "
        "then skip it.",
    )
    body: Stream = None


class NewsStoryIn(StoryIn):
    type: Literal["news_story"]
    kind: Literal["rescue_update", "news", "community_story"] | None = None
    names_changed: bool | None = Field(
        None,
        description="True when names were changed to protect people; stories about survivors need it.",
    )
    tags: list[Annotated[str, chars(100, min_length=1)]] | None = Field(None, max_length=30)
    share_with_network: bool | None = None


class AwarenessArticleIn(StoryIn):
    type: Literal["awareness_article"]
    further_resources: Stream = None


class StandardIn(PageIn):
    type: Literal["standard"]
    intro: str | None = chars(5_000, default=None)
    body: Stream = None


class DonationAppealPageIn(PageIn):
    type: Literal["donation_appeal"]
    intro: str | None = chars(5_000, default=None)
    appeal: int | None = Field(
        None, description="Id of the agency's or the network's donation appeal."
    )
    body: Stream = None


WRITABLE_TYPES = (NewsStoryIn, AwarenessArticleIn, StandardIn, DonationAppealPageIn)


class Parent(Schema):
    parent_id: int = Field(description="The page to add it under: a news index for stories.")


def with_parent(schema):
    return type(schema.__name__.replace("In", "Create"), (schema, Parent), {})


PageUpdate = Annotated[Union[WRITABLE_TYPES], Field(discriminator="type")]  # noqa: UP007
PageCreate = Annotated[
    Union[tuple(with_parent(schema) for schema in WRITABLE_TYPES)],  # noqa: UP007
    Field(discriminator="type"),
]
