from django.apps import AppConfig


class BackupsConfig(AppConfig):
    """Backups of a whole install in one archive, and restoring one (manage.py backup/restore)."""

    name = "sites.backups"
    label = "lantern_backups"
    verbose_name = "Backups"
