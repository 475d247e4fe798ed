"""Two-step sign-in pages in the admin: enrolling an authenticator app, and the code step."""

from base64 import b32encode, b64encode
from io import BytesIO

import django_otp
from django_otp.plugins.otp_totp.models import TOTPDevice

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from sites.accounts.forms import CodeForm
from sites.accounts.two_factor import confirmed_device, needs_code

DEVICE_NAME = "Authenticator app"


def safe_next(request) -> str:
    """Where to go after the code step: `next` when it is this site's, else the dashboard."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("wagtailadmin_home")


def check_code(request, form, device) -> bool:
    """Whether the form's code is the device's current one; the form says why not."""
    if not form.is_valid():
        return False
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        form.add_error("code", _("Too many wrong codes. Wait a few seconds, then try again."))
        return False
    if django_otp.verify_token(request.user, device.persistent_id, form.cleaned_data["code"]):
        return True
    form.add_error("code", _("That code is not the one your app shows now. Try again."))
    return False


@never_cache
@sensitive_post_parameters("code")
def verify(request):
    """Step two of signing in, for editors with an authenticator app."""
    if not needs_code(request.user):
        return redirect(safe_next(request))
    device = confirmed_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and check_code(request, form, device):
        django_otp.login(request, device)
        # A new session key for the now fully signed-in session.
        request.session.cycle_key()
        return redirect(safe_next(request))
    return TemplateResponse(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": safe_next(request)},
    )


def qr_code(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code (an SVG data: URL), drawn here.

    qrcode is imported here, not with the module: only this enrolment page draws one, and every
    web worker loads this module with the admin's addresses (2.5 MB each, readers' included)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    out = BytesIO()
    qrcode.make(device.config_url, image_factory=SvgPathImage).save(out)
    return "data:image/svg+xml;base64," + b64encode(out.getvalue()).decode()


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for apps where it is typed in."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def setup_page(request, **context):
    title = _("Two-step sign-in")
    return TemplateResponse(
        request,
        "accounts/two_factor_setup.html",
        {"page_title": title, "header_title": title, "header_icon": "key", **context},
    )


@never_cache
@sensitive_post_parameters("code")
def setup(request):
    """Account → Two-step sign-in: turn it on (scan, then confirm a code) or off (a code)."""
    user = request.user
    device = confirmed_device(user)
    form = CodeForm(request.POST or None)
    if device is not None:
        if request.method == "POST" and check_code(request, form, device):
            TOTPDevice.objects.filter(user=user).delete()
            messages.success(request, _("Two-step sign-in is off."))
            return redirect("wagtailadmin_account")
        return setup_page(request, enabled=True, form=form)

    # The app to enrol: one per user until a code from it is accepted.
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if pending is None:
        pending = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    if request.method == "POST" and check_code(request, form, pending):
        pending.refresh_from_db()
        pending.confirmed = True
        pending.save(update_fields=["confirmed"])
        # This session has just shown the code: it counts as verified.
        django_otp.login(request, pending)
        messages.success(
            request,
            _("Two-step sign-in is on. Next time you sign in, have your authenticator app ready."),
        )
        return redirect("wagtailadmin_account")
    return setup_page(
        request,
        enabled=False,
        form=form,
        qr_code=qr_code(pending),
        secret=secret_for_typing(pending),
    )
