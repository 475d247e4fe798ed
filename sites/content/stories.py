"""What stories and articles share wherever they are listed: their order, newest first."""

from django.db.models.functions import Coalesce


def by_story_date(pages):
    """Order a mixed queryset of stories and articles by their own date, newest first."""
    return pages.annotate(
        story_date=Coalesce("newsstorypage__date", "awarenessarticlepage__date")
    ).order_by("-story_date", "-pk")
