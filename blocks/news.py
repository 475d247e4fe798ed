"""Blocks that point readers at other stories."""

from wagtail import blocks
from wagtail.models import Page

from sites.caching.tags import depends_on
from sites.caching.tags import page as page_tag
from sites.visibility import readable

from .translated import in_language

STORY_TYPES = ["agency_sites.NewsStoryPage", "agency_sites.AwarenessArticlePage"]


class RelatedStoriesValue(blocks.StructValue):
    def live_stories(self):
        """The chosen stories that readers may see, in the editor's order, in one query.

        A story chosen here may later be unpublished or made private: it then drops out
        instead of leading readers to a 404 or a login page. Each is shown in the reader's
        language where it has a live translation.
        """
        ids = [page.pk for page in self.get("stories") or [] if page]
        # One not readable now is not loaded, yet shows again here once republished.
        depends_on(*(page_tag(pk) for pk in ids))
        pages = readable(Page.objects).filter(pk__in=ids).specific().in_bulk()
        return in_language([pages[pk] for pk in ids if pk in pages])


class RelatedStoriesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120, default="Related stories")
    stories = blocks.ListBlock(blocks.PageChooserBlock(page_type=STORY_TYPES), min_num=1, max_num=6)

    class Meta:
        label = "Related stories"
        icon = "doc-full-inverse"
        template = "blocks/related_stories.html"
        value_class = RelatedStoriesValue
        description = "Up to six other stories or articles, as teasers."
