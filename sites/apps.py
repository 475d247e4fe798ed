from django.apps import AppConfig

from wagtail.users import apps as wagtail_users_apps


class SitesConfig(AppConfig):
    name = "sites"
    # "sites" is django.contrib.sites' label; ours must not clash with it.
    label = "agency_sites"
    verbose_name = "Agency sites"
    default = True  # this module holds a second AppConfig, below


class LanternUsersConfig(wagtail_users_apps.WagtailUsersAppConfig):
    """Wagtail's user admin, with each agency's moderators managing their own people only."""

    default = False
    user_viewset = "sites.agencies.people.AgencyUserViewSet"
