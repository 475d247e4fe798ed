from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The public delivery API, its admin API, and headless previews of drafts."""

    name = "sites.api"
    label = "lantern_api"
    verbose_name = "Delivery API"
