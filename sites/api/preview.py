"""Headless preview: an editor previews a draft in the partner's own front end.

Previewing in "Partner front end" mode stores the draft as it stands in the editor under a
random token and sends the editor's browser to the site's front end with that token; the
front end fetches the draft from /api/preview. The token expires after an hour; without it,
nothing of a draft is reachable.
"""

import datetime
import secrets
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.shortcuts import redirect
from django.utils import timezone

PREVIEW_LIFETIME = datetime.timedelta(hours=1)
PARTNER_MODE = "partner"


class DraftPreview(models.Model):
    """A draft as an editor last previewed it, reachable with its token until it expires."""

    token = models.CharField(max_length=64, unique=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    content_json = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        db_table = "agency_sites_draftpreview"  # its table from before sites/ was split into apps

    def __str__(self):
        return f"Preview made {self.created_at:%Y-%m-%d %H:%M}"

    @classmethod
    def create_for(cls, page) -> "DraftPreview":
        cls.objects.filter(created_at__lt=timezone.now() - PREVIEW_LIFETIME).delete()
        return cls.objects.create(
            token=secrets.token_urlsafe(32),
            content_type=ContentType.objects.get_for_model(page),
            content_json=page.to_json(),
        )

    @classmethod
    def page_for(cls, token: str):
        """The previewed page for a live token, or None."""
        preview = cls.objects.filter(
            token=token, created_at__gte=timezone.now() - PREVIEW_LIFETIME
        ).first()
        if preview is None:
            return None
        return preview.content_type.model_class().from_json(preview.content_json)


class HeadlessPreviewMixin:
    """Adds a "Partner front end" preview to pages of sites that have one."""

    def frontend_url(self) -> str:
        from sites.content.branding import SiteBranding  # branding imports pages

        # A page not yet saved has no place in the tree to tell its site: save a draft first.
        site = self.get_site() if self.pk else None
        return SiteBranding.for_site(site).frontend_url if site else ""

    @property
    def preview_modes(self):
        modes = super().preview_modes
        if self.frontend_url():
            modes = [*modes, (PARTNER_MODE, "Partner front end")]
        return modes

    def serve_preview(self, request, mode_name):
        if mode_name != PARTNER_MODE:
            return super().serve_preview(request, mode_name)
        preview = DraftPreview.create_for(self)
        return redirect(f"{self.frontend_url()}?{urlencode({'preview_token': preview.token})}")
