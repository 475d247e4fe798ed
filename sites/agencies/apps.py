from django.apps import AppConfig

from wagtail.users import apps as wagtail_users_apps


class AgenciesConfig(AppConfig):
    """Partner agencies on one install, each walled inside its own site."""

    name = "sites.agencies"
    label = "lantern_agencies"
    verbose_name = "Agencies"
    default = True  # this module holds a second AppConfig, below


class LanternUsersConfig(wagtail_users_apps.WagtailUsersAppConfig):
    """Wagtail's user admin, with each agency's moderators managing their own people only."""

    default = False
    user_viewset = "sites.agencies.people.AgencyUserViewSet"
