"""The API's model: a draft's headless preview, kept with the view that shows it (preview)."""

from sites.api.preview import DraftPreview

__all__ = ["DraftPreview"]
