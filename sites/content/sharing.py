"""Sharing stories across the network: an agency shares a story, partners choose where and when to show it.

A partner shows a teaser that links to the original on its own site (the canonical copy), so
there is no duplicate to drift. Wagtail's aliases cannot be scheduled per site (wagtail#6920),
hence a placement of Lantern's own, with its own show-from and show-until times.
"""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Substr
from django.utils import timezone

from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, PageChooserPanel
from wagtail.models import Orderable, Page, Site

from sites.caching.tags import changes_at, depends_on
from sites.caching.tags import model as model_tag
from sites.caching.tags import page as page_tag
from sites.content.specific import prefetch_hero_renditions
from sites.content.visibility import readable


class SharedStory(Orderable):
    """A partner's shared story, shown in one of this site's story listings for a while."""

    index = ParentalKey(
        "agency_sites.NewsIndexPage", on_delete=models.CASCADE, related_name="shared_stories"
    )
    story = models.ForeignKey(
        "agency_sites.NewsStoryPage",
        on_delete=models.CASCADE,
        related_name="placements",
        help_text="A story another agency has shared with the network.",
    )
    show_from = models.DateTimeField(
        default=timezone.now, help_text="When readers here start to see it."
    )
    show_until = models.DateTimeField(
        null=True, blank=True, help_text="Leave empty to show it until it is removed."
    )

    panels = [
        PageChooserPanel("story", "agency_sites.NewsStoryPage"),
        FieldRowPanel([FieldPanel("show_from"), FieldPanel("show_until")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "story shared by a partner"

    def clean(self):
        super().clean()
        errors = {}
        story = self.story if self.story_id else None
        if story is not None:
            if not story.share_with_network:
                errors["story"] = (
                    "This story is not shared with the network: its agency has to share it first."
                )
            elif self.index_id and story.path.startswith(home_path(self.index)):
                errors["story"] = "This story is already on this site: list it here as your own."
        if self.show_until and self.show_from and self.show_until <= self.show_from:
            errors["show_until"] = "The end must come after the start."
        if errors:
            raise ValidationError(errors)


def home_path(page: Page) -> str:
    """Tree path of the home page (depth 2) that `page` belongs to."""
    return page.path[: Page.steplen * 2]


def partner_stories(index, now=None):
    """(story, source site name) for the partner stories this index shows now: live, public and still shared."""
    now = now or timezone.now()
    # Read as rows (nothing noted as it loads): a placement saved or deleted by itself must
    # reach the listing too, as the index page's publishing does.
    depends_on(model_tag(SharedStory))
    placements = index.shared_stories.order_by("sort_order").values_list(
        "story_id", "show_from", "show_until"
    )
    story_ids = []
    for story_id, show_from, show_until in placements:
        # A cached listing lasts until the next placement starts or ends.
        changes_at(min((t for t in (show_from, show_until) if t and t > now), default=None))
        if show_from <= now and (show_until is None or show_until > now):
            story_ids.append(story_id)
    if not story_ids:
        return []
    # A story that is not live now is not loaded, yet it comes back here when republished.
    depends_on(*(page_tag(pk) for pk in story_ids))
    NewsStoryPage = apps.get_model("agency_sites", "NewsStoryPage")
    # The stories with their pictures and the names of their sites, in one query (a site
    # renamed renames the source of its stories here).
    depends_on(model_tag(Site))
    source = Site.objects.filter(root_page__path=Substr(OuterRef("path"), 1, Page.steplen * 2))
    stories = (
        readable(NewsStoryPage.objects)
        .filter(pk__in=story_ids, share_with_network=True)
        .select_related("hero_image")
        .annotate(source_name=Subquery(source.values("site_name")[:1]))
        .in_bulk()
    )
    prefetch_hero_renditions(stories.values())
    return [(stories[pk], stories[pk].source_name or "") for pk in story_ids if pk in stories]
