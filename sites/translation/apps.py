from django.apps import AppConfig
from django.db.models.signals import post_save


class TranslationConfig(AppConfig):
    """Translation with wagtail-localize, inside each agency's walls and its review workflow."""

    name = "sites.translation"
    label = "lantern_translation"
    verbose_name = "Translation"

    def ready(self):
        from sites.content.pages import HomePage
        from sites.translation.trees import extend_agency_rights

        # A new translation of an agency's home page gets the rights the original has.
        post_save.connect(extend_agency_rights, sender=HomePage)
