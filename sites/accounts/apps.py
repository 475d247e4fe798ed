"""Staff sign-in as a Django app: its management command (two_factor_off) and admin hooks."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sites.accounts"
    label = "lantern_accounts"
    verbose_name = "Staff sign-in"
