"""Sign-in throttling with django-axes, on Wagtail's own sign-in page.

After settings.AXES_FAILURE_LIMIT wrong passwords for one user name from one address, that
pair is locked out for AXES_COOLOFF_TIME (LOGIN_FAILURE_LIMIT and LOGIN_LOCKOUT_MINUTES in
the environment); even the right password is refused until then, with the message below.
A successful sign-in clears the count.

Lantern has no Django admin, so locks are lifted from the command line (django-axes' own
commands):

    manage.py axes_list_attempts              # who is locked out, from where
    manage.py axes_reset_username editor_a    # unlock one user name (every address)
    manage.py axes_reset_ip 203.0.113.7       # unlock one address
    manage.py axes_reset                      # unlock everyone
"""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

from wagtail.admin.views.account import LoginView, get_user_login_form


def client_address(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: where a sign-in comes from.

    Directly exposed (LOGIN_PROXY_COUNT=0), the connection's address. Behind N proxies that
    each append the address they were reached from to X-Forwarded-For, the N-th from the
    right: the one the outermost proxy saw. Anything further left was sent by the client and
    may be made up.
    """
    proxies = settings.LOGIN_PROXY_COUNT
    if proxies:
        forwarded = [
            address.strip()
            for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if address.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Too many failed sign-ins. Signing in as this user from here is paused for "
        "%(minutes)d minutes. Try again later, or ask whoever runs Lantern for your network to unlock it."
    ) % {"minutes": minutes}


def locked_out(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: Wagtail's sign-in page again, saying why it refused (429)."""
    username = request.POST.get("username", "")
    view = LoginView()
    view.setup(request)
    context = view.get_context_data(
        form=get_user_login_form()(request, initial={"username": username}),
        lockout_message=lockout_message(),
    )
    return render(
        request, "accounts/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
