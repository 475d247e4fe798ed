from django.apps import AppConfig


class BlocksConfig(AppConfig):
    name = "blocks"
    label = "blocks"
    verbose_name = "Shared blocks and snippets"
