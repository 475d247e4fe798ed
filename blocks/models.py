"""The shared snippets, defined beside the blocks that show them."""

from .appeals import DonationAppeal
from .hotline import Hotline

__all__ = ["DonationAppeal", "Hotline"]
