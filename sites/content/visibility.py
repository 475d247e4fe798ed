"""What readers may see: pages that are live, public, and not past their expiry.

Wagtail unpublishes an expired page only when `publish_scheduled` next runs (every minute with
`make scheduler`, or not at all if nobody runs it); until then the page is still `live`. Every
reader-facing query goes through `readable`, and serving refuses an expired page, so expiry
(a story's consent ending, say) takes effect at its moment, not at the next run.

Privacy (Wagtail's view restrictions) is checked inside the same query, as a subquery: Wagtail's
own `.public()` first loads every restriction of the install, one more query each time it is
used, and a reader page used it three to six times.
"""

from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Length, Substr
from django.http import Http404
from django.utils import timezone

from wagtail.models import Page, PageViewRestriction

from sites.caching.tags import depends_on, model

# Above every character of a tree path (0-9, A-Z), in SQLite's byte order and in the "C"
# collation Wagtail gives the path column on PostgreSQL.
PAST_PATH = "~"


def within(path: str, *, inclusive: bool = False) -> Q:
    """Pages under the page at `path` (and that page itself when `inclusive`), as a range of
    paths. The same pages as `path__startswith`, but a range is one the path's index can walk:
    SQLite never uses an index for LIKE, and scanned every page of the install (50,000 at 50
    sites) to find one site's."""
    upper = path + PAST_PATH
    lower = {"path__gte": path} if inclusive else {"path__gt": path}
    return Q(**lower, path__lt=upper)


def over(path, field: str = "path") -> Q:
    """Rows whose `field` (a tree path) is `path` or one of its ancestors' paths.

    `path` may be an expression, such as OuterRef("path") in a subquery."""
    return Q(**{field: Substr(path, Value(1), Length(field))})


def restrictions_over(path):
    """The view restrictions on the page at `path` or on any of its ancestors."""
    return PageViewRestriction.objects.filter(over(path, "page__path"))


def aliases_over(path):
    """The pages at `path` or above it that are aliases (whose privacy is their source's)."""
    # `alias_of > 0` rather than "is not null": the same rows, but the databases then walk the
    # index of aliases (a handful) instead of every page of the install for each page checked.
    return Page.objects.filter(over(path), alias_of_id__gt=0)


# What a page loaded with `privacy()` knows: a view restriction on it or above it; it or a
# page above it is an alias (whose privacy is its source's).
RESTRICTED = "_lantern_restricted"
UNDER_ALIAS = "_lantern_under_alias"


def privacy() -> dict:
    """Annotations for a page query: whether each page is private, or under an alias."""
    return {
        RESTRICTED: Exists(restrictions_over(OuterRef("path"))),
        UNDER_ALIAS: Exists(aliases_over(OuterRef("path"))),
    }


def readable_now(page) -> bool:
    """Whether readers may see `page` (loaded with `privacy()`), as `readable` tells."""
    return page.live and not expired(page) and not getattr(page, RESTRICTED)


def readable(pages, now=None):
    """`pages` (a page queryset) narrowed to what readers may see now (or at `now`). No query
    of its own.

    The same pages as Wagtail's `.live().public()` with expiry: a page is private when it or
    an ancestor has a view restriction (Wagtail's `.public()` ignores aliases too)."""
    # A page made private tomorrow drops out of every listing: the page cache must know.
    depends_on(model(PageViewRestriction))
    return (
        pages.live()
        .exclude(expire_at__lte=now or timezone.now())
        .exclude(Exists(restrictions_over(OuterRef("path"))))
    )


def expired(page) -> bool:
    return bool(page.expire_at and page.expire_at <= timezone.now())


def refuse_expired(page, request, serve_args, serve_kwargs):
    """before_serve_page: a page past its expiry is not found, even before it is unpublished."""
    if expired(page):
        raise Http404("This page has expired.")
