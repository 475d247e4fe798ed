"""Site search: the live public pages of the reader's site, in the language being read.

Wagtail's search (its database backend: PostgreSQL full-text in production). Queries are
never stored or logged: what a reader in danger searched for is nobody's business.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import translation

from wagtail.models import Page, Site

from .languages import home_pages

PER_PAGE = 10
MAX_QUERY = 200


def search(request):
    site = Site.find_for_request(request)
    home = home_pages(site, request).get(translation.get_language()) if site else None
    if home is None:
        raise Http404("This site is not published in this language.")
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY]
    results = None
    if query:
        pages = Page.objects.live().public().descendant_of(home).exclude(pk=home.pk).specific()
        results = Paginator(pages.search(query), PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request, "sites/search.html", {"page": None, "query": query, "results": results}
    )
