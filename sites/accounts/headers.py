"""Where the admin's headers differ from readers' pages.

- Referrer-Policy: same-origin in the admin, no-referrer everywhere else. With `no-referrer`
  a browser sends `Origin: null` on form posts, which Django's CSRF check refuses; the
  admin's forms post to their own origin, and may say so. The sites readers follow links to
  learn nothing.
- Content-Security-Policy: none on the admin's own pages (CONTENT_SECURITY_POLICY's
  EXCLUDE_URL_PREFIXES), whose scripts and styles are inline, nor on Wagtail's previews,
  which render a reader page inside the editor's frame: under the readers' policy
  (frame-ancestors 'none') the editor could not show them. A reader page's one inline style
  (the site's colours) is allowed by its hash, so the page stays the same from one answer to
  the next: cacheable, and revalidated with 304s.
"""

from csp.middleware import CSPMiddleware

from django.urls import reverse

from ..templatetags.lantern_csp import HASHES

REFERRER_POLICY = "Referrer-Policy"


class AdminReferrerPolicyMiddleware:
    """Sits after SecurityMiddleware, whose default it then leaves alone on admin answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(reverse("wagtailadmin_home")):
            response.headers.setdefault(REFERRER_POLICY, "same-origin")
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, leaving out Wagtail's previews (its dummy requests)."""

    def process_response(self, request, response):
        if getattr(request, "is_dummy", False):
            response._csp_exempt = True
        # Inline styles allowed by their hashes ({% inline_style %}, sites.templatetags.lantern_csp).
        hashes = getattr(request, HASHES, None)
        if hashes:
            response._csp_update = {"style-src": hashes}
        return super().process_response(request, response)
