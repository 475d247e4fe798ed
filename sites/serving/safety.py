"""'Browse more safely': what the quick exit does, and honestly what it cannot do.

One page on every site, in each of its languages, outside the page tree: it is the same
advice everywhere and must never be missing or unpublished.
"""

from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import translation

from sites.serving.chrome import site_for
from sites.serving.languages import offered_languages


def browse_safely(request):
    site = site_for(request)
    if site is not None and translation.get_language() not in offered_languages(site, request):
        raise Http404("This site is not published in this language.")
    return TemplateResponse(request, "sites/browse_safely.html", {"page": None})
