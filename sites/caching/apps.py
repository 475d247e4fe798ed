from django.apps import AppConfig
from django.db.models.signals import post_init


class CachingConfig(AppConfig):
    """The page cache: what each page shows is noted as it loads, and purged when it changes."""

    name = "sites.caching"
    label = "lantern_caching"
    verbose_name = "Page cache"

    def ready(self):
        from sites.caching import invalidation, tags

        post_init.connect(tags.note_loaded, dispatch_uid="lantern_cache_loaded")
        invalidation.connect()
