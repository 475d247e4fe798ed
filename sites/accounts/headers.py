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

from django.core.signals import setting_changed
from django.urls import get_script_prefix, reverse

from sites.serving.templatetags.lantern_csp import HASHES

REFERRER_POLICY = "Referrer-Policy"


class AdminReferrerPolicyMiddleware:
    """Sits after SecurityMiddleware, whose default it then leaves alone on admin answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(admin_path()):
            response.headers.setdefault(REFERRER_POLICY, "same-origin")
        return response


_admin_path: list[str] = []


def admin_path() -> str:
    """Where the admin starts, as `request.path_info` has it (without the script prefix that
    `reverse` adds): worked out once per process, not on every answer (80,000 instructions of
    each, static files' and cached pages' too). Compared with `reverse` as it was, under a script
    prefix no admin path matched: the admin got readers' `no-referrer`, under which browsers'
    form posts fail Django's CSRF check."""
    if not _admin_path:
        _admin_path.append("/" + reverse("wagtailadmin_home")[len(get_script_prefix()) :])
    return _admin_path[0]


def _urls_changed(setting, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _admin_path.clear()


setting_changed.connect(_urls_changed, dispatch_uid="lantern_admin_path")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, leaving out Wagtail's previews (its dummy requests)."""

    def process_response(self, request, response):
        if getattr(request, "is_dummy", False):
            response._csp_exempt = True
        # Inline styles allowed by their hashes ({% inline_style %}, sites.serving.templatetags.lantern_csp).
        hashes = getattr(request, HASHES, None)
        if hashes:
            # Beside what the view added (the donation step's form-action, sites.giving).
            response._csp_update = {**getattr(response, "_csp_update", {}), "style-src": hashes}
        return super().process_response(request, response)
