"""Models of the content app (label agency_sites): a site's branding and the page types."""

from sites.content.branding import SiteBranding
from sites.content.pages import (
    AwarenessArticlePage,
    DonationAppealPage,
    HomePage,
    NewsIndexPage,
    NewsStoryPage,
    NewsStoryTag,
    StandardPage,
)
from sites.content.sharing import SharedStory

__all__ = [
    "AwarenessArticlePage",
    "DonationAppealPage",
    "HomePage",
    "NewsIndexPage",
    "NewsStoryPage",
    "NewsStoryTag",
    "SharedStory",
    "SiteBranding",
    "StandardPage",
]
