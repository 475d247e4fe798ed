from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ContentConfig(AppConfig):
    """The network's sites and what they publish: agencies' branding and the page types.

    Its label is the one Lantern has always had ("sites" is django.contrib.sites' label), so
    existing databases keep their tables, migrations and content types.
    """

    name = "sites.content"
    label = "agency_sites"
    verbose_name = "Agency sites"

    def ready(self):
        from sites.serving.languages import ensure_locales

        # Every language a site may be published in exists once the database is migrated.
        post_migrate.connect(ensure_locales, sender=self)
