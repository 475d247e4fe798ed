"""Optional two-factor sign-in: a six-digit code from an authenticator app (TOTP, django-otp).

An editor turns it on under Account → More actions → Two-step sign-in (views.setup). From
then on, signing in takes two steps: the password on Wagtail's sign-in page, then the code
(views.verify). Until the code is given, every admin address sends them to the code step,
and elsewhere (reader pages, documents) they count as signed out. Editors without a device
sign in with their password alone, as before.

A lost phone: `manage.py two_factor_off USERNAME` removes the user's devices.
"""

from django_otp.plugins.otp_totp.models import TOTPDevice

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


def confirmed_device(user) -> TOTPDevice | None:
    """The user's authenticator app, once enrolled (a code from it has been accepted)."""
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def needs_code(user) -> bool:
    """Signed in with a password, enrolled, and not yet past the code step this session."""
    return user.is_authenticated and not user.is_verified() and confirmed_device(user) is not None


# The code step itself, signing out instead, and what the admin's pages (the code step's
# included) load from the admin's addresses: its icons and its scripts' translations.
OPEN_DURING_CODE_STEP = [
    "lantern_two_factor_verify",
    "wagtailadmin_logout",
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
]


class TwoFactorMiddleware:
    """After django_otp's OTPMiddleware: holds enrolled editors at the code step.

    Requests without a session cookie (every reader's) pass untouched: the session is not
    even read.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and needs_code(request.user):
            if request.path_info in {reverse(name) for name in OPEN_DURING_CODE_STEP}:
                pass
            elif request.path_info.startswith(reverse("wagtailadmin_home")):
                verify = reverse("lantern_two_factor_verify")
                return redirect(f"{verify}?{urlencode({'next': request.get_full_path()})}")
            else:
                request.user = signed_out()
        return self.get_response(request)


def signed_out() -> AnonymousUser:
    """An anonymous user, with the attributes OTPMiddleware gives every user."""
    user = AnonymousUser()
    user.otp_device = None
    user.is_verified = lambda: False
    return user
