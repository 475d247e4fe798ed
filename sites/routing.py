"""Finding the page an address names, and whether readers may see it, in few queries.

Wagtail walks an address one slug at a time, with two queries a step (the page, then its
specific type), and then checks view restrictions with two more (the ancestors, then their
restrictions). Each of Lantern's page types walks a step in one query instead, which brings
the page in its specific type, its language and hero image, and whether it or any page above
it is private: a public page then needs no query at all to be checked.
"""

from django.db.models import Q
from django.http import Http404

from wagtail.models import Page, PageViewRestriction

from .addresses import url_parts
from .caching.tags import depends_on, model
from .chrome import fresh
from .prepared import Prepared
from .specific import specific_queryset, specific_rows
from .visibility import RESTRICTED, UNDER_ALIAS, privacy


def known_privacy(page, loaded) -> None:
    """`page` is `loaded` (the same page, loaded with `privacy()`): keep what it tells."""
    for name in (RESTRICTED, UNDER_ALIAS):
        if hasattr(loaded, name):
            setattr(page, name, getattr(loaded, name))


_child_queries: dict[type, tuple[Prepared, list]] = {}


def child_query(parent_class) -> tuple[Prepared, list]:
    """The query finding a child of a page of `parent_class` by its slug, as a page of any
    type that may be its child, prepared once (sites.prepared); and those types."""
    if parent_class not in _child_queries:
        types = specific_queryset(Page.objects.none(), parent_class.allowed_subpage_models())[1]

        # What a page type shows from other tables, brought with it (a story's tags).
        shown = {
            name: expression
            for model in types
            for name, expression in getattr(model, "routed_with", dict)().items()
        }

        def build(path, depth, slug):
            children = Page.objects.filter(path__startswith=path, depth=depth, slug=slug)
            return specific_queryset(
                children.select_related("locale").annotate(**privacy(), **shown), types
            )[0]

        _child_queries[parent_class] = (Prepared(Page, build), types)
    return _child_queries[parent_class]


def known_empty(queryset):
    """`queryset.none()`, known to be empty without asking: Django compiles an empty queryset
    before finding it has nothing to ask (2% of an uncached story, for the check of its view
    restrictions that Wagtail makes on every page it serves). Chained (`.order_by()`,
    `.exists()` in the admin), it is an ordinary empty queryset."""
    queryset._result_cache = []
    queryset._prefetch_done = True
    return queryset


class ReaderPageMixin:
    """For every page type readers see. Put it just before Wagtail's Page in the bases (after
    RoutablePageMixin, whose own routes come first)."""

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        child = self.child_at(path_components[0])
        if child is None:
            raise Http404
        child._cached_parent_obj = self  # its get_parent() costs nothing (as in Wagtail's route)
        return child.route(request, path_components[1:])

    def get_url_parts(self, request=None):
        return url_parts(self, request, super().get_url_parts)

    def child_at(self, slug):
        """The child page at `slug`, specific, with its locale and privacy, or None: one query,
        or none for the children of a home page a worker keeps (sites.chrome)."""
        kept = getattr(self, "_lantern_children", None)
        if kept is not None:
            child = kept.get(slug)
            return fresh(child) if child is not None else None
        prepared, types = child_query(self.specific_class)
        found = specific_rows(prepared.run(path=self.path, depth=self.depth + 1, slug=slug), types)
        return found[0] if found else None

    def get_view_restrictions(self):
        """The view restrictions readers must pass for this page: those on it and on every page
        above it (for an alias, its source's). None to look up when routing found none."""
        depends_on(model(PageViewRestriction))  # made private later: the page cache must know
        if getattr(self, RESTRICTED, None) is False and getattr(self, UNDER_ALIAS, None) is False:
            return known_empty(PageViewRestriction.objects.none())
        # One query, where Wagtail takes two (the ancestors, then their restrictions).
        step = self.steplen
        paths = [self.path[:end] for end in range(step, len(self.path) + 1, step)]
        return PageViewRestriction.objects.filter(
            Q(page__path__in=paths, page__alias_of__isnull=True) | Q(page__aliases__path__in=paths)
        ).distinct()
