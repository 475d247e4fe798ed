"""The help directory in the admin: agencies keep their own resources; bad input is a form error."""

import datetime

import pytest

from django.urls import reverse
from django.utils import timezone

from wagtail.models import Site

from sites.help.resources import HelpResource
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db

LIST_URL = reverse("wagtailsnippets_lantern_help_helpresource:list")
ADD_URL = reverse("wagtailsnippets_lantern_help_helpresource:add")


def edit_url(resource):
    return reverse("wagtailsnippets_lantern_help_helpresource:edit", args=[resource.pk])


def refused(response) -> bool:
    """Wagtail answers a refused admin view with a redirect to the dashboard (and a message)."""
    if response.status_code == 302:
        return response["Location"] == reverse("wagtailadmin_home")
    return response.status_code in (403, 404)


def resource_form(**fields) -> dict:
    """The add form as a browser posts it: a legal clinic for two LA ZIP prefixes."""
    data = {
        "owner": str(Site.objects.get(hostname="harbor.localhost").pk),
        "organisation": "Eastside Legal Night Clinic",
        "status": "active",
        "description": "Free advice on Tuesday evenings.",
        "services": ["legal"],
        "phone": "(323) 555-0111",
        "sms_number": "",
        "sms_keyword": "",
        "tty": "",
        "chat_url": "",
        "email": "",
        "website": "",
        "hours": "Tuesdays, 6pm to 9pm",
        "languages": ["en", "es"],
        "language_notes": "",
        "area": "local",
        "states": "",
        "zip_prefixes": "900, 9003",
        "last_verified": (timezone.localdate() - datetime.timedelta(days=30)).isoformat(),
        "reference": "",
    }
    return data | fields


def test_an_editor_adds_a_resource_through_the_admin_and_readers_find_it(editor_a):
    response = logged_in(editor_a).post(ADD_URL, resource_form())
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    resource = HelpResource.objects.get(organisation="Eastside Legal Night Clinic")
    assert resource.owner.hostname == "harbor.localhost"
    assert resource.services == ["legal"] and resource.languages == ["en", "es"]
    assert (resource.states, resource.zip_prefixes) == ("CA", "900, 9003")
    assert resource.reference == "eastside-legal-night-clinic"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"phone": "", "hours": ""}, "phone", "Give at least one way to reach it"),
        ({"services": []}, "services", "This field is required."),
        ({"zip_prefixes": "12"}, "zip_prefixes", "Enter the first 3, 4 or 5 digits of a ZIP code"),
        ({"zip_prefixes": "090"}, "zip_prefixes", "No US ZIP codes start with 090."),
        (
            {"area": "states", "zip_prefixes": "", "states": "XX"},
            "states",
            "Unknown state code(s): XX",
        ),
        (
            {"area": "national", "zip_prefixes": "900"},
            "area",
            "A nationwide service covers every state",
        ),
        ({"last_verified": "2099-01-01"}, "last_verified", "This date is in the future"),
        (
            {"reference": "harbor-safe-house"},
            "reference",
            "Another help resource already has this reference.",
        ),
    ],
)
def test_bad_input_is_a_form_error_on_its_field_and_nothing_is_saved(
    editor_a, fields, field, message
):
    before = HelpResource.objects.count()
    response = logged_in(editor_a).post(ADD_URL, resource_form(**fields))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in error for error in errors.get(field, [])), errors
    assert HelpResource.objects.count() == before


def test_an_agency_sees_its_own_and_the_networks_resources_never_another_agencys(editor_a):
    client = logged_in(editor_a)
    listing = client.get(LIST_URL).content.decode()
    assert "Harbor Light Safe House" in listing
    assert "Lantern Network Immigration Desk" in listing
    assert "Northern Pines Safe Beds" not in listing
    pines = HelpResource.objects.get(reference="pines-safe-beds", locale__language_code="en")
    assert refused(client.get(edit_url(pines)))
    assert refused(client.post(edit_url(pines), resource_form(organisation="Taken over")))
    pines.refresh_from_db()
    assert pines.organisation == "Northern Pines Safe Beds"


def test_an_agency_cannot_change_the_networks_resources(editor_a):
    desk = HelpResource.objects.get(
        reference="lantern-immigration-desk", locale__language_code="en"
    )
    client = logged_in(editor_a)
    assert refused(client.post(edit_url(desk), resource_form(owner="", organisation="Mine now")))
    desk.refresh_from_db()
    assert desk.organisation == "Lantern Network Immigration Desk"


def test_an_agency_cannot_list_a_resource_as_another_agencys(editor_a):
    pines = Site.objects.get(hostname="pines.localhost")
    response = logged_in(editor_a).post(ADD_URL, resource_form(owner=str(pines.pk)))
    assert response.status_code == 200
    assert "owner" in response.context["form"].errors


def test_the_help_directory_has_its_own_admin_menu_item(editor_a):
    home = logged_in(editor_a).get(reverse("wagtailadmin_home")).content.decode()
    assert LIST_URL in home and "Help directory" in home


@pytest.mark.parametrize("count", [None, "", "many"])
def test_a_post_without_the_opening_hours_count_reads_as_no_hours_not_a_500(editor_a, count):
    """The opening hours are a stream: a post not made by the admin's own form (a script, a
    stale tab) may lack its block count, or carry nonsense. The resource is saved without hours;
    a post that is nothing like the form gets the form's errors."""
    fields = {} if count is None else {"opening_hours-count": count}
    client = logged_in(editor_a)
    response = client.post(ADD_URL, resource_form(**fields))
    assert response.status_code == 302
    resource = HelpResource.objects.get(organisation="Eastside Legal Night Clinic")
    assert len(resource.opening_hours) == 0

    response = client.post(ADD_URL, {"q": "anything", **fields})
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
