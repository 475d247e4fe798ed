"""Optional two-step sign-in for editors (django-otp TOTP, sites.accounts).

An editor enrols an authenticator app from their account; from then on their password alone
reaches the code step and nothing else of the admin. Editors without one sign in as before.
"""

import re
from base64 import b64decode
from datetime import timedelta

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-unusual-passphrase-42"
HOST = "harbor.localhost"
ADMIN = reverse("wagtailadmin_home")
VERIFY = reverse("lantern_two_factor_verify")
SETUP = reverse("lantern_two_factor")


def code_now(device: TOTPDevice) -> str:
    """The code the editor's app shows now."""
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{value:0{device.digits}d}"


def a_wrong_code(device: TOTPDevice) -> str:
    return f"{(int(code_now(device)) + 1) % 10**6:06d}"


def let_the_throttle_pass(device: TOTPDevice):
    """As if the editor had waited out the pause after a wrong code."""
    device.refresh_from_db()
    device.throttling_failure_timestamp -= timedelta(minutes=5)
    device.save()


@pytest.fixture
def editor(editor_a):
    editor_a.set_password(PASSWORD)
    editor_a.save()
    return editor_a


@pytest.fixture
def enrolled(editor):
    return TOTPDevice.objects.create(user=editor, name="Authenticator app", confirmed=True)


def sign_in(client, user, next_url=""):
    return client.post(
        reverse("wagtailadmin_login"),
        {"username": user.username, "password": PASSWORD, "next": next_url},
    )


def test_without_a_device_the_password_signs_in_as_before(editor):
    client = Client(HTTP_HOST=HOST)
    assert sign_in(client, editor).headers["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200
    # The code step has nothing to ask.
    assert client.get(VERIFY).headers["Location"] == ADMIN


def test_with_a_device_the_password_leads_to_the_code_step_and_the_code_to_the_admin(enrolled):
    client = Client(HTTP_HOST=HOST)
    response = sign_in(client, enrolled.user, next_url="/admin/pages/")
    assert response.status_code == 302

    # Every admin address now leads to the code step, and back afterwards.
    for path in [ADMIN, "/admin/pages/", "/admin/account/", SETUP]:
        held = client.get(path)
        assert held.status_code == 302, path
        assert held.headers["Location"].startswith(f"{VERIFY}?next=")
    step = client.get(f"{VERIFY}?next=/admin/pages/")
    assert step.status_code == 200
    html = step.content.decode()
    assert 'name="code"' in html and 'autocomplete="one-time-code"' in html
    # What the code step's own page loads from the admin is there.
    assert client.get(reverse("wagtailadmin_sprite")).status_code == 200
    assert client.get(reverse("wagtailadmin_javascript_catalog")).status_code == 200
    # Reader pages see no one signed in: no user bar.
    assert b"wagtail-userbar" not in client.get("/en/").content

    wrong = client.post(VERIFY, {"code": a_wrong_code(enrolled), "next": "/admin/pages/"})
    assert wrong.status_code == 200
    assert "That code is not the one your app shows now." in wrong.content.decode()
    assert client.get(ADMIN).status_code == 302

    # Right after a wrong code, even the right one waits (django-otp's throttling).
    hurried = client.post(VERIFY, {"code": code_now(enrolled), "next": "/admin/pages/"})
    assert "Too many wrong codes." in hurried.content.decode()
    let_the_throttle_pass(enrolled)

    session_before = client.cookies["sessionid"].value
    right = client.post(VERIFY, {"code": code_now(enrolled), "next": "/admin/pages/"})
    assert right.status_code == 302
    assert right.headers["Location"] == "/admin/pages/"
    assert client.cookies["sessionid"].value != session_before, "a new session key"
    assert client.get(ADMIN).status_code == 200
    assert client.get("/admin/pages/").status_code == 200
    assert b"wagtail-userbar" in client.get("/en/").content


def test_the_code_step_accepts_spaces_and_refuses_other_sites_as_next(enrolled):
    client = Client(HTTP_HOST=HOST)
    sign_in(client, enrolled.user)
    code = code_now(enrolled)
    response = client.post(
        VERIFY, {"code": f"{code[:3]} {code[3:]}", "next": "https://evil.example/"}
    )
    assert response.headers["Location"] == ADMIN


def test_a_code_is_good_once(enrolled):
    first, second = Client(HTTP_HOST=HOST), Client(HTTP_HOST=HOST)
    sign_in(first, enrolled.user)
    sign_in(second, enrolled.user)
    code = code_now(enrolled)
    assert first.post(VERIFY, {"code": code}).status_code == 302
    replay = second.post(VERIFY, {"code": code})
    assert replay.status_code == 200
    assert second.get(ADMIN).status_code == 302


def test_signing_out_from_the_code_step(enrolled):
    client = Client(HTTP_HOST=HOST)
    sign_in(client, enrolled.user)
    assert client.post(reverse("wagtailadmin_logout")).status_code == 302
    assert client.get(ADMIN).headers["Location"].startswith(reverse("wagtailadmin_login"))


def test_an_editor_enrols_from_their_account(editor):
    client = Client(HTTP_HOST=HOST)
    assert sign_in(client, editor).status_code == 302
    account = client.get("/admin/account/").content.decode()
    assert f'href="{SETUP}"' in account
    assert "Two-step sign-in: turn on" in account

    page = client.get(SETUP)
    assert page.status_code == 200
    html = page.content.decode()
    # The QR code, drawn here (no service elsewhere sees the key).
    qr = re.search(r'<img[^>]* src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert b"<svg" in b64decode(qr.group(1))
    pending = TOTPDevice.objects.get(user=editor)
    assert pending.confirmed is False
    # The key to type in, in groups of four.
    assert pending.config_url.split("secret=")[1][:4] in html

    wrong = client.post(SETUP, {"code": a_wrong_code(pending)})
    assert wrong.status_code == 200
    assert "That code is not the one your app shows now." in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=editor, confirmed=True).exists()
    let_the_throttle_pass(pending)

    right = client.post(SETUP, {"code": code_now(pending)})
    assert right.headers["Location"] == "/admin/account/"
    device = TOTPDevice.objects.get(user=editor)
    assert device.confirmed is True
    # This session showed the code: it goes on without the code step.
    assert client.get(ADMIN).status_code == 200
    assert "Two-step sign-in: turn off" in client.get("/admin/account/").content.decode()

    # The next sign-in asks for it.
    again = Client(HTTP_HOST=HOST)
    sign_in(again, editor)
    assert again.get(ADMIN).headers["Location"].startswith(VERIFY)


def test_turning_it_off_takes_a_code(enrolled):
    client = Client(HTTP_HOST=HOST)
    sign_in(client, enrolled.user)
    client.post(VERIFY, {"code": code_now(enrolled)})
    assert "Turn two-step sign-in off" in client.get(SETUP).content.decode()

    refused = client.post(SETUP, {"code": a_wrong_code(enrolled)})
    assert refused.status_code == 200
    assert TOTPDevice.objects.filter(user=enrolled.user).exists()
    let_the_throttle_pass(enrolled)
    # As if the app had moved on to its next code: the one given at sign-in is spent.
    enrolled.refresh_from_db()
    enrolled.last_t -= 1
    enrolled.save()
    assert client.post(SETUP, {"code": code_now(enrolled)}).headers["Location"] == "/admin/account/"
    assert not TOTPDevice.objects.filter(user=enrolled.user).exists()


def test_two_factor_off_command_for_a_lost_phone(enrolled):
    call_command("two_factor_off", enrolled.user.username)
    assert not TOTPDevice.objects.filter(user=enrolled.user).exists()
    client = Client(HTTP_HOST=HOST)
    sign_in(client, enrolled.user)
    assert client.get(ADMIN).status_code == 200


def test_force_login_reaches_the_admin_without_a_device(editor):
    client = Client(HTTP_HOST=HOST)
    client.force_login(editor)
    assert client.get(ADMIN).status_code == 200
