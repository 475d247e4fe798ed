"""Models of the agency_sites app: branding (a site setting) and the page types."""

from .branding import SiteBranding
from .pages import (
    AwarenessArticlePage,
    DonationAppealPage,
    HomePage,
    NewsIndexPage,
    NewsStoryPage,
    NewsStoryTag,
    StandardPage,
)

__all__ = [
    "AwarenessArticlePage",
    "DonationAppealPage",
    "HomePage",
    "NewsIndexPage",
    "NewsStoryPage",
    "NewsStoryTag",
    "SiteBranding",
    "StandardPage",
]
