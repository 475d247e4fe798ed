"""Finding the page an address names, and whether readers may see it, in few queries.

Wagtail walks an address one slug at a time, with two queries a step (the page, then its
specific type), and then checks view restrictions with two more (the ancestors, then their
restrictions). Each of Lantern's page types walks a step in one query instead, which brings
the page in its specific type, its language and hero image, and whether it or any page above
it is private: a public page then needs no query at all to be checked.
"""

from django.db.models import Q
from django.http import Http404

from wagtail.models import PageViewRestriction

from .caching.tags import depends_on, model
from .specific import specific_pages
from .visibility import RESTRICTED, UNDER_ALIAS, privacy


def known_privacy(page, loaded) -> None:
    """`page` is `loaded` (the same page, loaded with `privacy()`): keep what it tells."""
    for name in (RESTRICTED, UNDER_ALIAS):
        if hasattr(loaded, name):
            setattr(page, name, getattr(loaded, name))


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

    def child_at(self, slug):
        """The child page at `slug`, specific, with its locale and privacy, or None: one query."""
        children = (
            self.get_children().filter(slug=slug).select_related("locale").annotate(**privacy())
        )
        found = specific_pages(children, self.specific_class.allowed_subpage_models())
        return found[0] if found else None

    def get_view_restrictions(self):
        """The view restrictions readers must pass for this page: those on it and on every page
        above it (for an alias, its source's). None to look up when routing found none."""
        depends_on(model(PageViewRestriction))  # made private later: the page cache must know
        if getattr(self, RESTRICTED, None) is False and getattr(self, UNDER_ALIAS, None) is False:
            return PageViewRestriction.objects.none()
        # One query, where Wagtail takes two (the ancestors, then their restrictions).
        step = self.steplen
        paths = [self.path[:end] for end in range(step, len(self.path) + 1, step)]
        return PageViewRestriction.objects.filter(
            Q(page__path__in=paths, page__alias_of__isnull=True) | Q(page__aliases__path__in=paths)
        ).distinct()
