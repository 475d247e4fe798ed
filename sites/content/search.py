"""Site search: the live public pages of the reader's site, in the language being read.

Wagtail's search (its database backend: PostgreSQL full-text in production). Queries are
never stored or logged: what a reader in danger searched for is nobody's business.
"""

import re

from django.core.paginator import Paginator
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import translation

from wagtail.models import Page

from sites.content.visibility import expired
from sites.serving.chrome import site_for
from sites.serving.languages import home_pages

PER_PAGE = 10
MAX_QUERY = 200


def words(query: str) -> str:
    """The query's words only: quotes, brackets and operators are search-engine syntax (SQLite's
    full-text search fails on an unmatched quote), and control characters are never words."""
    return " ".join(re.sub(r"[^\w'-]+", " ", query).split())


def search(request):
    site = site_for(request)
    home = home_pages(site, request).get(translation.get_language()) if site else None
    if home is None:
        raise Http404("This site is not published in this language.")
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY]
    results = None
    if query:
        pages = Page.objects.live().public().descendant_of(home).exclude(pk=home.pk).specific()
        terms = words(query)
        # The search index cannot filter on expiry: pages past it are left out here instead.
        found = [page for page in pages.search(terms) if not expired(page)] if terms else []
        results = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request, "sites/search.html", {"page": None, "query": query, "results": results}
    )
