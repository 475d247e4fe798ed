"""What a reader of the find-help page is told about each service now: about how far it is,
whether it is open, and how many places it has free, in English and in Spanish.

The clock is set with `django.utils.timezone.now` patched, and the page cache is off (a page
stored at one set moment would answer for another)."""

import datetime
import re
from contextlib import contextmanager
from unittest import mock

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sites.help.resources import HelpResource
from tests.conftest import committed, logged_in, site_client
from tests.sites.help.test_admin import LIST_URL

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("caches_off")]

UTC = datetime.UTC
# Tuesday 8 December 2026, noon in Los Angeles.
TUESDAY_NOON_LA = datetime.datetime(2026, 12, 8, 20, 0, tzinfo=UTC)
# The same Tuesday at 11 p.m., and Wednesday at 9 a.m., in Minneapolis (Central time).
TUESDAY_NIGHT_MN = datetime.datetime(2026, 12, 9, 5, 0, tzinfo=UTC)
WEDNESDAY_MORNING_MN = datetime.datetime(2026, 12, 9, 15, 0, tzinfo=UTC)


@contextmanager
def clock_at(moment):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def find(moment, hostname="harbor.localhost", path="/en/find-help/", **params) -> str:
    with clock_at(moment):
        response = site_client(hostname).get(path, params)
    assert response.status_code == 200
    return response.content.decode()


def result(html, name) -> str:
    """One result's markup, from its name to the end of its facts."""
    start = html.index(f'<h3 class="hotline__name">{name}</h3>')
    return html[start : html.index("</dl>", start)]


def near_you(html) -> list[str]:
    start = html.index("Near you")
    end = html.find('<h3 class="find-help__group">', start + 1)
    return re.findall(r'<h3 class="hotline__name">([^<]+)</h3>', html[start:end])


def counted(reference, moment, **fields):
    """The demo resource `reference`'s count of places, made at `moment`."""
    with committed():
        HelpResource.objects.filter(reference=reference).update(capacity_updated=moment, **fields)


def test_readers_see_how_far_each_service_is_when_it_is_open_and_the_beds_free():
    counted("harbor-safe-house", TUESDAY_NOON_LA - datetime.timedelta(hours=2))
    with committed():
        # A shelter's street address is never shown, even when it is known.
        HelpResource.objects.filter(reference="harbor-safe-house").update(
            street_address="1 Hidden Court"
        )
    html = find(TUESDAY_NOON_LA, zip="90012")
    bayview = result(html, "Bayview Counselling Collective")
    assert '<dt>How far</dt><dd class="help-resource__distance">about 1 mile</dd>' in bayview
    assert "<dt>Address</dt><dd>412 Lantern Way, Los Angeles 90013</dd>" in bayview
    assert (
        '<strong class="help-resource__open">Open now · until 7 p.m.</strong>'
        "<br>Monday to Saturday, 10am to 7pm" in bayview
    )
    house = result(html, "Harbor Light Safe House")
    assert '<dd class="help-resource__distance">about 2 miles</dd>' in house
    assert "1 Hidden Court" not in html and "<dt>Address</dt>" not in house
    assert "<dt>Hours</dt><dd>Open 24 hours, every day</dd>" in house
    assert "<dt>Availability</dt><dd>3 of 12 beds free · counted 2\xa0hours ago</dd>" in house
    clinic = result(html, "Harbor Light Legal Clinic")  # across the state, with an office near
    assert "about 2 miles" in clinic and "Open now · until 5 p.m." in clinic
    # Nationwide services say nothing of distance.
    assert "How far" not in html[html.index("Anywhere in the country") :]
    assert '<label for="id_open_now">Open now</label>' in html


def test_the_api_tells_partners_what_the_page_tells_readers():
    counted("harbor-safe-house", TUESDAY_NOON_LA - datetime.timedelta(hours=2))
    with clock_at(TUESDAY_NOON_LA):
        response = site_client("harbor.localhost").get("/api/help", {"zip": "90012"})
    assert response.status_code == 200
    answer = response.json()
    local = {item["organisation"]: item for item in answer["local"]}
    assert list(local)[:2] == ["Bayview Counselling Collective", "Harbor Light Safe House"]
    bayview = local["Bayview Counselling Collective"]
    assert (bayview["distance_miles"], bayview["distance"]) == (1, "about 1 mile")
    assert bayview["opening"] == {
        "is_open": True,
        "text": "Open now · until 7 p.m.",
        "changes_at": "2026-12-09T03:00:00Z",  # 7 p.m. in Los Angeles
    }
    assert bayview["capacity"] is None
    house = local["Harbor Light Safe House"]
    assert house["distance_miles"] == 2 and house["opening"]["is_open"] is True
    assert house["opening"]["changes_at"] is None  # open 24 hours
    assert house["capacity"] == {
        "available": 3,
        "maximum": 12,
        "unit": "beds",
        "counted_at": "2026-12-08T18:00:00Z",
        "stale": False,
        "text": "3 of 12 beds free · counted 2\xa0hours ago",
    }
    # A count too old to rely on gives its age, not the number; nationwide: no distance.
    counted("harbor-safe-house", TUESDAY_NOON_LA - datetime.timedelta(days=3))
    with clock_at(TUESDAY_NOON_LA):
        answer = site_client("harbor.localhost").get("/api/help", {"zip": "90012"}).json()
    house = next(i for i in answer["local"] if i["organisation"] == "Harbor Light Safe House")
    assert house["capacity"]["stale"] is True and house["capacity"]["available"] is None
    assert all(item["distance_miles"] is None for item in answer["national"])


def test_spanish_readers_are_told_the_same_in_spanish():
    counted("harbor-safe-house", TUESDAY_NOON_LA - datetime.timedelta(hours=2))
    html = find(TUESDAY_NOON_LA, path="/es/encontrar-ayuda/", zip="90012")
    bayview = result(html, "Bayview Counselling Collective")
    assert "<dt>Distancia</dt>" in bayview and "a 1 milla, más o menos" in bayview
    assert "Abierto ahora · hasta las 19:00" in bayview
    house = result(html, "Casa Segura Harbor Light")
    assert "a unas 2 millas" in house
    assert (
        "<dt>Disponibilidad</dt><dd>3 de 12 camas libres · recuento de hace 2\xa0horas</dd>"
        in house
    )
    assert '<label for="id_open_now">Abierto ahora</label>' in html


def test_a_count_too_old_to_trust_shows_its_age_and_a_call_to_check(settings):
    counted("harbor-safe-house", TUESDAY_NOON_LA - datetime.timedelta(days=3))
    house = result(find(TUESDAY_NOON_LA, zip="90012"), "Harbor Light Safe House")
    assert (
        '<dt>Availability</dt><dd class="help-resource__stale">'
        "Last counted 3\xa0days ago, call to check</dd>" in house
    )
    assert "3 of 12" not in house
    spanish = find(TUESDAY_NOON_LA, path="/es/encontrar-ayuda/", zip="90012")
    assert "Último recuento hace 3\xa0días: llama para confirmar" in spanish
    settings.LANTERN_HELP_CAPACITY_STALE_HOURS = 96
    house = result(find(TUESDAY_NOON_LA, zip="90012"), "Harbor Light Safe House")
    assert "3 of 12 beds free · counted 3\xa0days ago" in house


def test_open_now_finds_the_night_shelter_at_night_and_not_in_the_morning():
    counted("passage-night-shelter", TUESDAY_NIGHT_MN - datetime.timedelta(minutes=20))
    night = find(TUESDAY_NIGHT_MN, "passage.localhost", zip="55401", open_now="on")
    assert near_you(night) == ["Safe Passage Night Shelter", "Safe Passage Shelter Network"]
    shelter = result(night, "Safe Passage Night Shelter")
    assert "Open now · until 8 a.m." in shelter
    assert "6 of 20 beds free · counted 20\xa0minutes ago" in shelter
    morning = find(WEDNESDAY_MORNING_MN, "passage.localhost", zip="55401", open_now="on")
    assert near_you(morning) == ["Safe Passage Shelter Network"]
    # Without the filter, it is there, nearest first, and says when it opens.
    everything = find(WEDNESDAY_MORNING_MN, "passage.localhost", zip="55401")
    assert near_you(everything) == ["Safe Passage Night Shelter", "Safe Passage Shelter Network"]
    assert "Closed now · opens at 6 p.m." in result(everything, "Safe Passage Night Shelter")


def add_local_services(count, first=0):
    with committed():
        for number in range(first, first + count):
            resource = HelpResource(
                organisation=f"Eastside Counsellor {number:02}",
                services=["counselling"],
                phone="(213) 555-0100",
                area=HelpResource.Area.LOCAL,
                zip_prefixes="900",
                postcode=["90401", "92101", "90033"][number % 3],
                last_verified=timezone.localdate() - datetime.timedelta(days=30),
                opening_hours=[
                    {
                        "type": "weekly",
                        "value": {"days": ["MO", "TU"], "opens_at": "09:00", "closes_at": "17:00"},
                    }
                ],
                capacity_available=number,
                capacity_updated=TUESDAY_NOON_LA,
            )
            resource.full_clean()
            resource.save()


def search_queries(expected_results) -> list[str]:
    """The queries of a search for 90012 rendered afresh, once the site is loaded."""
    client = site_client("harbor.localhost")
    with clock_at(TUESDAY_NOON_LA):
        client.get("/en/find-help/")  # the site, its branding and menu, as any page loads them
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/en/find-help/", {"zip": "90012"}).content.decode()
    assert html.count("Eastside Counsellor") == expected_results
    return [query["sql"] for query in queries.captured_queries]


def test_a_search_costs_the_same_queries_for_3_local_services_as_for_30():
    add_local_services(3)
    few = search_queries(3)
    add_local_services(27, first=3)
    many = search_queries(30)
    assert len(many) == len(few), many
    # With caches off: the site, branding, page and menu, and where the site's Donate button
    # goes (sites.giving.donate); the search: two.
    assert len(few) <= 11, few


def test_moderators_see_which_counts_of_places_are_stale(network_admin):
    counted("harbor-safe-house", TUESDAY_NOON_LA - datetime.timedelta(hours=2))
    counted("pines-safe-beds", TUESDAY_NOON_LA - datetime.timedelta(hours=30))
    client = logged_in(network_admin)
    with clock_at(TUESDAY_NOON_LA):
        stale = client.get(LIST_URL, {"capacity": "stale"}).content.decode()
        current = client.get(LIST_URL, {"capacity": "current"}).content.decode()
        everything = client.get(LIST_URL).content.decode()
    assert "Northern Pines Safe Beds" in stale and "Harbor Light Safe House" not in stale
    assert "Harbor Light Safe House" in current and "Northern Pines Safe Beds" not in current
    assert "Stale: 2 of 8 beds, counted 1\xa0day ago" in everything
    assert "3 of 12 beds, counted 2\xa0hours ago" in everything
