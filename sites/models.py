"""Models of the agency_sites app: agencies, branding (a site setting) and the page types."""

from .agencies.tenancy import Agency
from .api.preview import DraftPreview
from .branding import SiteBranding
from .caching.models import PageCacheTag
from .help.models import HelpResource
from .help.pages import FindHelpPage
from .pages import (
    AwarenessArticlePage,
    DonationAppealPage,
    HomePage,
    NewsIndexPage,
    NewsStoryPage,
    NewsStoryTag,
    StandardPage,
)
from .privacy.workflow import PrivacyScreenState, PrivacyScreenTask
from .sharing import SharedStory

__all__ = [
    "Agency",
    "AwarenessArticlePage",
    "DonationAppealPage",
    "DraftPreview",
    "FindHelpPage",
    "HelpResource",
    "HomePage",
    "NewsIndexPage",
    "NewsStoryPage",
    "NewsStoryTag",
    "PageCacheTag",
    "PrivacyScreenState",
    "PrivacyScreenTask",
    "SharedStory",
    "SiteBranding",
    "StandardPage",
]
