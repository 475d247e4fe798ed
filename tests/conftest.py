"""Shared test fixtures: the demo network in every test database, sites, users and a client per host."""

import pytest

from django.test import Client

from wagtail.models import Site

from blocks.hotline import Hotline
from sites.demo import load_network
from sites.onboarding import create_agency_site

DEMO_HOSTS = [
    "localhost",
    "harbor.localhost",
    "pines.localhost",
    "ridge.localhost",
    "passage.localhost",
]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the demo network, loaded once per test session.

    Each test runs in a transaction that is rolled back, so tests see it unchanged. Tests with
    `transaction=True` run last (pytest-django orders them so) and load what they need.
    """
    with django_db_blocker.unblock():
        if not Site.objects.filter(hostname="harbor.localhost").exists():
            load_network()


@pytest.fixture
def reader():
    """A reader's browser: anonymous, no cookies."""
    return Client()


def site_client(hostname: str) -> Client:
    """A client whose every request carries `hostname` in its Host header."""
    return Client(HTTP_HOST=hostname)


@pytest.fixture
def national_hotline(db):
    return Hotline.objects.get(name="National Human Trafficking Hotline")


@pytest.fixture
def new_site(db):
    """A fresh agency site, created the way every agency site is created."""

    def make(name="Test Agency", hostname="test.localhost", **branding):
        return create_agency_site(name=name, hostname=hostname, **branding)

    return make
