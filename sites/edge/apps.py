"""The edge cache app: its system check."""

from django.apps import AppConfig


class EdgeConfig(AppConfig):
    """Tag headers for the edge cache in front, and purges of its tags through an outbox."""

    name = "sites.edge"
    label = "lantern_edge"
    verbose_name = "Edge cache"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from sites.edge import checks  # noqa: F401 (registers the system check)
