"""The bench's probe (tests/bench/probe.py), on a small generated network: the pages it measures
answer, and a page's cost comes with a count of the calls it made, the same each time."""

import pytest

from django.core.management import call_command
from django.test import Client

from tests.bench.probe import calls_in, costs, measured_paths

pytestmark = pytest.mark.django_db


@pytest.fixture
def measured(settings):
    settings.LANTERN_PAGE_CACHE_SECONDS = 0  # as the bench's cost probe runs
    call_command("generate_content", sites=2, pages_per_site=3, stdout=None, stderr=None)
    hostname, paths = measured_paths()
    del paths["static"]
    return Client(HTTP_HOST=hostname), paths


def test_each_measured_page_is_timed_and_its_calls_counted(measured):
    client, paths = measured
    found = costs(client, paths, repeat=2)
    assert set(found) == {"home", "story", "find_help", "api"}
    for page in found.values():
        assert page["cpu_ms"] > 0
        assert page["query_ms"] >= 0
        assert page["calls"] > 1_000  # a whole request through Django and Wagtail


def test_a_request_makes_the_same_calls_each_time(measured):
    client, paths = measured
    calls_in(client, paths["story"])  # what a worker's first request warms
    assert calls_in(client, paths["story"]) == calls_in(client, paths["story"])
