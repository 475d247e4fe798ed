"""The APIs against their own OpenAPI documents: generated requests, no 5xx, every answer as documented."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from wagtail.models import APIToken

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
# Schemathesis's coverage phase enumerates a schema's every boundary and wrong type, and their
# combinations: for the story that creating and changing a page sends, 3,200 requests each
# (95% of this file's, nearly all 422s and 404s). Those two get the fuzzing phase's 50 examples,
# valid and invalid, as the other operations do; tests/sites/api/test_manage_api.py sends them
# the invalid bodies that matter by name.
manage_schema = schemathesis.openapi.from_wsgi(
    "/api/manage/openapi.json",
    get_wsgi_application(),
    config=schemathesis.Config.from_dict(
        {
            "operations": [
                {
                    "include-method": ["POST", "PATCH"],
                    "include-path": ["/pages", "/pages/{page_id}"],
                    "phases": {"coverage": {"enabled": False}},
                }
            ]
        }
    ),
)
hsds_schema = schemathesis.openapi.from_wsgi("/api/hsds/openapi.json", get_wsgi_application())


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
    # Not schemathesis's check that invalid requests are refused: it makes an object of a query
    # parameter (`tag`), which a query string cannot carry, sends the parameter left out (a
    # valid request) and faults its 200. Invalid and unknown parameters are refused with a 422
    # in tests/sites/api/test_public_api.py.
    case.call_and_validate(
        headers={"Host": "harbor.localhost"},
        excluded_checks=[schemathesis.checks.negative_data_rejection],
    )


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


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_test_connection")
@hsds_schema.parametrize()
# A few examples an operation: the HSDS API has ten, each answered in a query or two.
@settings(max_examples=10, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_hsds_api_keeps_its_contract(case):
    """The help directory as HSDS: whatever the parameters, a documented answer, never a 5xx.

    A request its schema allows may still be one the directory cannot answer: a ZIP code no
    table knows, a distance with no postcode to measure it from (OpenAPI cannot say that one
    parameter needs another). Those are 422s naming the parameter (tests/sites/help/
    test_hsds_api.py), so schemathesis's check that every schema-valid request succeeds is off."""
    case.call_and_validate(
        headers={"Host": "harbor.localhost"},
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
