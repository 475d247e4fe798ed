"""The help search in the public API: the same answers as the find-help page, as JSON."""

import datetime
from unittest import mock

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sites.help.resources import HelpResource
from tests.conftest import site_client

pytestmark = pytest.mark.django_db

NHTH = "National Human Trafficking Hotline"


def ask(**params):
    return site_client("harbor.localhost").get("/api/help", params)


def test_a_zip_gives_local_statewide_and_national_help_with_links_a_phone_opens():
    response = ask(zip="90012")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    data = response.json()
    assert (data["zip"], data["state"], data["notice"]) == ("90012", "CA", None)
    assert [r["organisation"] for r in data["local"]] == [
        "Bayview Counselling Collective",
        "Harbor Light Safe House",
    ]
    assert [h["name"] for h in data["state_hotlines"]] == ["Harbor Light 24-hour Response Line"]
    assert [r["organisation"] for r in data["statewide"]] == ["Harbor Light Legal Clinic"]
    assert data["hotlines"][0]["name"] == NHTH
    house = data["local"][1]
    assert house["services"] == ["shelter", "youth"]
    assert house["channels"] == [
        {"kind": "call", "label": "(213) 555-0147", "href": "tel:+12135550147"},
        {"kind": "text", "label": "(213) 555-0148", "href": "sms:2135550148"},
    ]
    assert house["area"]["kind"] == "local" and house["area"]["states"] == ["CA"]
    assert "900" in house["area"]["zip_prefixes"]
    # 2026-11-10 in fixtures/demo, written five days later: five days before the demo was loaded
    # (today, or yesterday when the run crossed midnight)
    verified = datetime.date.fromisoformat(house["last_verified"])
    assert timezone.localdate() - verified in (
        datetime.timedelta(days=5),
        datetime.timedelta(days=6),
    )
    assert verified == HelpResource.objects.get(pk=house["id"]).last_verified
    assert house["owner"] == "harbor.localhost"
    assert house["open_24_7"] is True and house["languages"] == ["en", "es"]


def test_filters_narrow_services_and_never_the_national_hotlines():
    data = ask(zip="90012", service="legal", language="es").json()
    assert data["local"] == [] and data["state_hotlines"] == []
    assert [r["organisation"] for r in data["statewide"]] == ["Harbor Light Legal Clinic"]
    assert NHTH in [h["name"] for h in data["hotlines"]]
    # At 6 a.m. in Maine the Casco Bay Youth Drop-in (2 to 9 p.m.) is closed.
    dawn = datetime.datetime(2026, 12, 6, 11, 0, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=dawn):
        data = ask(state="ME", open_now=True).json()
    assert [r["organisation"] for r in data["local"]] == ["Northern Pines Safe Beds"]


@pytest.mark.parametrize(
    ("zip_code", "notice"),
    [
        ("9001", "Enter a 5-digit ZIP code, like 95814."),  # Harbor Light: California
        ("00012", "We don't recognise the ZIP code 00012."),
    ],
)
def test_an_unusable_zip_is_explained_and_the_national_hotlines_still_come(zip_code, notice):
    response = ask(zip=zip_code, state="CA")
    assert response.status_code == 200
    data = response.json()
    assert data["notice"] == notice
    assert data["zip"] is None and data["state"] is None, "no guessing from the other fields"
    assert data["local"] == [] and data["statewide"] == []
    assert data["hotlines"][0]["name"] == NHTH


def test_a_mistyped_zips_example_is_from_the_asking_sites_state():
    def notice(hostname):
        return site_client(hostname).get("/api/help", {"zip": "9001"}).json()["notice"]

    assert notice("ridge.localhost") == "Enter a 5-digit ZIP code, like 27601."
    assert notice("localhost") == "Enter a 5-digit ZIP code.", "the network: no one state"


@pytest.mark.parametrize(
    "params",
    [
        {"service": "spa"},
        {"language": "xx"},
        {"state": "ZZ"},
        {"open_now": "maybe"},
        {"zipcode": "90012"},
    ],
)
def test_invalid_parameters_are_a_422_naming_them(params):
    response = ask(**params)
    assert response.status_code == 422
    assert next(iter(params)) in response.content.decode()


def test_the_answer_comes_in_the_language_asked_for():
    data = ask(zip="90012", locale="es").json()
    assert data["local"][1]["organisation"] == "Casa Segura Harbor Light"
    assert data["hotlines"][0]["languages"].startswith("Llamadas: más de 200 idiomas")
    assert ask(zip="9001", locale="es").json()["notice"] == (
        "Escribe un código postal de 5 dígitos, como 95814."
    )


def test_the_v2_address_leads_to_the_same_search():
    response = site_client("harbor.localhost").get("/api/v2/help/?zip=90012&service=legal")
    assert response.status_code == 301
    assert response["Location"] == "/api/help?zip=90012&service=legal"


def test_a_search_costs_the_same_queries_however_many_results():
    client = site_client("harbor.localhost")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/help", {"zip": "94103"}).status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/help", {"zip": "90012"}).status_code == 200
    assert len(many) == len(few) <= 4
