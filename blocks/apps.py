from django.apps import AppConfig


class BlocksConfig(AppConfig):
    name = "blocks"
    label = "blocks"
    verbose_name = "Shared blocks and snippets"

    def ready(self):
        from django.db.models.signals import post_save

        from .appeals import DonationAppeal
        from .hotline import Hotline
        from .translated import synchronise_translations

        for model in (Hotline, DonationAppeal):
            post_save.connect(synchronise_translations, sender=model)
