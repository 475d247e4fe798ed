"""An agency's giving settings in the real admin: the Stripe keys are written and never read
back, by anyone; an agency's staff reach only their own site's settings; the keys are in no
page, API answer, log entry or backup."""

import io
import tarfile

import pytest

from django.core.management import call_command
from django.urls import reverse

from wagtail.models import ModelLogEntry, Site

from sites.giving.models import GivingSettings, ProcessorSecrets
from tests.conftest import load_demo_network, logged_in, site_client

from .conftest import HARBOR, HARBOR_KEY, HARBOR_WEBHOOK, PINES, PINES_KEY, PINES_WEBHOOK

pytestmark = pytest.mark.django_db


def edit_url(hostname: str) -> str:
    site = Site.objects.get(hostname=hostname)
    return reverse("wagtailsettings:edit", args=["lantern_giving", "givingsettings", site.pk])


def settings_form(**changes) -> dict:
    data = {
        "processor": "stripe",
        "provider_url": "",
        "stripe_secret_key": "",
        "stripe_webhook_secret": "",
        "minimum_gift": "5",
        "maximum_gift": "10000",
    }
    return data | changes


def secrets_of(hostname: str) -> ProcessorSecrets:
    return ProcessorSecrets.for_site(Site.objects.get(hostname=hostname).pk)


def test_an_agency_admin_sets_the_stripe_keys_and_never_sees_them_again(moderator_a):
    admin = logged_in(moderator_a)
    url = edit_url(HARBOR)
    empty = admin.get(url)
    assert empty.status_code == 200
    html = empty.content.decode()
    assert html.count("Not set.") == 2

    saved = admin.post(
        url,
        settings_form(stripe_secret_key=HARBOR_KEY, stripe_webhook_secret=HARBOR_WEBHOOK),
    )
    assert saved.status_code == 302, saved.context["form"].errors
    secrets = secrets_of(HARBOR)
    assert (secrets.stripe_secret_key, secrets.stripe_webhook_secret) == (
        HARBOR_KEY,
        HARBOR_WEBHOOK,
    )
    assert GivingSettings.for_site(Site.objects.get(hostname=HARBOR)).processor == "stripe"

    shown = admin.get(url).content.decode()
    assert shown.count("Set: leave empty to keep it.") == 2
    assert HARBOR_KEY not in shown and HARBOR_WEBHOOK not in shown
    assert 'type="password"' in shown

    # Saved again with the key fields empty (as the browser sends them): the keys are kept.
    again = admin.post(url, settings_form(minimum_gift="10"))
    assert again.status_code == 302
    assert secrets_of(HARBOR).stripe_secret_key == HARBOR_KEY

    # Removed on purpose only.
    admin.post(url, settings_form(processor="link", forget_stripe_keys="on"))
    assert not secrets_of(HARBOR).stripe_secret_key
    assert not secrets_of(HARBOR).stripe_webhook_secret

    for entry in ModelLogEntry.objects.all():
        assert HARBOR_KEY not in f"{entry.label} {entry.data}"


def test_a_wrong_key_is_refused_without_being_said_back(moderator_a):
    admin = logged_in(moderator_a)
    typed = "pk_live_published_key_not_secret_123"
    refused = admin.post(edit_url(HARBOR), settings_form(stripe_secret_key=typed))
    assert refused.status_code == 200
    errors = refused.context["form"].errors
    assert errors["stripe_secret_key"] == [
        "This is not a Stripe secret key: it starts with sk_live_ or sk_test_ or rk_live_ or "
        "rk_test_. Copy it from Stripe's dashboard."
    ]
    assert errors["stripe_webhook_secret"] == ["Stripe Checkout needs this key."]
    assert typed not in refused.content.decode()
    assert not secrets_of(HARBOR).stripe_secret_key


def test_a_provider_address_is_checked(moderator_a):
    admin = logged_in(moderator_a)
    refused = admin.post(
        edit_url(HARBOR),
        settings_form(processor="provider", provider_url="https://give.example.org/?x={amonut}"),
    )
    assert refused.context["form"].errors["provider_url"] == [
        "Unknown placeholder {amonut}: use {amount}, {cents}, {frequency}, {thanks_url}."
    ]
    plain = admin.post(
        edit_url(HARBOR),
        settings_form(processor="provider", provider_url="http://give.example.org/{amount}"),
    )
    assert plain.context["form"].errors["provider_url"] == [
        "Give the whole https:// address of the giving page."
    ]
    small = admin.post(
        edit_url(HARBOR), settings_form(processor="link", minimum_gift="50", maximum_gift="20")
    )
    assert small.context["form"].errors["maximum_gift"] == [
        "The largest gift must be at least the smallest."
    ]


def test_an_agency_reaches_only_its_own_sites_giving_settings(moderator_a, editor_a, pines_stripe):
    moderator = logged_in(moderator_a)
    before = list(GivingSettings.objects.filter(site__hostname=PINES).values())
    assert moderator.get(edit_url(PINES)).status_code == 404
    answer = moderator.post(edit_url(PINES), settings_form(stripe_secret_key="sk_test_takeover"))
    assert answer.status_code == 404
    assert secrets_of(PINES).stripe_secret_key == PINES_KEY
    assert list(GivingSettings.objects.filter(site__hostname=PINES).values()) == before
    # Editors write pages; the processor is the moderators' (the agency's admins').
    editor = logged_in(editor_a)
    assert editor.get(edit_url(HARBOR)).status_code in (302, 403)
    assert editor.post(edit_url(HARBOR), settings_form()).status_code in (302, 403)


def test_the_keys_are_in_no_page_and_no_api_answer(
    harbor_stripe, pines_stripe, harbor_appeal, network_admin
):
    secrets = [HARBOR_KEY, HARBOR_WEBHOOK, PINES_KEY, PINES_WEBHOOK]
    reader = site_client(HARBOR)
    answers = [
        reader.get("/en/"),
        reader.get(f"/en/give/{harbor_appeal.pk}/", {"amount": "50"}),
        reader.get(f"/en/give/{harbor_appeal.pk}/thanks/"),
        reader.get("/api/site"),
        reader.get("/api/appeals"),
        reader.get("/api/pages"),
        logged_in(network_admin).get(edit_url(HARBOR)),  # not even the network's administrators
        logged_in(network_admin).get(edit_url(PINES)),
    ]
    for answer in answers:
        assert answer.status_code == 200, answer
        body = answer.content.decode()
        assert not [secret for secret in secrets if secret in body]


@pytest.fixture(scope="module")
def backup_with_keys(django_db_setup, django_db_blocker, tmp_path_factory):
    """A backup made while Harbor's keys are set (committed, as `backup` copies what is),
    before any test's transaction opens."""
    path = tmp_path_factory.mktemp("backup") / "lantern.tar"
    with django_db_blocker.unblock():
        load_demo_network()
        site = Site.objects.get(hostname=HARBOR)
        secrets = ProcessorSecrets.objects.create(
            site=site, stripe_secret_key=HARBOR_KEY, stripe_webhook_secret=HARBOR_WEBHOOK
        )
        try:
            call_command("backup", output=str(path), stdout=io.StringIO())
        finally:
            secrets.delete()
    return path


def test_a_backup_leaves_the_keys_out(backup_with_keys):
    with tarfile.open(backup_with_keys) as archive:
        database = next(m for m in archive.getmembers() if m.name.startswith("database/"))
        content = archive.extractfile(database).read()
    assert content  # the database is there
    assert HARBOR_KEY.encode() not in content
    assert HARBOR_WEBHOOK.encode() not in content
