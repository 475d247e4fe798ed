"""RSS and Atom feeds of a site's live stories, and of each stories index."""

from django.apps import apps
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from wagtail.models import Page

from sites.caching.tags import depends_on, tree
from sites.content.branding import SiteBranding
from sites.content.specific import specific_pages
from sites.content.stories import by_story_date
from sites.content.visibility import readable
from sites.serving.chrome import site_for

FEED_LENGTH = 20
STORY_MODELS = ("NewsStoryPage", "AwarenessArticlePage")


class StoriesFeed(Feed):
    """The newest live, public stories and articles under one page: a site's home or a stories index."""

    def __init__(self, root: Page | None = None):
        super().__init__()
        self.root = root

    def get_object(self, request, *args, **kwargs):
        self.request = request
        site = site_for(request)
        self.branding = SiteBranding.for_site(site)
        return self.root or site.root_page

    def title(self, root):
        name = self.branding.display_name
        return name if root.depth <= 2 else f"{root.title} · {name}"

    def link(self, root):
        return root.get_full_url(self.request)

    def description(self, root):
        return getattr(root.get_site().root_page.specific, "tagline", "") or root.title

    subtitle = description

    def items(self, root):
        depends_on(tree(root))
        types = [apps.get_model("agency_sites", name) for name in STORY_MODELS]
        stories = readable(Page.objects).type(*types).descendant_of(root)
        # In their own types in one query, whatever the types (sites.content.specific).
        return specific_pages(
            by_story_date(stories)[:FEED_LENGTH],
            types,
            related=False,
            bodies=False,
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at


class AtomStoriesFeed(StoriesFeed):
    feed_type = Atom1Feed
