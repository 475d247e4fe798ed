"""People per agency: moderators manage their own agency's staff, and can never grant more than that."""

import pytest

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from sites.agencies.tenancy import Agency
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db
User = get_user_model()


def agency(hostname):
    return Agency.objects.get(site__hostname=hostname)


def new_person(groups, **extra):
    return {
        "username": "newcomer",
        "email": "newcomer@example.org",
        "first_name": "New",
        "last_name": "Comer",
        "password1": "a-long-unusual-passphrase-42",
        "password2": "a-long-unusual-passphrase-42",
        "groups": [group.pk for group in groups],
        **extra,
    }


def edit_form(person, **changes):
    data = {
        "username": person.username,
        "email": person.email,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "password1": "",
        "password2": "",
        "is_active": "on" if person.is_active else "",
        "groups": [group.pk for group in person.groups.all()],
    }
    return data | changes


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root_owner", "root@example.org", "pw")


def test_a_moderator_lists_only_their_agencys_people(
    moderator_a, editor_a, editor_b, network_admin, superuser
):
    html = logged_in(moderator_a).get(reverse("wagtailusers_users:index")).content.decode()
    assert "editor_a" in html and "moderator_a" in html
    assert "editor_b" not in html
    assert "network_admin" not in html
    assert "root_owner" not in html


def test_a_moderator_invites_a_person_into_their_agencys_editors(moderator_a):
    editors = agency("harbor.localhost").editors
    response = logged_in(moderator_a).post(reverse("wagtailusers_users:add"), new_person([editors]))
    assert response.status_code == 302
    person = User.objects.get(username="newcomer")
    assert list(person.groups.all()) == [editors]
    assert not person.is_superuser


def test_a_moderator_cannot_place_anyone_in_another_agencys_group(moderator_a):
    response = logged_in(moderator_a).post(
        reverse("wagtailusers_users:add"), new_person([agency("pines.localhost").moderators])
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not User.objects.filter(username="newcomer").exists()


def test_a_moderator_cannot_make_anyone_an_administrator(moderator_a, editor_a):
    client = logged_in(moderator_a)
    form = client.get(reverse("wagtailusers_users:add")).content.decode()
    assert 'name="is_superuser"' not in form

    client.post(
        reverse("wagtailusers_users:add"),
        new_person([agency("harbor.localhost").editors], is_superuser="on"),
    )
    client.post(
        reverse("wagtailusers_users:edit", args=[editor_a.pk]),
        edit_form(editor_a, is_superuser="on"),
    )

    assert not User.objects.get(username="newcomer").is_superuser
    editor_a.refresh_from_db()
    assert not editor_a.is_superuser


def test_a_moderator_cannot_grant_network_administration(moderator_a, editor_a):
    network = Group.objects.get(name="Network administrators")
    response = logged_in(moderator_a).post(
        reverse("wagtailusers_users:edit", args=[editor_a.pk]),
        edit_form(editor_a, groups=[agency("harbor.localhost").editors.pk, network.pk]),
    )
    assert "Select a valid choice." in response.content.decode()
    assert list(editor_a.groups.all()) == [agency("harbor.localhost").editors]


def test_a_moderator_deactivates_one_of_their_editors(moderator_a, editor_a):
    response = logged_in(moderator_a).post(
        reverse("wagtailusers_users:edit", args=[editor_a.pk]), edit_form(editor_a, is_active="")
    )
    assert response.status_code == 302
    editor_a.refresh_from_db()
    assert not editor_a.is_active


def test_a_moderator_cannot_open_or_change_another_agencys_people(moderator_a, editor_b):
    client = logged_in(moderator_a)
    url = reverse("wagtailusers_users:edit", args=[editor_b.pk])
    assert client.get(url).status_code in (302, 403, 404)
    client.post(url, edit_form(editor_b, is_active="", email="taken@example.org"))
    editor_b.refresh_from_db()
    assert editor_b.is_active and editor_b.email == "editor_b@example.org"


def test_a_moderator_cannot_open_a_network_administrator(moderator_a, network_admin):
    url = reverse("wagtailusers_users:edit", args=[network_admin.pk])
    assert logged_in(moderator_a).get(url).status_code in (302, 403, 404)


def test_editors_and_moderators_cannot_manage_groups(editor_a, moderator_a):
    for user in (editor_a, moderator_a):
        response = logged_in(user).get(reverse("wagtailusers_groups:index"))
        assert response.status_code in (302, 403, 404)


def test_editors_cannot_manage_people(editor_a, editor_b):
    client = logged_in(editor_a)
    assert client.get(reverse("wagtailusers_users:index")).status_code in (302, 403)
    client.post(
        reverse("wagtailusers_users:edit", args=[editor_b.pk]), edit_form(editor_b, is_active="")
    )
    editor_b.refresh_from_db()
    assert editor_b.is_active


def test_a_network_administrator_manages_every_agencys_people_but_not_superusers(
    network_admin, editor_a, editor_b, superuser
):
    client = logged_in(network_admin)
    html = client.get(reverse("wagtailusers_users:index")).content.decode()
    assert "editor_a" in html and "editor_b" in html
    assert "root_owner" not in html
    response = client.post(
        reverse("wagtailusers_users:edit", args=[editor_b.pk]),
        edit_form(editor_b, is_active="", is_superuser="on"),
    )
    assert response.status_code == 302
    editor_b.refresh_from_db()
    assert not editor_b.is_active
    assert not editor_b.is_superuser


@pytest.mark.parametrize(
    "url_name",
    ["wagtailsites:index", "wagtailadmin_workflows:index", "wagtailadmin_workflows:task_index"],
)
def test_network_administrators_manage_sites_and_workflows_and_agencies_do_not(
    network_admin, moderator_a, url_name
):
    assert logged_in(network_admin).get(reverse(url_name)).status_code == 200
    assert logged_in(moderator_a).get(reverse(url_name)).status_code in (302, 403, 404)
