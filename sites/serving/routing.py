"""Finding the page an address names, and whether readers may see it, in few queries.

Wagtail walks an address one slug at a time, with two queries a step (the page, then its
specific type), and then checks view restrictions with two more (the ancestors, then their
restrictions). Each of Lantern's page types walks a step in one query instead, which brings
the page in its specific type, its language and hero image, and whether it or any page above
it is private: a public page then needs no query at all to be checked.
"""

import functools

from django.db.models import Q
from django.http import Http404, HttpResponse

from wagtail import hooks
from wagtail.models import Page, PageViewRestriction

from sites.caching import memo
from sites.caching.tags import children, depends_on, model
from sites.content.specific import specific_queryset, specific_rows
from sites.content.visibility import RESTRICTED, UNDER_ALIAS, privacy
from sites.serving.addresses import page_url, url_parts
from sites.serving.chrome import chrome_for, request_copy, site_for


def known_privacy(page, loaded) -> None:
    """`page` is `loaded` (the same page, loaded with `privacy()`): keep what it tells."""
    for name in (RESTRICTED, UNDER_ALIAS):
        if hasattr(loaded, name):
            setattr(page, name, getattr(loaded, name))


# Where a home page routed from a site's chrome keeps its children (`ReaderPageMixin.child_at`).
KEPT_CHILDREN = "lantern_kept_children"
# Where a page found by routing keeps the page it was routed through (`routed_parent`).
ROUTED_FROM = "lantern_routed_from"


def serve(request, path):
    """Wagtail's `serve` view, running the same hooks in the same order (`on_serve_page`,
    `before_serve_page`), with a reader's request routed from the home page and its children
    that the site's chrome keeps: Wagtail's own routing would load the site, the language, the
    home page and the child again."""
    route_result = route_for_request(request, path)
    if route_result is None:
        raise Http404
    page, args, kwargs = route_result

    def serve_chain(page, request, args, kwargs):
        return page.serve(request, *args, **kwargs)

    for wrap in reversed(hooks.get_hooks("on_serve_page")):
        serve_chain = wrap(serve_chain)
    for fn in hooks.get_hooks("before_serve_page"):
        result = fn(page, request, args, kwargs)
        if isinstance(result, HttpResponse):
            return result
    return serve_chain(page, request, args, kwargs)


def route_for_request(request, path: str):
    """(page, args, kwargs) for `path` on the request's site, or None: as Wagtail's
    `Page.route_for_request`, from the site's chrome when the request has one."""
    chrome = chrome_for(request)
    if chrome is None:
        return Page.route_for_request(request, path)
    root = request_copy(chrome.root)
    setattr(root, KEPT_CHILDREN, chrome.root_children)
    try:
        return root.route(request, [component for component in path.split("/") if component])
    except Http404:
        return None


@functools.cache
def children_query(parent_class) -> tuple:
    """The query finding children of a page of `parent_class`, each as a page of any type that
    may be its child, with its language, privacy and what its type shows from other tables (a
    story's tags); and those types. Built once per worker, never run itself: each step of an
    address filters a copy of it, so building the wide query is not paid at every step."""
    types = specific_queryset(Page.objects.none(), parent_class.allowed_subpage_models())[1]
    shown = {
        name: expression
        for model in types
        for name, expression in getattr(model, "routed_with", dict)().items()
    }
    # One page at most: no order to compute.
    query = Page.objects.order_by().select_related("locale").annotate(**privacy(), **shown)
    return specific_queryset(query, types)[0], types


def child_query(parent_class, path, depth, slug):
    """The query finding the child at `slug` of the page of `parent_class` at `path` (not run
    yet), and the page types it may be."""
    children, types = children_query(parent_class)
    return children.filter(path__startswith=path, depth=depth, slug=slug), types


class ReaderPageMixin:
    """For every page type readers see. Put it just before Wagtail's Page in the bases (after
    RoutablePageMixin, whose own routes come first)."""

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        child = self.child_at(path_components[0])
        if child is None:
            raise Http404
        setattr(child, ROUTED_FROM, self)
        return child.route(request, path_components[1:])

    def routed_parent(self):
        """The page above this one: the one routing came through (no query), else Wagtail's
        `get_parent()`."""
        return getattr(self, ROUTED_FROM, None) or self.get_parent()

    def get_url_parts(self, request=None):
        return url_parts(self.url_path, request, super().get_url_parts)

    def get_url(self, request=None, current_site=None):
        """Wagtail's answer (relative on the request's site, full on another), from the
        addresses a worker keeps and the site roots the request has (sites.serving.addresses)."""
        if request is None:
            return super().get_url(request, current_site)
        site = current_site or site_for(request)
        return page_url(self.url_path, request, site.pk if site is not None else None)

    def child_at(self, slug):
        """The child page at `slug`, specific, with its locale and privacy, or None.

        The children of a home page come with the site's chrome; any other live child is kept
        by the worker under its parent and slug (`memo.ROUTED`) while its tags hold: the page
        itself (saved, published, moved), its parent's children, and every view restriction,
        as its privacy was worked out from those above it. A page not kept costs one query."""
        kept = getattr(self, KEPT_CHILDREN, None)
        if kept is not None:
            child = kept.get(slug)
            return request_copy(child) if child is not None else None
        child = memo.remembered(
            ("routed", self.pk, slug),
            lambda: self.find_child(slug),
            keep=lambda page: page.live,  # a draft at an address readers ask for is rare
            entries=memo.ROUTED,
        )
        return request_copy(child) if child is not None else None

    def find_child(self, slug):
        """child_at's page, from the database: one query."""
        depends_on(children(self), model(PageViewRestriction))
        query, types = child_query(self.specific_class, self.path, self.depth + 1, slug)
        found = specific_rows(query, types)
        if not found:
            return None
        found[0].routed()
        return found[0]

    def routed(self) -> None:
        """Called on a page routing has just found, while what it is built from is recorded:
        a page type that brings more with it (`routed_with`) declares what that shows."""

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
