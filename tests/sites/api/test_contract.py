"""The public API against its own OpenAPI document: generated requests, no 5xx, every answer as documented."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from django.core.wsgi import get_wsgi_application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_public_api_keeps_its_contract(case):
    case.call_and_validate(headers={"Host": "harbor.localhost"})
