"""What readers may see: pages that are live, public, and not past their expiry.

Wagtail unpublishes an expired page only when `publish_scheduled` next runs (every minute with
`make scheduler`, or not at all if nobody runs it); until then the page is still `live`. Every
reader-facing query goes through `readable`, and serving refuses an expired page, so expiry
(a story's consent ending, say) takes effect at its moment, not at the next run.
"""

from django.http import Http404
from django.utils import timezone


def readable(pages):
    """`pages` (a page queryset) narrowed to what readers may see now."""
    return pages.live().public().exclude(expire_at__lte=timezone.now())


def expired(page) -> bool:
    return bool(page.expire_at and page.expire_at <= timezone.now())


def refuse_expired(page, request, serve_args, serve_kwargs):
    """before_serve_page: a page past its expiry is not found, even before it is unpublished."""
    if expired(page):
        raise Http404("This page has expired.")
