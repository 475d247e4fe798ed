"""The admin side of two-step sign-in: its two pages, and a link on the Account page."""

from django.urls import path, reverse
from django.utils.translation import gettext as _

from wagtail import hooks

from sites.accounts import views
from sites.accounts.two_factor import confirmed_device


@hooks.register("register_admin_urls")
def two_factor_urls():
    return [
        path("two-factor/", views.setup, name="lantern_two_factor"),
        path("two-factor/verify/", views.verify, name="lantern_two_factor_verify"),
    ]


@hooks.register("register_account_menu_item")
def two_factor_menu_item(request):
    on = confirmed_device(request.user) is not None
    return {
        "url": reverse("lantern_two_factor"),
        "label": _("Two-step sign-in: turn off") if on else _("Two-step sign-in: turn on"),
        "help_text": _(
            "Ask for a six-digit code from an authenticator app on your phone after your "
            "password, so a stolen password alone cannot open your account."
        ),
    }
