"""Survivor privacy's models, each kept in the module of what it is."""

from sites.privacy.gate import PrivacyOverride
from sites.privacy.workflow import PrivacyScreenState, PrivacyScreenTask

__all__ = ["PrivacyOverride", "PrivacyScreenState", "PrivacyScreenTask"]
