from django.apps import AppConfig


class TasksConfig(AppConfig):
    """The task worker and the recurring tasks' schedule (sites.tasks)."""

    name = "sites.tasks"
    label = "lantern_tasks"
    verbose_name = "Background work"
    default_auto_field = "django.db.models.BigAutoField"
