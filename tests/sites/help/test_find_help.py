"""Find help as a reader does it: a plain GET form on every site, nearest help first."""

import datetime
import re
from unittest import mock

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sites.help.resources import HelpResource
from tests.conftest import DEMO_HOSTS, site_client

pytestmark = pytest.mark.django_db

NHTH = "National Human Trafficking Hotline"


def find(hostname="harbor.localhost", path="/en/find-help/", **params):
    response = site_client(hostname).get(path, params)
    assert response.status_code == 200
    return response.content.decode()


def section(html, heading):
    """The results under one heading (up to the next h2 or h3 group heading)."""
    start = html.index(heading)
    following = re.search(
        r'<h2|<h3 class="find-help__group"|</section>', html[start + len(heading) :]
    )
    end = start + len(heading) + (following.start() if following else len(html))
    return html[start:end]


def names(html):
    return re.findall(r'<h3 class="hotline__name">([^<]+)</h3>', html)


@pytest.mark.parametrize("hostname", DEMO_HOSTS)
def test_every_site_has_a_find_help_page_with_a_form_that_needs_no_javascript(hostname):
    html = find(hostname)
    form = re.search(
        r'<form method="get" action="/en/find-help/#results"[^>]*>(.*?)</form>', html, re.S
    )
    assert form, "a plain GET form to the page itself, landing on the results"
    for name in ("zip", "state", "service", "language", "open_now"):
        assert f'name="{name}"' in form.group(1)
    assert 'inputmode="numeric"' in form.group(1)
    assert "<script" not in form.group(1)
    # Before any search: the national hotlines, with a link a phone dials.
    assert NHTH in section(html, "National hotlines, any time")
    assert 'href="tel:+18883737888"' in html
    assert 'name="robots"' not in html, "the page itself may be found by search engines"
    # Reached from every page: first in the site's navigation.
    home = site_client(hostname).get("/en/").content.decode()
    menu = re.search(r'<ul class="wrap site-nav__list">\s*<li><a href="([^"]+)"', home)
    assert menu.group(1) == "/en/find-help/"


def test_a_los_angeles_zip_gives_local_then_statewide_then_national_help():
    html = find(zip="90012")
    assert "Help for 90012 (California)" in html
    near = names(section(html, "Near you"))
    state = names(section(html, "Across California"))
    national = names(section(html, "National hotlines, any time"))
    assert near == ["Bayview Counselling Collective", "Harbor Light Safe House"]
    assert state == ["Harbor Light 24-hour Response Line", "Harbor Light Legal Clinic"]
    assert national[0] == NHTH
    assert {"National Domestic Violence Hotline", "National Center for Victims of Crime"} <= set(
        national
    )
    order = ["Near you", "Across California", "National hotlines, any time"]
    assert [html.index(heading) for heading in order] == sorted(html.index(h) for h in order)
    assert names(section(html, "Anywhere in the country")) == ["Lantern Network Immigration Desk"]
    assert "Northern Pines" not in html, "Maine's services are not offered in Los Angeles"
    assert '<meta name="robots" content="noindex">' in html


def test_a_zip_outside_a_local_services_area_gets_its_states_services_only():
    html = find(zip="94103")  # San Francisco: California, but not Los Angeles County
    assert "Near you" not in html
    assert names(section(html, "Across California")) == [
        "Harbor Light 24-hour Response Line",
        "Harbor Light Legal Clinic",
    ]


def test_every_site_offers_the_whole_networks_directory():
    html = find("pines.localhost", zip="90012")
    assert "Harbor Light Safe House" in html
    maine = find("harbor.localhost", zip="04101")
    assert names(section(maine, "Near you")) == [
        "Casco Bay Youth Drop-in",
        "Northern Pines Safe Beds",
    ]
    assert names(section(maine, "Across Maine")) == [
        "Northern Pines Outreach Line",
        "Northern Pines Legal Companion",
    ]


def test_a_state_alone_lists_the_local_services_anywhere_in_it():
    html = find(state="ME")
    assert "Help in Maine" in html
    assert names(section(html, "Near you")) == [
        "Casco Bay Youth Drop-in",
        "Northern Pines Safe Beds",
    ]


def test_the_kind_of_help_narrows_services_but_never_the_national_hotlines():
    html = find(zip="90012", service="legal")
    assert "Near you" not in html
    assert names(section(html, "Across California")) == ["Harbor Light Legal Clinic"]
    national = names(section(html, "National hotlines, any time"))
    assert NHTH in national and "National Domestic Violence Hotline" in national
    assert '<option value="legal" selected>' in html, "the form keeps the reader's choice"


def test_each_search_form_marks_its_own_choice_in_its_own_language():
    """The options' markup is kept per widget (sites.help.search.OptionsSelect): by language
    and choice, never one reader's for another's."""
    legal = find(zip="90012", service="legal")
    shelter = find(zip="90012", service="shelter")
    spanish = find(path="/es/encontrar-ayuda/", zip="90012", service="shelter")
    blank = find(zip="90012")
    assert '<option value="legal" selected>' in legal
    assert '<option value="shelter" selected>' not in legal
    assert '<option value="shelter" selected>' in shelter
    assert '<option value="legal" selected>' not in shelter
    service = blank.split('name="service"')[1].split("</select>")[0]
    assert service.count(" selected>") == 1 and '<option value="" selected>' in service
    assert '<option value="shelter" selected>Refugio de emergencia</option>' in spanish
    assert '<option value="shelter">Emergency shelter</option>' in legal


@pytest.mark.parametrize(
    "data",
    [{}, {"zip": "90012", "open_now": "on"}, {"zip": '"><script>x</script>'}, {"zip": "9001"}],
)
def test_the_forms_inputs_are_written_as_djangos_own_templates_write_them(data):
    """sites.help.search.WrittenInput: the ZIP box and the open-now box, value, checked state,
    hint and error links included, character for character as Django's widget templates."""
    from django import forms

    from sites.help.search import FindHelpForm

    form = FindHelpForm(data or None, example_zip="90012")
    form.is_valid()
    for name, django_widget in (("zip", forms.TextInput), ("open_now", forms.CheckboxInput)):
        field = form[name]
        own = field.field.widget
        theirs = django_widget(attrs=own.attrs)
        assert type(own) is not django_widget
        assert field.as_widget() == field.as_widget(widget=theirs), name


def test_a_language_finds_services_that_speak_it_or_offer_interpreters():
    html = find(zip="90012", language="ko")
    assert names(section(html, "Near you")) == ["Bayview Counselling Collective"]
    assert "Harbor Light Legal Clinic" in section(html, "Across California")  # interpreters
    assert "Harbor Light Safe House" not in html


def test_open_now_at_night_keeps_the_services_open_around_the_clock():
    # Sunday 6 December 2026 at 3 a.m. in Los Angeles: the counsellors and the legal clinic,
    # open by day (fixtures/demo/help_details.json), are closed.
    sunday_night = datetime.datetime(2026, 12, 6, 11, 0, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=sunday_night):
        html = find(zip="90012", open_now="on")
    assert names(section(html, "Near you")) == ["Harbor Light Safe House"]
    assert names(section(html, "Across California")) == ["Harbor Light 24-hour Response Line"]
    assert 'name="open_now" id="id_open_now" checked' in html


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        # Harbor Light serves California: the example is a Californian ZIP code.
        ("9001", "Enter a 5-digit ZIP code, like 95814."),
        ("ABCDE", "Enter a 5-digit ZIP code, like 95814."),
        ("<script>", "Enter a 5-digit ZIP code, like 95814."),
        ("00012", "We don&#x27;t recognise the ZIP code 00012."),
        ("09001", "We don&#x27;t recognise the ZIP code 09001."),  # military mail
    ],
)
def test_a_bad_or_unknown_zip_gets_a_message_and_the_national_hotlines(typed, message):
    html = find(zip=typed, service="shelter")
    alert = html[html.index('<div role="alert">') : html.index("</form>")]
    assert f'<a href="#id_zip">{message}</a>' in alert
    assert "The national hotlines below can help anywhere." in alert
    assert NHTH in section(html, "National hotlines, any time")
    assert 'href="tel:+18883737888"' in html
    assert '<option value="shelter" selected>' in html, "the reader's other answers are kept"
    assert "<script>" not in html.split('role="alert"')[1].split("</form>")[0]


def test_results_show_channels_languages_area_and_when_they_were_checked():
    html = find(zip="04101")
    beds = section(html, "Near you").split("Northern Pines Safe Beds")[1]
    assert "Emergency shelter · Case management" in beds
    assert '<a class="button" href="tel:+12075550133">Call (207) 555-0133</a>' in beds
    assert 'href="sms:2075550134?&amp;body=SAFE">Text SAFE to (207) 555-0134</a>' in beds
    assert "<dt>Languages</dt><dd>English, French</dd>" in beds
    assert "<dt>Serves</dt><dd>Parts of Maine</dd>" in beds
    # The day the demo stored (moved forward from fixtures/demo when it was loaded, which may
    # have been yesterday when the run crossed midnight), as a reader reads it.
    checked = HelpResource.objects.get(
        organisation="Northern Pines Safe Beds", locale__language_code="en"
    ).last_verified
    assert timezone.localdate() - checked in (
        datetime.timedelta(days=3),
        datetime.timedelta(days=4),
    )
    assert (
        f'<dt>Checked</dt><dd><time datetime="{checked.isoformat()}">'
        f"{checked:%B} {checked.day}, {checked.year}</time></dd>" in beds
    )
    legal = section(html, "Across Maine").split("Northern Pines Legal Companion")[1]
    assert "English, French, Somali; other languages through an interpreter" in legal
    assert '<a class="button button--secondary" href="tel:711">TTY 711</a>' in legal


def test_the_national_hotline_shows_each_channel_with_its_own_languages():
    html = find()
    nhth = section(html, "National hotlines, any time").split(NHTH)[1]
    assert 'href="sms:233733?&amp;body=BEFREE">Text BEFREE to 233733</a>' in nhth
    assert 'href="tel:711">TTY 711</a>' in nhth
    assert 'href="https://humantraffickinghotline.org/en/chat" rel="noreferrer">Chat online' in nhth
    assert (
        "Calls: more than 200 languages, through interpreters. Text (BEFREE or HELP to 233733) "
        "and chat: English and Spanish." in nhth
    )


def test_spanish_readers_get_the_page_and_the_services_in_spanish():
    html = find("harbor.localhost", "/es/encontrar-ayuda/", zip="90012")
    assert '<html lang="es">' in html
    assert "Ayuda para 90012 (California)" in html
    assert "Casa Segura Harbor Light" in html
    assert "Un lugar seguro para dormir esta noche" in html
    assert "Llamadas: más de 200 idiomas, con intérpretes." in html
    bad = find("harbor.localhost", "/es/encontrar-ayuda/", zip="12")
    assert "Escribe un código postal de 5 dígitos, como 95814." in bad


def test_a_search_costs_the_same_few_queries_however_many_results():
    client = site_client("harbor.localhost")
    client.get("/en/find-help/")  # warm caches shared by every page (site, branding)
    with CaptureQueriesContext(connection) as few:
        client.get("/en/find-help/", {"zip": "94103"})
    with CaptureQueriesContext(connection) as many:
        client.get("/en/find-help/", {"zip": "90012"})
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 20


def test_an_editors_new_resource_is_found_at_once():
    resource = HelpResource(
        organisation="Valley Legal Aid",
        services=["legal"],
        phone="(559) 555-0100",
        area=HelpResource.Area.LOCAL,
        zip_prefixes="936, 937",
        last_verified=timezone.localdate() - datetime.timedelta(days=30),
    )
    resource.full_clean()
    resource.save()
    assert resource.states == "CA" and resource.reference == "valley-legal-aid"
    assert "Valley Legal Aid" in section(find(zip="93701"), "Near you")
    assert "Valley Legal Aid" not in find(zip="90012")
