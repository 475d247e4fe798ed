from django.apps import AppConfig


class GivingConfig(AppConfig):
    """Per-site payment processor settings, the donation step and Stripe's webhook."""

    name = "sites.giving"
    label = "lantern_giving"
    verbose_name = "Giving"
