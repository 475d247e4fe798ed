"""The JSON shapes of the public API. Their field descriptions are the documented contract."""

import datetime
from typing import Annotated, Any, Literal, Union

from ninja import Field, Schema
from pydantic import BaseModel


class Channel(Schema):
    kind: Literal["call", "text", "tty", "chat"] = Field(
        description="How a reader reaches the line."
    )
    label: str = Field(
        description="As readers should see it, e.g. '1-888-373-7888' or 'BEFREE to 233733'."
    )
    href: str = Field(description="A link a phone opens: tel:, sms: (keyword typed in) or https:.")


class Coverage(Schema):
    kind: Literal["national", "state"]
    states: list[str] = Field(description="Two-letter state codes; empty for nationwide lines.")


class Hotline(Schema):
    id: int
    name: str
    description: str
    channels: list[Channel] = Field(
        description="Every way to reach the line, each with its own link."
    )
    hours: str
    open_24_7: bool
    languages: str = Field(description="Languages, per channel, as the agency wrote them.")
    coverage: Coverage
    owner: str | None = Field(
        description="Host name of the agency site that owns it; null for the network's."
    )


class ServiceArea(Schema):
    kind: Literal["national", "states", "local"]
    states: list[str] = Field(
        description="Two-letter state codes: the states served, or those its ZIP codes lie in."
    )
    zip_prefixes: list[str] = Field(
        description="For local services: the ZIP codes, or their first digits, it serves."
    )


class Opening(Schema):
    is_open: bool
    text: str = Field(
        description="As readers see it: 'Open now · until 10 pm', 'Opens Tuesday 6 pm'."
    )
    changes_at: datetime.datetime | None = Field(
        description="When it next opens or closes (UTC); null when always open."
    )


class Capacity(Schema):
    available: int | None = Field(description="Places free when counted; null once stale.")
    maximum: int | None = Field(description="Places it has at most, if given.")
    unit: str = Field(description="Of what, as the agency wrote it: 'beds'.")
    counted_at: datetime.datetime
    stale: bool = Field(
        description="Counted too long ago to rely on (LANTERN_HELP_CAPACITY_STALE_HOURS): "
        "readers are shown its age and asked to call, not the number."
    )
    text: str = Field(description="As readers see it: '3 of 12 beds free · counted 2 hours ago'.")


class HelpResource(Schema):
    id: int
    reference: str = Field(description="Its key in the directory's spreadsheet imports.")
    organisation: str
    description: str
    services: list[str] = Field(
        description="hotline, shelter, legal, medical, counselling, youth, immigration, "
        "case_management."
    )
    channels: list[Channel] = Field(description="Every way to call, text or chat, with its link.")
    email: str
    website: str
    hours: str
    open_24_7: bool
    languages: list[str] = Field(description="Language codes its staff help people in.")
    interpreters: bool = Field(description="Other languages through an interpreter.")
    language_notes: str = Field(description="Languages per channel, as the agency wrote them.")
    area: ServiceArea
    last_verified: datetime.date = Field(description="When the details were last checked.")
    owner: str | None = Field(
        description="Host name of the agency site that listed it; null for the network's."
    )
    distance_miles: int | None = Field(
        description="About how far, in whole miles, from the centre of the ZIP code searched "
        "(0: less than a mile); null without a ZIP code or a known place, and for nationwide "
        "services. Local services are sorted nearest first."
    )
    distance: str = Field(description="The same for reading: 'about 3 miles'; '' if unknown.")
    opening: Opening | None = Field(
        description="Open now or not, by its weekly hours (or open 24/7), at the moment of "
        "the search; null when its hours are in words only."
    )
    capacity: Capacity | None = Field(
        description="Its places free (beds tonight, say), with when they were counted; null "
        "when it keeps no count."
    )


class HelpResults(Schema):
    zip: str | None = Field(description="The ZIP code searched, as 5 digits; null if none.")
    state: str | None = Field(description="The state searched, or the ZIP code's state.")
    notice: str | None = Field(
        description="Why the ZIP code could not be used (malformed or unknown): the national "
        "hotlines are still given."
    )
    local: list[HelpResource] = Field(description="Services for the ZIP code's area.")
    state_hotlines: list[Hotline] = Field(description="Hotlines for the whole state.")
    statewide: list[HelpResource] = Field(description="Services for the whole state.")
    national: list[HelpResource] = Field(description="Services anywhere in the country.")
    hotlines: list[Hotline] = Field(
        description="The national hotlines: always given, whatever the filters."
    )


class Appeal(Schema):
    id: int
    headline: str
    text_html: str
    goal: int = Field(description="In whole US dollars.")
    raised: int = Field(
        description="In whole US dollars: raised by other means plus gifts counted online."
    )
    percent: int = Field(description="Progress towards the goal, 0 to 100.")
    donate_url: str
    end_date: datetime.date | None
    is_open: bool = Field(description="False once the end date has passed.")


class Image(Schema):
    id: int
    title: str
    alt: str
    width: int
    height: int
    renditions: dict[str, str] = Field(
        description="URLs of resized copies: 'small' (640 wide), 'large' (1200 wide)."
    )


class Plain(BaseModel):
    """A shape the API fills from plain dicts only, never from model objects: pydantic's own
    validation, without ninja's getter wrapped around each (a third of a listing's time)."""


class PageSummary(Plain):
    id: int | None = Field(description="Null only for a never-saved page seen through a preview.")
    type: str = Field(
        description="home, news_index, news_story, awareness_article, donation_appeal, "
        "standard or find_help."
    )
    title: str
    slug: str
    path: str = Field(description="The page's path on its own site.")
    url: str = Field(description="The page's full address, on its own site: the canonical URL.")
    locale: str
    date: datetime.date | None = Field(description="The date readers see (stories and articles).")
    summary: str = ""
    kind: str | None = Field(
        None, description="News stories: rescue_update, news or community_story."
    )
    tags: list[str] = []
    reading_minutes: int | None = None
    first_published_at: datetime.datetime | None
    last_published_at: datetime.datetime | None


# Blocks: one shape per block type, told apart by "type".
class TextValue(Schema):
    html: str = Field(description="Rich text as HTML, with internal links expanded.")


class ImageValue(Schema):
    image: Image | None
    caption: str
    credit: str


class QuoteValue(Schema):
    quote: str
    attribution: str


class TipsValue(Schema):
    heading: str
    items: list[str]


class FactValue(Schema):
    figure: str
    label: str
    source: str


class HotlinePanelValue(Schema):
    heading: str
    hotlines: list[Hotline]


class DonationAppealValue(Schema):
    appeal: Appeal | None
    show_progress: bool


class CallToActionValue(Schema):
    heading: str
    text: str
    button_label: str
    url: str | None = Field(
        description="Null when the chosen page has been unpublished: show no button."
    )


class RelatedStoriesValue(Schema):
    heading: str
    stories: list[PageSummary] = Field(
        description="Only live, public stories, in the editor's order."
    )


class AboutFigure(Schema):
    figure: str
    label: str


class AboutGiftUse(Schema):
    percent: int = Field(description="Of every dollar given; a block's shares add up to 100.")
    label: str


class AboutPartner(Schema):
    name: str
    url: str


class AboutValue(Schema):
    heading: str
    html: str = Field(description="Who the agency is: rich text as HTML, links expanded.")
    figures: list[AboutFigure]
    gifts: list[AboutGiftUse] = Field(description="How gifts are used.")
    partners: list[AboutPartner]
    accountability: str


def block_schema(name: str, kind: str, value_schema) -> type[Schema]:
    return type(
        name,
        (Schema,),
        {"__annotations__": {"type": Literal[kind], "id": str | None, "value": value_schema}},
    )


BLOCK_VALUES = {
    "text": TextValue,
    "image": ImageValue,
    "quote": QuoteValue,
    "tips": TipsValue,
    "fact": FactValue,
    "hotline_panel": HotlinePanelValue,
    "donation_appeal": DonationAppealValue,
    "call_to_action": CallToActionValue,
    "related_stories": RelatedStoriesValue,
    "about": AboutValue,
}
BLOCK_SCHEMAS = [
    block_schema("".join(part.title() for part in kind.split("_")) + "Block", kind, value)
    for kind, value in BLOCK_VALUES.items()
]
Block = Annotated[Union[tuple(BLOCK_SCHEMAS)], Field(discriminator="type")]  # noqa: UP007


class PageDetail(PageSummary):
    hero_heading: str | None = None
    hero_text: str | None = None
    hero_image: Image | None = None
    intro: str | None = None
    names_changed: bool | None = Field(
        None, description="True when names were changed to protect people."
    )
    body: list[Block] = []
    further_resources: list[Block] = []
    appeal: Appeal | None = None
    featured_stories: list[PageSummary] = []
    partner_stories: list[PageSummary] = Field(
        [], description="Stories shared by partners, linking to their sites."
    )


class PageList(Plain):
    count: int
    limit: int
    offset: int
    items: list[PageSummary]


class NavigationItem(Schema):
    title: str
    path: str


class SiteLanguage(Schema):
    code: str = Field(description="e.g. 'en', 'es': the prefix of the language's addresses.")
    name: str = Field(description="The language's name in itself, e.g. 'español'.")
    home: str = Field(description="Path of the site's home page in this language.")


class SiteInfo(Schema):
    hostname: str
    language: str = Field(description="The language of the words, navigation and help lines.")
    languages: list[SiteLanguage] = Field(
        description="The languages the site is published in, its source language first."
    )
    name: str
    tagline: str
    primary_colour: str
    accent_colour: str
    logo: Image | None
    donate_url: str = Field(
        description="Where the site's Donate buttons lead, in this language: its own donation "
        "step where it takes gifts online, else its donate link; empty for no button."
    )
    donate_label: str
    footer_text: str
    safety_message: str
    home: PageSummary
    navigation: list[NavigationItem]
    help_hotlines: list[Hotline] = Field(
        description="The site's primary hotline first; when that is a national line, one for the "
        "site's own area next; then the national one(s)."
    )


class Error(Schema):
    detail: str


class InvalidInput(Schema):
    detail: list[dict[str, Any]] = Field(
        description="One entry per invalid parameter: where (loc) and why (msg)."
    )


# The management API's answers: the pages a token's owner may edit, with their review state.
class Review(Schema):
    status: Literal["in_progress", "needs_changes"] = Field(
        description="in_progress: waiting for a moderator; needs_changes: sent back to its writers."
    )
    task: str = Field(description="The workflow step it is at.")
    submitted_at: datetime.datetime


class ManagedFields(Schema):
    site: str = Field(description="Host name of the site the page belongs to.")
    parent_id: int | None
    live: bool = Field(description="Whether a version of the page is published.")
    has_unpublished_changes: bool = Field(description="Whether the latest draft is unpublished.")
    review: Review | None = Field(description="Its review, while one is under way.")
    latest_revision_id: int | None
    latest_revision_created_at: datetime.datetime | None
    admin_url: str = Field(description="Where a moderator reviews and publishes it.")


class ManagedPage(ManagedFields, PageSummary):
    pass


class ManagedPageDetail(ManagedFields, PageDetail):
    """The page's latest draft, whether or not it is published."""


class ManagedPageList(Schema):
    count: int
    limit: int
    offset: int
    items: list[ManagedPage]


class Membership(Schema):
    site: str
    name: str
    role: Literal["editor", "moderator"]


class WhoAmI(Schema):
    username: str
    network_admin: bool
    agencies: list[Membership]
    token: str = Field(description="The name given to the token this request used.")
