"""URL map: the admin, documents, sitemap, then Wagtail's page tree for every site."""

from django.conf import settings
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from sites.agencies import redirects as agency_redirects
from sites.agencies.history import AgencySiteHistoryView
from sites.api.api import api as public_api
from sites.api.manage import api as manage_api
from sites.feeds import AtomStoriesFeed, StoriesFeed

urlpatterns = [
    # Before Wagtail's admin URLs, so that these per-agency views answer at Wagtail's addresses.
    path("admin/reports/site-history/", AgencySiteHistoryView.as_view()),
    path("admin/reports/site-history/results/", AgencySiteHistoryView.as_view(results_only=True)),
    path("admin/redirects/", include(agency_redirects)),
    path("admin/", include(wagtailadmin_urls)),
    path("api/manage/", manage_api.urls),
    path("api/", public_api.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("feed/", StoriesFeed(), name="feed"),
    path("feed/atom/", AtomStoriesFeed(), name="feed_atom"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail serves every site's pages, choosing the site by the request's host name.
urlpatterns += [path("", include(wagtail_urls))]
