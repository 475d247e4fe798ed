"""Pages chosen anywhere in one stream, loaded together in one query.

Wagtail converts a stream's blocks one kind at a time (each kind's `bulk_to_python`): the
stories of a page's related-stories blocks in one query, the page of its calls to action in
another, each when the first block of its kind is shown. A stream of these blocks
(`ChosenPagesStreamBlock`) instead gathers the ids of every page chosen in it, in every kind of
block, from its stored data, and the first chooser to need a page loads them all, each in its
own type with what a card shows (`chosen_stories`) and whether it is private. The
other choosers take theirs from the same batch.

Every chosen page is loaded, whatever its state: the admin edits the same values, and an
editor's own draft stays chosen in their form. What readers are led to is decided when a block
is shown, by `readers_may_follow`, the one rule every block holding a page asks.
"""

import copy
from contextvars import ContextVar

from django.apps import apps
from django.utils.functional import cached_property

from wagtail import blocks
from wagtail.blocks import StreamValue
from wagtail.models import Page, PageViewRestriction

from sites.caching.tags import depends_on, model
from sites.content.specific import specific_queryset, specific_rows
from sites.content.visibility import RESTRICTED, privacy, readable_now

STORY_TYPES = ["agency_sites.NewsStoryPage", "agency_sites.AwarenessArticlePage"]


def story_types():
    return [apps.get_model(label) for label in STORY_TYPES]


def chosen_stories(ids):
    """The stories `ids` (one query, not run yet): each in its type, with its language and
    privacy, as cards show them."""
    pages = Page.objects.filter(pk__in=ids).select_related("locale").annotate(**privacy())
    return specific_queryset(pages, story_types(), bodies=False)[0]


class ChosenPages:
    """The pages chosen in one stream: loaded once, by the first chooser that needs them."""

    def __init__(self, ids):
        self.wanted = frozenset(ids)
        self._found: dict | None = None
        self._handed: set[int] = set()

    def take(self, ids) -> dict | None:
        """pk → page for each of `ids` that exists, or None if `ids` are not all this batch's
        (a value made in code). A page handed out before is handed out again as a copy: one
        object for each place it is chosen, as Wagtail's choosers give."""
        ids = {pk for pk in ids if pk is not None}
        if not ids <= self.wanted:
            return None
        if self._found is None:
            self._found = load(self.wanted)
        taken = {}
        for pk in ids:
            page = self._found.get(pk)
            if page is None:
                continue
            taken[pk] = copy.copy(page) if pk in self._handed else page
            self._handed.add(pk)
        return taken


_current: ContextVar[ChosenPages | None] = ContextVar("lantern_chosen_pages", default=None)


def chosen(ids) -> dict | None:
    """For a chooser's `bulk_to_python`: pk → page for `ids`, from the batch of the stream
    being converted, or None when there is none (the chooser then loads its own)."""
    batch = _current.get()
    return None if batch is None else batch.take(ids)


def load(ids) -> dict:
    if not ids:
        return {}
    rows = chosen_stories(sorted(ids))
    return {page.pk: page for page in specific_rows(rows, story_types(), others_generic=True)}


def readers_may_follow(page, site_id: int | None = None, request=None) -> bool:
    """Whether readers of a page of the site `site_id` may be led to `page`, chosen in one of
    its blocks: it is live, public (no view restriction on it or above it) and not expired,
    and it is on the same site (in any of its languages) or a story its agency shares with the
    network. A block shown outside any page (`site_id` None) checks the page alone."""
    if page is None or page.pk is None:
        return False
    depends_on(model(PageViewRestriction))  # made private later: the page cache must know
    if not hasattr(page, RESTRICTED):  # a value made in code, not loaded by a chooser here
        setattr(page, RESTRICTED, page.get_view_restrictions().exists())
    if not readable_now(page):
        return False
    if site_id is None or getattr(page, "share_with_network", False):
        return True
    return site_of(page, request) == site_id


def site_of(page, request=None) -> int | None:
    """The id of the site `page` is on (any of its languages), as its address tells: no query
    once the sites' roots are known (Wagtail keeps them)."""
    parts = page.get_url_parts(request) if page.url_path else None
    return parts[0] if parts else None


def reading_site(context) -> int | None:
    """The site of the page a block is shown on: the `page` of its template's context (the
    page served, or previewed), None for a block shown outside a page."""
    page = context.get("page") if context else None
    if not isinstance(page, Page):
        return None
    return site_of(page, context.get("request"))


class LoadsWithStream:
    """A page chooser whose pages come from its stream's batch (`chosen`) when it has one."""


def chosen_ids(block, raw) -> list[int]:
    """The ids of the pages chosen in `raw`, the stored value of `block`, at any depth."""
    if isinstance(block, LoadsWithStream):
        return [raw] if isinstance(raw, int) else []
    if isinstance(block, blocks.StructBlock) and isinstance(raw, dict):
        return [
            pk
            for name, child in block.child_blocks.items()
            for pk in chosen_ids(child, raw.get(name))
        ]
    if isinstance(block, blocks.ListBlock) and isinstance(raw, list):
        return [
            pk
            for item in raw
            for pk in chosen_ids(
                block.child_block,
                item["value"] if isinstance(item, dict) and item.get("type") == "item" else item,
            )
        ]
    return []


class ChosenPagesValue(StreamValue):
    """A stream whose choosers load their pages in one batch (`ChosenPages`): each block read
    from it is converted with the batch at hand."""

    @cached_property
    def chosen_pages(self) -> ChosenPages:
        children = self.stream_block.child_blocks
        return ChosenPages(
            pk
            for item in self.raw_data
            if item and item.get("type") in children
            for pk in chosen_ids(children[item["type"]], item.get("value"))
        )

    def __getitem__(self, i):
        token = _current.set(self.chosen_pages)
        try:
            return super().__getitem__(i)
        finally:
            _current.reset(token)


class ChosenPagesStreamBlock(blocks.StreamBlock):
    """A StreamBlock whose values, read from the database, are `ChosenPagesValue`s."""

    def to_python(self, value):
        value = super().to_python(value)
        if type(value) is StreamValue and value.is_lazy:
            value = ChosenPagesValue(
                self, list(value.raw_data), is_lazy=True, raw_text=value.raw_text
            )
        return value
