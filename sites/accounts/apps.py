"""sites.accounts as a Django app, for its management command (two_factor_off); its admin
hooks are registered from sites.wagtail_hooks."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sites.accounts"
    label = "lantern_accounts"
    verbose_name = "Staff sign-in"
