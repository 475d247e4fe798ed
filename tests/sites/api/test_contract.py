"""Both APIs against their own OpenAPI documents: generated requests, no 5xx, every answer as documented."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from wagtail.models import APIToken

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
manage_schema = schemathesis.openapi.from_wsgi("/api/manage/openapi.json", get_wsgi_application())


@pytest.fixture
def keep_test_connection():
    """Requests here go through the WSGI app, which closes the database connection when each
    request finishes; the test's transaction needs it open (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_test_connection")
@schema.parametrize()
# Derandomized: the same requests on every run, so CI is repeatable; bounded in number.
@settings(max_examples=50, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_public_api_keeps_its_contract(case):
    case.call_and_validate(headers={"Host": "harbor.localhost"})


@pytest.fixture
def editor_token(editor_a):
    return APIToken.create_token(user=editor_a, name="contract")[1]


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_test_connection")
@manage_schema.parametrize()
@settings(max_examples=50, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_management_api_keeps_its_contract(case, editor_token):
    """With a Harbor editor's token: whatever the body, a documented 2xx or 4xx, never a 5xx."""
    case.call_and_validate(
        headers={"Host": "harbor.localhost", "Authorization": f"Bearer {editor_token}"}
    )
