"""URL map: the admin, documents, sitemap, then Wagtail's page tree for every site."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cms import media
from cms.choosers import ExternalLink
from sites.agencies import listings as agency_listings
from sites.agencies import redirects as agency_redirects
from sites.api.api import api as public_api
from sites.api.manage import api as manage_api
from sites.content.feeds import AtomStoriesFeed, StoriesFeed
from sites.content.search import search
from sites.content.sitemap import SiteSitemap
from sites.giving import urls as giving_urls
from sites.help.hsds.api import api as hsds_api
from sites.serving import routing
from sites.serving.languages import choose_language, to_source_language
from sites.serving.safety import browse_safely
from sites.translation import guards
from sites.translation.report import translations_report
from sites.translation.review import submit_translation_view

# The database not answering gives readers a 503 to come back in a minute, not a 500 (cms.health).
handler500 = "cms.health.server_error"

urlpatterns = [
    # Before Wagtail's admin URLs, so that these per-agency views answer at Wagtail's addresses.
    path("admin/", include(agency_listings)),
    path(
        "admin/choose-external-link/",
        require_admin_access(ExternalLink.as_view()),
        name="wagtailadmin_choose_page_external_link",
    ),
    path("admin/redirects/", include(agency_redirects)),
    # wagtail-localize's translate, sync and edit views, checked per page and snippet.
    path("admin/localize/", include(guards)),
    path(
        "admin/lantern/translations/",
        require_admin_access(translations_report),
        name="lantern_translations_report",
    ),
    path(
        "admin/lantern/translations/<int:page_id>/submit/",
        require_admin_access(submit_translation_view),
        name="lantern_submit_translation",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("api/manage/", manage_api.urls),
    # Wagtail-style /api/v2/ address for the help search: Lantern's public API is at /api/.
    path(
        "api/v2/help/",
        RedirectView.as_view(url="/api/help", query_string=True, permanent=True),
    ),
    # Open Referral's HSDS API for the whole network's help directory (before /api/ itself).
    path("api/hsds/", hsds_api.urls),
    path("api/", public_api.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": SiteSitemap}}, name="sitemap"),
    path("feed/", StoriesFeed(), name="feed"),
    path("feed/atom/", AtomStoriesFeed(), name="feed_atom"),
    # Stripe's signed events for the site the host names (sites.giving).
    *giving_urls.webhook_patterns,
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
# Uploads on the local media volume (none routed with S3 media or SERVE_MEDIA off).
urlpatterns += media.urlpatterns()

# Wagtail's page serving (its hooks, in its order) from each site's kept chrome
# (sites.serving.routing.serve), choosing the site by the request's host name and the language by the
# address's prefix (/en/…, /es/…); / picks the reader's best language. Wagtail's own patterns
# follow for the rest (a private page's password form).
urlpatterns += [path("", choose_language, name="choose_language")]
urlpatterns += i18n_patterns(
    path("browse-more-safely/", browse_safely, name="browse_safely"),
    path("search/", search, name="search"),
    # The donation step and thank-you page (sites.giving): never cached, never Wagtail pages.
    *giving_urls.reader_patterns,
    re_path(wagtail_urls.serve_pattern, routing.serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
urlpatterns += [re_path(r"^(?P<path>.+/)$", to_source_language)]
