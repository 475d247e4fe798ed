"""The help directory as Open Referral's HSDS 3.1 API at /api/hsds/, as a partner uses it."""

import datetime
import math
import zoneinfo

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import Locale, Site

from sites.help.hsds import vocabulary
from sites.help.organizations import Organization
from sites.help.places import Place, miles_between, zip_place
from sites.help.resources import HelpResource
from tests.conftest import committed, site_client
from tests.sites.help.hsds_spec import spec

pytestmark = pytest.mark.django_db

HIDDEN_STREET = "17 Quiet Court"
LOS_ANGELES = zoneinfo.ZoneInfo("America/Los_Angeles")


def get(path, host="harbor.localhost", **params):
    return site_client(host).get(f"/api/hsds{path}", params)


def ok(path, **params) -> dict:
    response = get(path, **params)
    assert response.status_code == 200, response.content
    assert "public" in response["Cache-Control"]
    return response.json()


def source_services():
    return HelpResource.objects.filter(locale__language_code="en")


@pytest.fixture
def shelter(db):
    """A Los Angeles night shelter whose address is confidential, as a shelter's is."""
    return HelpResource.objects.create(
        owner=Site.objects.get(hostname="harbor.localhost"),
        organisation="Quiet Court Night Shelter",
        description="Beds tonight for women and children.",
        services=["shelter", "youth"],
        phone="(213) 555-0190",
        sms_number="(213) 555-0191",
        sms_keyword="SAFE",
        area=HelpResource.Area.LOCAL,
        states="CA",
        zip_prefixes="900",
        street_address=HIDDEN_STREET,
        city="Los Angeles",
        postcode="90012",
        latitude=34.056789,
        longitude=-118.243219,
        address_public=False,
        time_zone="America/Los_Angeles",
        opening_hours=[
            (
                "weekly",
                {
                    "days": ["MO", "TU"],
                    "opens_at": datetime.time(18),
                    "closes_at": datetime.time(8),
                },
            )
        ],
        hours="Evenings",
        languages=["en", "es"],
        interpreters=True,
        capacity_available=3,
        capacity_maximum=12,
        capacity_unit="beds",
        capacity_updated=timezone.now(),
        last_verified=datetime.date(2026, 11, 1),
    )


@pytest.fixture
def clinic(db):
    """A clinic whose address is public, with a live chat."""
    return HelpResource.objects.create(
        organisation="Open Door Clinic",
        description="Walk in: nurses who see anyone.",
        services=["medical"],
        phone="(213) 555-0170",
        chat_url="https://chat.example.org/",
        website="https://clinic.example.org/",
        area=HelpResource.Area.STATES,
        states="CA",
        street_address="5 Main Street",
        city="Los Angeles",
        postcode="90013",
        latitude=34.0448,
        longitude=-118.2434,
        address_public=True,
        is_24_7=True,
        last_verified=datetime.date(2026, 10, 1),
    )


@pytest.fixture
def closed(db):
    """An inactive service: data for partners, never shown to readers."""
    return HelpResource.objects.create(
        organisation="Closed Harbor Helpline",
        services=["hotline"],
        phone="(213) 555-0180",
        area=HelpResource.Area.STATES,
        states="CA",
        status=HelpResource.Status.INACTIVE,
        last_verified=datetime.date(2026, 11, 1),
    )


def test_the_root_says_the_hsds_version_and_where_the_openapi_document_is():
    data = ok("/")
    assert data == {
        "version": "3.1",
        "profile": vocabulary.PROFILE,
        "openapi_url": "http://harbor.localhost/api/hsds/openapi.json",
    }
    document = get("/openapi.json").json()
    assert {
        "/api/hsds/",
        "/api/hsds/services",
        "/api/hsds/services/{id}",
        "/api/hsds/organizations",
        "/api/hsds/organizations/{id}",
        "/api/hsds/service_at_locations",
        "/api/hsds/taxonomies",
        "/api/hsds/taxonomy_terms",
    } <= set(document["paths"])
    assert all(set(item) == {"get"} for item in document["paths"].values()), "read-only"


def test_services_come_a_page_at_a_time_with_hsdss_paging_fields():
    total = source_services().count()
    per_page = 3
    pages = math.ceil(total / per_page)
    seen = []
    for number in range(1, pages + 1):
        data = ok("/services", page=number, per_page=per_page)
        assert data["total_items"] == total and data["total_pages"] == pages
        assert data["page_number"] == number and data["size"] == len(data["contents"])
        assert data["first_page"] is (number == 1) and data["last_page"] is (number == pages)
        assert data["empty"] is False
        seen += [service["id"] for service in data["contents"]]
    assert len(seen) == total == len(set(seen)), "every service once, on one page"
    assert set(seen) == {
        str(key) for key in source_services().values_list("translation_key", flat=True)
    }
    beyond = ok("/services", page=pages + 1, per_page=per_page)
    assert (beyond["contents"], beyond["size"], beyond["empty"]) == ([], 0, True)
    assert beyond["last_page"] is True and beyond["total_items"] == total


def test_translations_are_the_same_service_not_another(shelter):
    spanish = Locale.objects.get_or_create(language_code="es")[0]
    translation = shelter.copy_for_translation(spanish)
    translation.organisation = "Refugio nocturno Quiet Court"
    translation.save()
    data = ok("/services", search="Quiet Court")
    assert [service["name"] for service in data["contents"]] == ["Quiet Court Night Shelter"]
    assert data["contents"][0]["id"] == str(shelter.translation_key)


def test_every_service_and_list_item_validates_against_the_spec(shelter, clinic, closed):
    hsds = spec()
    assert hsds.errors("compiled/service_list.json", {"id": "x", "name": "n", "status": "open"}), (
        "the check fails what HSDS refuses (an id that is no UUID, an unknown status)"
    )
    listed = ok("/services", per_page=100)
    for item in listed["contents"]:
        assert hsds.errors("compiled/service_list.json", item) == [], item["name"]
        compiled = ok(f"/services/{item['id']}")
        assert hsds.errors("compiled/service_with_definitions.json", compiled) == [], item["name"]
    full = ok("/services", per_page=100, full="true")
    for item in full["contents"]:
        assert hsds.errors("compiled/service_with_definitions.json", item) == [], item["name"]
    for item in ok("/organizations", per_page=100, full_service="true")["contents"]:
        assert hsds.errors("organization.json", item) == [], item["name"]
    for item in ok("/service_at_locations", per_page=100, full="true")["contents"]:
        assert hsds.errors("service_at_location.json", item) == []
        assert hsds.errors("compiled/service_with_definitions.json", item["service"]) == []
    for item in ok("/taxonomies")["contents"]:
        assert hsds.errors("taxonomy.json", item) == []
    for item in ok("/taxonomy_terms")["contents"]:
        assert hsds.errors("taxonomy_term.json", item) == []


def test_a_service_in_full_carries_what_lantern_keeps(shelter):
    service = ok(f"/services/{shelter.translation_key}")
    sid = str(shelter.translation_key)
    assert service["name"] == "Quiet Court Night Shelter"
    assert service["organization_id"] == service["organization"]["id"]
    assert service["organization"]["id"] == str(shelter.organization.hsds_id)
    assert service["assured_date"] == "2026-11-01"
    assert service["interpretation_services"] == "Other languages through interpreters."
    assert [(p["type"], p["number"], p.get("description")) for p in service["phones"]] == [
        ("voice", "(213) 555-0190", None),
        ("text", "(213) 555-0191", "Text SAFE to this number."),
    ]
    [schedule] = service["schedules"]
    offset = "-07:00" if timezone.now().astimezone(LOS_ANGELES).dst() else "-08:00"
    assert (schedule["byday"], schedule["opens_at"], schedule["closes_at"]) == (
        "MO,TU",
        f"18:00{offset}",
        f"08:00{offset}",
    ), "a night crossing midnight: closing before opening"
    assert schedule["description"] == "Evenings"
    assert [area["name"] for area in service["service_areas"]] == ["900"]
    assert [language["code"] for language in service["languages"]] == ["en", "es"]
    [capacity] = service["capacities"]
    assert (capacity["available"], capacity["maximum"], capacity["unit"]["name"]) == (3, 12, "beds")
    assert [a["taxonomy_term"]["code"] for a in service["attributes"]] == ["shelter", "youth"]
    assert {a["link_id"] for a in service["attributes"]} == {sid}
    assert service["attributes"][0]["taxonomy_term_id"] == vocabulary.term_id("shelter")
    # The ids of what Lantern derives are the same at every request: partners find them again.
    assert ok(f"/services/{sid}")["phones"] == service["phones"]


def test_a_confidential_address_never_appears_and_its_place_is_rounded(shelter):
    service = ok(f"/services/{shelter.translation_key}")
    [link] = service["service_at_locations"]
    place = link["location"]
    assert "addresses" not in place
    assert (place["latitude"], place["longitude"]) == (34.06, -118.24)
    for path, params in [
        (f"/services/{shelter.translation_key}", {}),
        ("/services", {"full": "true", "per_page": 100}),
        ("/service_at_locations", {"full": "true", "per_page": 100}),
        ("/service_at_locations", {"postcode": "90012", "proximity": 5000}),
        ("/organizations", {"full_service": "true", "per_page": 100}),
        (f"/organizations/{shelter.organization.hsds_id}", {"full_service": "true"}),
    ]:
        text = get(path, **params).content.decode()
        assert HIDDEN_STREET not in text, path
        assert "34.056789" not in text and "118.243219" not in text, path
    assert ok("/services", search="Quiet Court")["total_items"] == 1
    assert ok("/services", search=HIDDEN_STREET)["total_items"] == 0, "not searchable either"


def test_a_public_address_is_published_whole(clinic):
    service = ok(f"/services/{clinic.translation_key}")
    place = service["service_at_locations"][0]["location"]
    [address] = place["addresses"]
    assert (address["address_1"], address["city"], address["state_province"]) == (
        "5 Main Street",
        "Los Angeles",
        "CA",
    )
    assert (address["postal_code"], address["country"]) == ("90013", "US")
    assert (place["latitude"], place["longitude"]) == (34.0448, -118.2434)
    assert service["additional_urls"][0]["url"] == "https://chat.example.org/"
    [always] = service["schedules"]
    assert (always["byday"], always["opens_at"], always["closes_at"]) == (
        vocabulary.EVERY_DAY,
        *vocabulary.ALL_DAY,
    ), "open 24/7 as a schedule"


def test_inactive_services_are_data_in_the_api_but_never_shown_to_readers(closed):
    listed = ok("/services", search="Closed Harbor")["contents"]
    assert [(s["name"], s["status"]) for s in listed] == [("Closed Harbor Helpline", "inactive")]
    assert ok(f"/services/{closed.translation_key}")["status"] == "inactive"
    page = site_client("harbor.localhost").get("/en/find-help/", {"state": "CA"})
    assert "Closed Harbor Helpline" not in page.content.decode()


def test_unknown_ids_are_404s_and_bad_paging_is_a_422_naming_the_parameter():
    for path in [
        "/services/0b0e6c1c-5d2a-4d7f-9d0b-1d5c2a4e9f11",
        "/services/not-an-id",
        "/organizations/0b0e6c1c-5d2a-4d7f-9d0b-1d5c2a4e9f11",
        "/organizations/42",
        "/taxonomies/0b0e6c1c-5d2a-4d7f-9d0b-1d5c2a4e9f11",
        "/taxonomy_terms/0b0e6c1c-5d2a-4d7f-9d0b-1d5c2a4e9f11",
    ]:
        response = get(path)
        assert response.status_code == 404, path
        assert "No " in response.json()["detail"]
    for params, name in [
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"per_page": "0"}, "per_page"),
        ({"per_page": "101"}, "per_page"),
        ({"modified_after": "yesterday"}, "modified_after"),
        ({"modified_after": "1700000000"}, "modified_after"),  # seconds: not a date-time
        ({"modified_after": "2026-01-31T00:00:00"}, "modified_after"),  # no offset: when?
        ({"format": "ndjson"}, "format"),
        ({"postcode": "90012"}, "postcode"),  # not a filter of /services
    ]:
        response = get("/services", **params)
        assert response.status_code == 422, params
        assert [error["loc"] for error in response.json()["detail"]] == [["query", name]]


def test_search_finds_words_in_names_descriptions_and_organisations_in_any_case(shelter, clinic):
    def names(words):
        return [service["name"] for service in ok("/services", search=words)["contents"]]

    assert names("quiet COURT") == ["Quiet Court Night Shelter"]
    assert names("nurses who see") == ["Open Door Clinic"]
    clinic.organization.name = "Harborside Health Trust"
    clinic.organization.save()
    assert names("harborside health") == ["Open Door Clinic"]


def test_modified_after_gives_only_what_changed_since(shelter, clinic):
    long_ago = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    source_services().update(last_modified=long_ago)
    clinic.description = "Walk in: nurses and a doctor."
    clinic.save()
    data = ok("/services", modified_after="2021-01-01T00:00:00Z")
    assert [service["name"] for service in data["contents"]] == ["Open Door Clinic"]
    assert data["contents"][0]["last_modified"] >= "2021"
    # Offsets count: 2019-12-31 19:00 in New York is midnight in London, when the others changed.
    everything = source_services().count()
    assert ok("/services", modified_after="2019-12-31T19:00:00-05:00")["total_items"] == everything
    assert ok("/services", modified_after="2019-12-31T19:00:01-05:00")["total_items"] == 1


def test_filters_by_kind_of_help_taxonomy_and_organisation(shelter, clinic):
    medical = ok("/services", taxonomy_term_id=vocabulary.term_id("medical"), per_page=100)
    assert "Open Door Clinic" in [service["name"] for service in medical["contents"]]
    assert "Quiet Court Night Shelter" not in [service["name"] for service in medical["contents"]]
    everything = ok("/services", taxonomy_id=vocabulary.TAXONOMY_ID)["total_items"]
    assert everything == source_services().count()
    other = "0b0e6c1c-5d2a-4d7f-9d0b-1d5c2a4e9f11"
    assert ok("/services", taxonomy_id=other)["total_items"] == 0
    assert ok("/services", taxonomy_term_id=other)["total_items"] == 0
    runs = ok("/services", organization_id=str(shelter.organization.hsds_id))["contents"]
    assert [service["name"] for service in runs] == ["Quiet Court Night Shelter"]


def test_organisations_and_their_services(shelter, clinic):
    org = shelter.organization
    data = ok(f"/organizations/{org.hsds_id}")
    assert (data["id"], data["name"]) == (str(org.hsds_id), "Quiet Court Night Shelter")
    assert data["description"] == "", "HSDS requires it: empty when there is none"
    assert [service["id"] for service in data["services"]] == [str(shelter.translation_key)]
    assert "phones" not in data["services"][0]
    full = ok(f"/organizations/{org.hsds_id}", full_service="true")
    assert full["services"][0]["phones"][0]["number"] == "(213) 555-0190"
    listed = ok("/organizations", per_page=100)
    assert listed["total_items"] == Organization.objects.count()
    assert "services" not in listed["contents"][0]
    found = ok("/organizations", search="open door", full="true")["contents"]
    assert [(o["name"], [s["name"] for s in o["services"]]) for o in found] == [
        ("Open Door Clinic", ["Open Door Clinic"])
    ]
    medical = ok("/organizations", taxonomy_term_id=vocabulary.term_id("medical"), per_page=100)
    assert "Open Door Clinic" in [o["name"] for o in medical["contents"]]
    assert "Quiet Court Night Shelter" not in [o["name"] for o in medical["contents"]]


def test_services_at_locations_by_postcode_and_distance(shelter, clinic):
    covered = ok("/service_at_locations", postcode="90012", per_page=100)["contents"]
    names = [item["service"]["name"] for item in covered]
    assert "Quiet Court Night Shelter" in names, "its ZIP codes (900) cover 90012"
    assert "Open Door Clinic" in names, "it serves the whole of California"
    maine = ok("/service_at_locations", postcode="04101", per_page=100)["contents"]
    assert "Quiet Court Night Shelter" not in [item["service"]["name"] for item in maine]

    centre = zip_place("90012")
    metres = {
        name: miles_between(centre, place) * 1609.344
        for name, place in [
            ("Quiet Court Night Shelter", Place(34.06, -118.24)),  # as published
            ("Open Door Clinic", Place(34.0448, -118.2434)),
        ]
    }
    near = ok("/service_at_locations", postcode="90012", proximity=5000, per_page=100)
    found = [item["service"]["name"] for item in near["contents"]]
    assert [name for name in found if name in metres] == sorted(metres, key=metres.get), (
        "nearest first"
    )
    radius = (metres["Quiet Court Night Shelter"] + metres["Open Door Clinic"]) / 2
    closer = ok("/service_at_locations", postcode="90012", proximity=radius, per_page=100)
    assert [item["service"]["name"] for item in closer["contents"]].count("Open Door Clinic") == (
        metres["Open Door Clinic"] < radius
    )
    item = near["contents"][0]
    assert item["location"]["id"] == item["location_id"]
    assert item["service"]["id"] == item["service_id"]
    far = ok("/service_at_locations", postcode="04101", proximity=5000, per_page=100)
    assert "Quiet Court Night Shelter" not in [i["service"]["name"] for i in far["contents"]]


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"proximity": "5000"}, "proximity"),  # a distance from nowhere
        ({"postcode": "9001"}, "postcode"),
        ({"postcode": ""}, "postcode"),
        ({"postcode": "00012"}, "postcode"),
        ({"postcode": "90012", "proximity": "-1"}, "proximity"),
    ],
)
def test_a_place_search_that_cannot_be_answered_is_a_422_saying_why(params, name):
    response = get("/service_at_locations", **params)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", name] and error["msg"]


def test_lanterns_one_taxonomy_is_its_kinds_of_help():
    [taxonomy] = ok("/taxonomies")["contents"]
    assert taxonomy["id"] == vocabulary.TAXONOMY_ID
    assert ok(f"/taxonomies/{vocabulary.TAXONOMY_ID}")["name"] == vocabulary.TAXONOMY_NAME
    terms = ok("/taxonomy_terms", per_page=100)["contents"]
    assert [term["code"] for term in terms] == [
        "hotline", "shelter", "legal", "medical", "counselling", "youth", "immigration",
        "case_management",
    ]  # fmt: skip
    assert {term["taxonomy_id"] for term in terms} == {vocabulary.TAXONOMY_ID}
    assert ok(f"/taxonomy_terms/{vocabulary.term_id('legal')}")["name"] == "Legal aid"
    assert [t["code"] for t in ok("/taxonomy_terms", search="SHELTER")["contents"]] == ["shelter"]
    assert ok("/taxonomy_terms", parent_id=vocabulary.term_id("legal"))["empty"] is True


def test_unknown_parameters_are_refused_by_name():
    response = get("/services", tpye="shelter")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "tpye"]


def test_answers_are_in_the_source_language_whatever_the_browser_asks(shelter):
    client = site_client("harbor.localhost")
    data = client.get(
        f"/api/hsds/services/{shelter.translation_key}", HTTP_ACCEPT_LANGUAGE="es"
    ).json()
    assert [language["name"] for language in data["languages"]] == ["English", "Spanish"]


def test_a_saved_change_reaches_the_next_partner_through_the_page_cache(clinic):
    path = f"/services/{clinic.translation_key}"
    assert ok(path)["description"] == "Walk in: nurses who see anyone."
    assert get(path)["X-Lantern-Cache"] == "hit"
    with committed():
        clinic.description = "Walk in, any day."
        clinic.save()
    assert ok(path)["description"] == "Walk in, any day."
    assert ok("/services", search="any day")["total_items"] == 1
    runs = f"/organizations/{clinic.organization.hsds_id}"
    assert len(ok(runs)["services"]) == 1
    with committed():
        HelpResource.objects.create(
            organisation="Open Door Night Clinic",
            organization=clinic.organization,
            services=["medical"],
            phone="(213) 555-0171",
            area=HelpResource.Area.STATES,
            states="CA",
            last_verified=datetime.date(2026, 11, 1),
        )
    assert [s["name"] for s in ok(runs)["services"]] == [
        "Open Door Clinic",
        "Open Door Night Clinic",
    ]


def count_queries(path, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        ok(path, **params)
    return len(queries)


@pytest.mark.usefixtures("caches_off")
@pytest.mark.parametrize(
    ("path", "params", "cost"),
    [
        ("/services", {}, 2),  # the count, the page with its organisations
        ("/services", {"full": "true"}, 2),
        ("/organizations", {"full_service": "true"}, 3),  # and their services
        ("/service_at_locations", {"full": "true"}, 2),
        ("/service_at_locations", {"postcode": "90012"}, 2),
        ("/service_at_locations", {"postcode": "90012", "proximity": 50_000}, 2),  # places, page
    ],
)
def test_a_page_costs_the_same_queries_whatever_its_size(path, params, cost, shelter, clinic):
    for number in range(20):  # more than a page of 20, all in Los Angeles
        HelpResource.objects.create(
            organisation=f"Extra Service {number:02d}",
            services=["legal"],
            phone="(213) 555-0100",
            area=HelpResource.Area.STATES,
            states="CA",
            postcode="90012",
            last_verified=datetime.date(2026, 11, 1),
        )
    assert count_queries(path, per_page=1, **params) == cost
    assert count_queries(path, per_page=20, **params) == cost
