"""About how far: ZIP codes to places, nearest help first, and what readers are told."""

import datetime
from unittest import mock

import pytest

from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from sites.caching import tags
from sites.help.details import distance_text
from sites.help.places import miles_between, place_of, time_zone_of, zip_place
from sites.help.resources import HelpResource
from sites.help.search import find_help
from tests.conftest import committed

pytestmark = pytest.mark.django_db


def local_service(name, postcode="", zip_prefixes="900", **fields) -> HelpResource:
    """A local service saved as the admin saves it (its coordinates filled in from `postcode`)."""
    resource = HelpResource(
        organisation=name,
        services=["counselling"],
        phone="(213) 555-0100",
        area=HelpResource.Area.LOCAL,
        zip_prefixes=zip_prefixes,
        postcode=postcode,
        last_verified=timezone.localdate() - datetime.timedelta(days=30),
        **fields,
    )
    resource.full_clean()
    resource.save()
    return resource


def test_a_zip_code_is_a_place_from_the_table_that_ships_with_the_project():
    los_angeles = zip_place("90012")
    assert los_angeles.state == "CA" and los_angeles.time_zone == "America/Los_Angeles"
    assert zip_place("90012-1234") == los_angeles
    assert zip_place("00000") is None and zip_place("9001") is None
    # Downtown Los Angeles to Santa Monica, and to San Diego, as the crow flies.
    assert round(miles_between(los_angeles, zip_place("90401"))) == 15
    assert round(miles_between(los_angeles, zip_place("92101"))) == 112


def test_the_admin_fills_in_coordinates_from_the_zip_code_and_they_follow_a_move():
    clinic = local_service("Westside Clinic", postcode="90401")
    santa_monica = zip_place("90401")
    assert (clinic.latitude, clinic.longitude) == (santa_monica.latitude, santa_monica.longitude)
    clinic.postcode = "92101"
    clinic.full_clean()
    assert clinic.latitude == zip_place("92101").latitude, "filled in, so it moves with the ZIP"
    clinic.save()
    # Coordinates an editor typed stay as typed.
    clinic.latitude, clinic.longitude = 32.7, -117.1
    clinic.save()
    clinic.postcode = "90401"
    clinic.full_clean()
    assert (clinic.latitude, clinic.longitude) == (32.7, -117.1)


def test_a_zip_code_nobody_knows_is_a_form_error_unless_coordinates_are_given():
    with pytest.raises(ValidationError) as error:
        local_service("Nowhere House", postcode="00012")
    assert error.value.message_dict["postcode"] == [
        "We don't know where ZIP code 00012 is: check it, or give the latitude and longitude."
    ]
    found = local_service("Somewhere House", postcode="00012", latitude=34.0, longitude=-118.0)
    assert place_of(found).latitude == 34.0


def test_opening_hours_need_a_time_zone_someone_can_tell():
    nationwide = HelpResource(
        organisation="Everywhere Line",
        services=["hotline"],
        phone="(800) 555-0100",
        area=HelpResource.Area.NATIONAL,
        last_verified=timezone.localdate() - datetime.timedelta(days=30),
        opening_hours=[
            {"type": "weekly", "value": {"days": ["MO"], "opens_at": "09:00", "closes_at": "17:00"}}
        ],
    )
    with pytest.raises(ValidationError) as error:
        nationwide.full_clean()
    assert "time_zone" in error.value.message_dict
    nationwide.time_zone = "America/New_York"
    nationwide.full_clean()
    assert time_zone_of(nationwide) == "America/New_York"


def test_distances_read_as_a_person_says_them():
    assert distance_text(0.4) == "less than a mile"
    assert distance_text(1.2) == "about 1 mile"
    assert distance_text(14.75) == "about 15 miles"
    assert distance_text(None) == ""
    with translation.override("es"):
        assert distance_text(14.75) == "a unas 15 millas"
        assert distance_text(0.4) == "a menos de una milla"


def test_local_help_comes_nearest_first_and_help_with_no_place_after_it():
    local_service("A San Diego Shelter", postcode="92101")
    local_service("B Santa Monica Clinic", postcode="90401")
    local_service("Aardvark Line (no place)")
    local = find_help(zip="90012", service="counselling").local
    names = [resource.organisation for resource in local]
    assert names.index("B Santa Monica Clinic") < names.index("A San Diego Shelter")
    assert names[-1] == "Aardvark Line (no place)"
    shown = {resource.organisation: resource.distance for resource in local}
    assert shown["B Santa Monica Clinic"] == "about 15 miles"
    assert shown["A San Diego Shelter"] == "about 112 miles"
    assert shown["Aardvark Line (no place)"] == ""
    # The demo's Bayview Counselling Collective (downtown Los Angeles) is nearest.
    assert names[0] == "Bayview Counselling Collective"
    assert shown["Bayview Counselling Collective"] == "about 1 mile"
    # By state alone there is no "near": by name, and no distance.
    by_state = find_help(state="CA", service="counselling").local
    assert [r.organisation for r in by_state] == sorted(r.organisation for r in by_state)
    assert all(r.distance == "" for r in by_state)


def test_nationwide_services_show_no_distance_and_inactive_services_none_at_all():
    local_service("Closed Clinic", postcode="90401", status=HelpResource.Status.TEMPORARILY_CLOSED)
    found = find_help(zip="90012")
    assert "Closed Clinic" not in [r.organisation for r in found.local]
    assert found.national and all(r.distance_miles is None for r in found.national)


def test_a_search_is_kept_only_until_the_first_of_its_services_opens_or_closes():
    # Monday 14 December 2026, 8 a.m. in Los Angeles: the demo's Bayview Counselling Collective
    # opens at 10 a.m., the Harbor Light Legal Clinic at 9 a.m. (17:00 UTC).
    now = datetime.datetime(2026, 12, 14, 16, 0, tzinfo=datetime.UTC)
    counted = HelpResource.objects.filter(capacity_updated__isnull=False)
    counted.update(capacity_available=None, capacity_updated=None)
    assert until_of_search(now) == datetime.datetime(2026, 12, 14, 17, 0, tzinfo=datetime.UTC)
    # A count of beds made 2 hours 30 minutes ago reads "3 hours ago" at 16:30.
    local_service(
        "Counted Shelter",
        postcode="90033",
        capacity_available=3,
        capacity_updated=now - datetime.timedelta(hours=2, minutes=30),
    )
    assert until_of_search(now) == datetime.datetime(2026, 12, 14, 16, 30, tzinfo=datetime.UTC)


def until_of_search(now):
    """When the recording of a search for 90012 at `now` says its page changes by itself."""
    recording, token = tags.start()
    try:
        find_help(zip="90012", now=now)
    finally:
        tags.stop(token)
    assert "model:lantern_help.helpresource" in recording.tags
    return recording.until


@pytest.mark.parametrize("count", [3, 30])
def test_a_search_costs_the_same_queries_however_many_local_services(count, settings):
    settings.LANTERN_CHROME_CACHE = False  # count what a search costs, not what a worker kept
    for number in range(count):
        local_service(f"Service {number:02}", postcode=["90401", "92101", "90013"][number % 3])
    with CaptureQueriesContext(connection) as queries:
        found = find_help(zip="90012", service="counselling", now=timezone.now())
        assert len(found.local) >= count
    assert len(queries) == 2, [query["sql"] for query in queries.captured_queries]


def test_each_worker_keeps_a_searchs_answer_until_the_directory_changes_or_time_moves_on(
    kept_by_workers,
):
    first = find_help(zip="90012")
    with CaptureQueriesContext(connection) as queries:
        again = find_help(zip="90012")
    assert again is first, "kept, for the same question in the same language"
    assert len(queries) <= 1, "the versions of what it showed, read once"
    assert find_help(zip="90012", service="legal") is not first
    with translation.override("es"):
        assert find_help(zip="90012") is not first
    # An editor's change reaches the next search.
    with committed():
        local_service("Echo Park Counselling", postcode="90026")
    changed = find_help(zip="90012")
    assert "Echo Park Counselling" in [r.organisation for r in changed.local]
    # So does the next opening or closing: the answer is not kept past it.
    after = first_change(changed) + datetime.timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=after):
        assert find_help(zip="90012") is not changed


def first_change(results):
    found = [*results.local, *results.statewide, *results.national]
    return min(r.opening.changes_at for r in found if r.opening and r.opening.changes_at)


def test_a_confidential_place_is_told_to_about_a_kilometre_and_a_public_one_exactly():
    """Readers' distances and the HSDS API both start from `place_of`: a shelter's exact point
    never reaches either, so distances asked from many ZIP codes cannot close in on it."""
    shelter = HelpResource(latitude=34.061482, longitude=-118.238519, address_public=False)
    assert (place_of(shelter).latitude, place_of(shelter).longitude) == (34.06, -118.24)
    clinic = HelpResource(latitude=34.061482, longitude=-118.238519, address_public=True)
    assert (place_of(clinic).latitude, place_of(clinic).longitude) == (34.061482, -118.238519)
    by_zip = HelpResource(postcode="90012", address_public=False)
    assert (place_of(by_zip).latitude, place_of(by_zip).longitude) == (34.06, -118.24)
