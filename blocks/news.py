"""Blocks that point readers at other stories."""

from django.core.exceptions import ValidationError

from wagtail import blocks

from sites.caching.tags import depends_on
from sites.caching.tags import page as page_tag
from sites.content.specific import specific_rows

from .chosen import (
    STORY_TYPES,
    LoadsWithStream,
    chosen,
    chosen_stories,
    readers_may_follow,
    reading_site,
    story_types,
)
from .headings import HeadingLevels
from .translated import PageBatch, chosen_in_order


class StoryChooserBlock(LoadsWithStream, blocks.PageChooserBlock):
    """Wagtail's page chooser, stored as one (the same definition in migrations), whose stories
    load as cards show them: every page chosen in the stream (blocks.chosen) comes in one
    query, each story in its own type, with its picture, its language and whether it is
    private. Wagtail's would load them as plain pages, and each block would load them again."""

    canonical_module_path = "wagtail.blocks.PageChooserBlock"

    def bulk_to_python(self, values):
        values = list(values)
        ids = [pk for pk in values if pk is not None]
        found = chosen(ids)
        if found is None or not all(
            isinstance(page, tuple(story_types())) for page in found.values()
        ):
            # Not from a stream, or a page of another type chosen (a generic page in the
            # stream's batch): loaded here, each in its type.
            found = {page.pk: page for page in specific_rows(chosen_stories(ids), story_types())}
        return chosen_in_order(values, found)

    def clean(self, value):
        """Wagtail's chooser for two page types accepts any page by its id: refuse the others."""
        value = super().clean(value)
        kind = value.specific_class if value is not None else None
        if value is not None and not (kind and issubclass(kind, tuple(self.target_models))):
            raise ValidationError(
                f"Choose a news story or an awareness article: page {value.pk} is neither.",
                code="not_a_story",
            )
        return value


class RelatedStoriesValue(blocks.StructValue):
    def live_stories(self, site_id: int | None = None, request=None):
        """The chosen stories that readers of a page of the site `site_id` may be led to, in
        the editor's order (blocks.chosen.readers_may_follow).

        A story chosen here may later be unpublished, made private or expire: it then drops
        out instead of leading readers to a 404 or a login page; so does another agency's
        story it does not share. Each is shown in the reader's language where it has a live
        translation. Loaded with every related-stories block of the page
        (RelatedStoriesBlock.bulk_to_python): no query of its own in the source language, one
        for all the blocks in another.
        """
        chosen_pages = [page for page in self.get("stories") or [] if page]
        # One not readable now is not loaded, yet shows again here once republished.
        depends_on(*(page_tag(page.pk) for page in chosen_pages))
        pages = [page for page in chosen_pages if readers_may_follow(page, site_id, request)]
        batch = getattr(self, "batch", None) or PageBatch(pages, story_types())
        return batch.shown(pages)


class RelatedStoriesBlock(HeadingLevels, blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120, default="Related stories")
    stories = blocks.ListBlock(StoryChooserBlock(page_type=STORY_TYPES), min_num=1, max_num=6)

    class Meta:
        label = "Related stories"
        icon = "doc-full-inverse"
        template = "blocks/related_stories.html"
        value_class = RelatedStoriesValue
        description = "Up to six other stories or articles, as teasers."

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        request = parent_context.get("request") if parent_context else None
        context["stories"] = value.live_stories(reading_site(parent_context), request)
        return context

    def bulk_to_python(self, values):
        """Every related-stories block of a stream at once, sharing one batch of stories."""
        converted = super().bulk_to_python(values)
        batch = PageBatch(
            (page for value in converted for page in value.get("stories") or []), story_types()
        )
        for value in converted:
            value.batch = batch
        return converted
