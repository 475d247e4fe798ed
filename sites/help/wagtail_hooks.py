"""The help directory in the admin: its own menu item, each agency's resources walled off, and
re-verification: a report, a dashboard panel and the history entry of a resource hidden from
readers (sites.help.verification); and imports started from the admin (sites.help.import_views)."""

from django.urls import path

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from sites.help import import_views, verification_report
from sites.help.admin import HelpResourceViewSet, OrganizationViewSet
from sites.help.verification import HIDDEN_LOG_ACTION

register_snippet(HelpResourceViewSet)
register_snippet(OrganizationViewSet)


@hooks.register("register_admin_urls")
def register_help_directory_urls():
    """The help directory's admin pages: the re-verification report and imports (listed, new,
    each one's page, and starting an interrupted one again)."""
    return [
        path(
            "help-directory/reverify/",
            verification_report.ReverificationReport.as_view(),
            name=verification_report.URL_NAME,
        ),
        path(
            "help-directory/imports/",
            import_views.ImportIndexView.as_view(),
            name=import_views.INDEX_URL_NAME,
        ),
        path(
            "help-directory/imports/new/",
            import_views.NewImportView.as_view(),
            name=import_views.NEW_URL_NAME,
        ),
        path(
            "help-directory/imports/<int:pk>/",
            import_views.ImportStatusView.as_view(),
            name=import_views.STATUS_URL_NAME,
        ),
        path(
            "help-directory/imports/<int:pk>/start-again/",
            import_views.StartAgainView.as_view(),
            name=import_views.START_AGAIN_URL_NAME,
        ),
    ]


hooks.register("register_admin_menu_item", import_views.menu_item)


hooks.register("register_reports_menu_item", verification_report.menu_item)
hooks.register("construct_homepage_panels", verification_report.add_panel)


@hooks.register("register_log_actions")
def register_verification_log_actions(actions):
    actions.register_action(
        HIDDEN_LOG_ACTION,
        "Hidden from readers: not verified",
        "Hidden from readers until it is verified again",
    )
