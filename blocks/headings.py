"""Heading levels that fit the page's outline, for the blocks that carry headings.

A page's title is its h1, and the blocks of its body are sections whose headings are h2. A
stream placed inside a section of the page's own (an awareness article's "Further resources",
an h2) starts one level deeper: its template says so, `{% include_block … with heading_level=3 %}`.
What a block lists under its heading (a hotline panel's lines) sits one level below it, or at the
block's own level when the editor left the heading empty, so that no level is ever skipped:
Wagtail's content checks flag a skip as "Incorrect heading hierarchy", and editors cannot fix
a block's template.
"""

SECTION_LEVEL = 2  # a body block's heading, under the page's h1
DEEPEST = 6


class HeadingLevels:
    """For a StructBlock with an optional `heading`: `heading_level` (its heading's level) and
    `item_level` (the level of what it lists) in its template's context."""

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        level = min((parent_context or {}).get("heading_level", SECTION_LEVEL), DEEPEST)
        context["heading_level"] = level
        context["item_level"] = min(level + 1, DEEPEST) if value.get("heading") else level
        return context
