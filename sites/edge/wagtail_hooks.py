"""The edge cache in the admin: Reports → Edge purges, for network administrators only."""

from django.urls import path

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from sites.edge import views
from sites.edge.models import EdgePurge

register_permission_policy(EdgePurge, views.NetworkAdminsOnly(EdgePurge))


@hooks.register("register_admin_urls")
def register_edge_purges_report_url():
    return [path("reports/edge-purges/", views.EdgePurgesReport.as_view(), name=views.URL_NAME)]


hooks.register("register_reports_menu_item", views.menu_item)
