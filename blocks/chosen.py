"""Pages chosen anywhere in one stream, loaded together in one query.

Wagtail converts a stream's blocks one kind at a time (`StreamValue._prefetch_blocks`): the
stories of a page's related-stories blocks in one query, the page of its calls to action in
another, each when the first block of its kind is shown. A stream of these blocks
(`ChosenPagesStreamBlock`) instead gathers the ids of every page chosen in it, in every kind of
block, from its stored data, and the first chooser to need a page loads them all, each in its
own type with what a card shows (`blocks.news.chosen_stories`). The other choosers take theirs
from the same batch.
"""

import copy
from contextvars import ContextVar

from wagtail import blocks
from wagtail.blocks import StreamValue


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
    from sites.specific import specific_rows

    from .news import chosen_stories, story_types

    if not ids:
        return {}
    rows = chosen_stories.run(ids=sorted(ids))
    return {page.pk: page for page in specific_rows(rows, story_types(), others_generic=True)}


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
    """A stream whose choosers load their pages in one batch (`ChosenPages`)."""

    def _prefetch_blocks(self, type_name):
        batch = self.__dict__.get("_chosen_pages")
        if batch is None:
            children = self.stream_block.child_blocks
            batch = self._chosen_pages = ChosenPages(
                pk
                for item in self._raw_data
                if item and item.get("type") in children
                for pk in chosen_ids(children[item["type"]], item.get("value"))
            )
        token = _current.set(batch)
        try:
            super()._prefetch_blocks(type_name)
        finally:
            _current.reset(token)


class ChosenPagesStreamBlock(blocks.StreamBlock):
    """A StreamBlock whose values, read from the database, are `ChosenPagesValue`s."""

    def to_python(self, value):
        value = super().to_python(value)
        if type(value) is StreamValue and value.is_lazy:
            value = ChosenPagesValue(self, value._raw_data, is_lazy=True, raw_text=value.raw_text)
        return value
