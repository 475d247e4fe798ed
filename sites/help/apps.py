from django.apps import AppConfig
from django.db.models.signals import post_save


class HelpConfig(AppConfig):
    """The help directory: resources readers can reach, found by where they are."""

    name = "sites.help"
    label = "lantern_help"
    verbose_name = "Help directory"

    def ready(self):
        from blocks.translated import synchronise_translations
        from sites.help.resources import HelpResource

        # A resource's new number reaches its translations at once, as a hotline's does.
        post_save.connect(synchronise_translations, sender=HelpResource)
