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
        from wagtail.signals import page_published

        from sites.content.tasks import enqueue_renditions
        from sites.serving.languages import ensure_locales

        # A published page's renditions are made by a task, not by its first reader.
        page_published.connect(enqueue_renditions, dispatch_uid="lantern_renditions")

        # Every language a site may be published in exists once the database is migrated.
        post_migrate.connect(ensure_locales, sender=self)
