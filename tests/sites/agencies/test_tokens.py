"""API tokens in the admin: everyone manages their own; moderators their agency's; no one another's."""

import importlib
import re

import pytest

from django.contrib.auth.models import Permission
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.urls import reverse

from wagtail.models import APIToken

from sites.agencies.tenancy import Agency
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db

ADD = reverse("wagtailusers_api_tokens:add")
INDEX = reverse("wagtailusers_api_tokens:index")


def issue(client, owner, name="agency cms"):
    return client.post(ADD, {"name": name, "user": owner.pk})


def works(plaintext) -> bool:
    client = Client(HTTP_HOST="harbor.localhost", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return client.get("/api/manage/whoami").status_code == 200


def test_an_editor_issues_a_token_for_themselves_and_sees_it_once(editor_a):
    client = logged_in(editor_a)
    assert client.get(INDEX).status_code == 200
    response = issue(client, editor_a)
    assert response.status_code == 200
    token = APIToken.objects.get(user=editor_a)
    found = re.search(r'id="api-token-value"\s+value="([^"]+)"', response.content.decode())
    assert found, "the new token is shown to copy"
    plaintext = found.group(1)
    assert plaintext.startswith(token.prefix)
    assert works(plaintext)
    # It is never shown again: the token list shows the prefix only.
    assert plaintext not in client.get(INDEX).content.decode()


def test_an_editor_cannot_issue_a_token_for_anyone_else(editor_a, moderator_a):
    response = issue(logged_in(editor_a), moderator_a)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not APIToken.objects.exists()


def test_a_moderator_issues_tokens_for_their_agency_only(editor_a, moderator_a, editor_b):
    client = logged_in(moderator_a)
    assert issue(client, editor_a).status_code == 200
    assert APIToken.objects.filter(user=editor_a).count() == 1
    response = issue(client, editor_b)
    assert "Select a valid choice" in response.content.decode()
    assert not APIToken.objects.filter(user=editor_b).exists()


def test_a_moderator_never_sees_renames_or_revokes_another_agencys_tokens(moderator_a, editor_b):
    token, _ = APIToken.create_token(user=editor_b, name="pines cms")
    client = logged_in(moderator_a)
    assert "pines cms" not in client.get(INDEX).content.decode()
    edit = reverse("wagtailusers_api_tokens:edit", args=[token.pk])
    revoke = reverse("wagtailusers_api_tokens:delete", args=[token.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"name": "mine now"}).status_code == 404
    assert client.post(revoke).status_code == 404
    token.refresh_from_db()
    assert token.name == "pines cms" and token.revoked_at is None


def test_revoking_in_the_admin_stops_the_token_at_once(editor_a, moderator_a):
    token, plaintext = APIToken.create_token(user=editor_a, name="old cms")
    assert works(plaintext)
    response = logged_in(moderator_a).post(
        reverse("wagtailusers_api_tokens:delete", args=[token.pk])
    )
    assert response.status_code == 302
    assert not works(plaintext)
    token.refresh_from_db()
    assert token.revoked_at is not None  # kept, for the audit trail


def test_a_network_admin_issues_tokens_for_any_agency(network_admin, editor_b):
    assert issue(logged_in(network_admin), editor_b).status_code == 200
    assert APIToken.objects.filter(user=editor_b).exists()


def test_agencies_onboarded_before_tokens_existed_are_given_the_permissions():
    """The data migration that grants token permissions to existing agencies' groups."""
    migration = importlib.import_module("sites.content.migrations.0006_api_token_permissions")
    agency = Agency.objects.get(site__hostname="harbor.localhost")
    tokens = Permission.objects.filter(codename__in=migration.TOKEN_CODENAMES)
    for group in (agency.editors, agency.moderators):
        group.permissions.remove(*tokens)
    # The models as that migration knows them (Agency was agency_sites' then).
    state = MigrationLoader(connection).project_state(
        ("agency_sites", "0006_api_token_permissions")
    )
    migration.grant_token_permissions(state.apps, None)
    for group in (agency.editors, agency.moderators):
        assert set(group.permissions.filter(pk__in=tokens)) == set(tokens)
