"""Sign-in throttling on Wagtail's own sign-in page (django-axes, sites.accounts.throttling).

Five wrong passwords for one user name from one address lock that pair out for thirty
minutes: even the right password is refused, with a message saying so. django-axes'
commands unlock it early.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessLog

from django.conf import settings
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse

from .conftest import settings_of

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-unusual-passphrase-42"
MESSAGE = "Too many failed sign-ins."


@pytest.fixture
def editor(editor_a):
    editor_a.set_password(PASSWORD)
    editor_a.save()
    return editor_a


def sign_in(client, username, password):
    return client.post(
        reverse("wagtailadmin_login"), {"username": username, "password": password, "next": ""}
    )


def signed_in(client) -> bool:
    return client.get(reverse("wagtailadmin_home")).status_code == 200


def lock_out(client, username):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, username, f"wrong-{attempt}")
        assert response.status_code == 200
        assert MESSAGE not in response.content.decode()
    return sign_in(client, username, "wrong-last")


def test_the_limits_have_safe_defaults():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert timedelta(minutes=30) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def test_the_limits_and_the_proxy_count_come_from_the_environment():
    names = ["AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME", "LOGIN_PROXY_COUNT"]
    assert settings_of(
        "cms.settings.production",
        names,
        SECRET_KEY="x" * 50,
        LOGIN_FAILURE_LIMIT="3",
        LOGIN_LOCKOUT_MINUTES="10",
        LOGIN_PROXY_COUNT="1",
    ) == {"AXES_FAILURE_LIMIT": 3, "AXES_COOLOFF_TIME": "0:10:00", "LOGIN_PROXY_COUNT": 1}


def test_repeated_failures_lock_the_user_out_even_with_the_right_password(editor):
    client = Client(HTTP_HOST="harbor.localhost")
    locked = lock_out(client, editor.username)
    assert locked.status_code == 429
    html = locked.content.decode()
    assert MESSAGE in html
    assert "paused for 30 minutes" in html
    # Wagtail's sign-in form is still there, for later.
    assert f'action="{reverse("wagtailadmin_login")}"' in html
    assert 'name="password"' in html

    refused = sign_in(client, editor.username, PASSWORD)
    assert refused.status_code == 429
    assert MESSAGE in refused.content.decode()
    assert not signed_in(client)


def test_the_lock_is_for_that_user_name_from_that_address_only(editor, moderator_a):
    moderator_a.set_password(PASSWORD)
    moderator_a.save()
    client = Client(HTTP_HOST="harbor.localhost")
    lock_out(client, editor.username)
    # Another user from the same address signs in.
    assert sign_in(client, moderator_a.username, PASSWORD).status_code == 302
    # The same user from another address does too.
    elsewhere = Client(HTTP_HOST="harbor.localhost", REMOTE_ADDR="198.51.100.7")
    assert sign_in(elsewhere, editor.username, PASSWORD).status_code == 302
    assert signed_in(elsewhere)


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(settings, editor):
    settings.LOGIN_PROXY_COUNT = 1
    # The proxy appends the address it was reached from; what the client sent stays left.
    via = {"REMOTE_ADDR": "10.0.0.2", "HTTP_HOST": "harbor.localhost"}
    attacker = Client(**via, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.9")
    lock_out(attacker, editor.username)
    assert AccessAttempt.objects.get(username=editor.username).ip_address == "203.0.113.9"
    # Making up another address does not get round the lock.
    spoofing = Client(**via, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.9")
    assert sign_in(spoofing, editor.username, PASSWORD).status_code == 429
    # The editor, from their own address behind the same proxy, signs in.
    own = Client(**via, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert sign_in(own, editor.username, PASSWORD).status_code == 302


def test_axes_reset_username_unlocks_the_user(editor):
    client = Client(HTTP_HOST="harbor.localhost")
    lock_out(client, editor.username)
    assert AccessAttempt.objects.filter(username=editor.username).exists()

    call_command("axes_reset_username", editor.username)

    response = sign_in(client, editor.username, PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("wagtailadmin_home")
    assert signed_in(client)


def test_axes_reset_unlocks_everyone(editor):
    client = Client(HTTP_HOST="harbor.localhost")
    lock_out(client, editor.username)
    call_command("axes_reset")
    assert sign_in(client, editor.username, PASSWORD).status_code == 302


def test_a_success_clears_earlier_failures(editor):
    client = Client(HTTP_HOST="harbor.localhost")
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, editor.username, f"wrong-{attempt}")
    assert sign_in(client, editor.username, PASSWORD).status_code == 302
    client.post(reverse("wagtailadmin_logout"))
    # Four more wrong passwords do not reach the limit: the count started again.
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, editor.username, f"again-{attempt}").status_code == 200
    assert sign_in(client, editor.username, PASSWORD).status_code == 302


def test_successful_sign_ins_are_not_logged(editor):
    assert sign_in(Client(), editor.username, PASSWORD).status_code == 302
    assert not AccessLog.objects.exists()


def test_force_login_still_works_for_tests(editor):
    client = Client(HTTP_HOST="harbor.localhost")
    client.force_login(editor)
    assert signed_in(client)


def test_client_login_works_when_given_a_request(editor):
    """django-axes checks every sign-in against its request: the test client's login() needs one."""
    client = Client(HTTP_HOST="harbor.localhost")
    request = RequestFactory().post(reverse("wagtailadmin_login"))
    assert client.login(request=request, username=editor.username, password=PASSWORD)
    assert signed_in(client)
