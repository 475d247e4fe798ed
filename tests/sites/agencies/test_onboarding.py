"""Creating an agency site: everything in one step, or nothing at all."""

import io

import pytest

from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    GroupSitePermission,
    Page,
    Site,
)

from sites.agencies.onboarding import SiteExists, create_agency_site
from sites.agencies.tenancy import Agency
from sites.content.branding import SiteBranding
from sites.content.pages import HomePage
from tests.conftest import site_client

pytestmark = pytest.mark.django_db


def counts():
    return (
        Site.objects.count(),
        Page.objects.count(),
        SiteBranding.objects.count(),
        Collection.objects.count(),
    )


def test_a_new_site_has_a_home_page_branding_and_collection_and_answers_on_its_host():
    site = create_agency_site(
        name="Bright Path",
        hostname="Bright.localhost",
        primary_colour="#2b2d42",
        accent_colour="#edf2f4",
    )

    assert site.hostname == "bright.localhost"
    assert isinstance(site.root_page.specific, HomePage)
    assert site.root_page.live
    assert SiteBranding.for_site(site).display_name == "Bright Path"
    assert Collection.objects.filter(name="Bright Path").exists()
    html = site_client("bright.localhost").get("/en/").content.decode()
    assert '<span class="site-brand__name">Bright Path</span>' in html
    assert "--brand-primary:#2b2d42;" in html


def test_the_same_host_name_twice_is_refused_and_changes_nothing():
    before = counts()
    with pytest.raises(
        SiteExists, match=r"A site already answers on harbor.localhost:80; nothing was changed."
    ):
        create_agency_site(name="Imposter", hostname="harbor.localhost")
    assert counts() == before


@pytest.mark.parametrize(
    "hostname", ["http://x.org", "x.org/path", "bad host", "-x.org", "x..org", "", "x.org:8000"]
)
def test_a_malformed_host_name_is_refused(hostname):
    before = counts()
    with pytest.raises(ValidationError, match="is not a host name"):
        create_agency_site(name="Agency", hostname=hostname)
    assert counts() == before


def test_a_blank_name_is_refused():
    with pytest.raises(ValidationError, match=r"An agency site needs a name\."):
        create_agency_site(name="  ", hostname="blank.localhost")


def test_an_unreadable_colour_pair_rolls_back_the_whole_site():
    before = counts()
    with pytest.raises(ValidationError) as error:
        create_agency_site(
            name="Pale",
            hostname="pale.localhost",
            primary_colour="#dddddd",
            accent_colour="#ffffff",
        )
    assert "primary_colour" in error.value.message_dict
    assert counts() == before
    assert not HomePage.objects.filter(title="Pale").exists()


def run(*args):
    out = io.StringIO()
    call_command("create_agency_site", *args, stdout=out)
    return out.getvalue()


def test_the_command_sets_up_groups_permissions_collection_and_workflow_for_the_new_site_only():
    output = run(
        "--name",
        "Bright Path",
        "--hostname",
        "bright.localhost",
        "--colour",
        "#2b2d42",
        "--accent",
        "#edf2f4",
    )

    site = Site.objects.get(hostname="bright.localhost")
    agency = Agency.objects.get(site=site)
    assert "Created Bright Path on bright.localhost:" in output
    assert "Bright Path Editors, Bright Path Moderators" in output
    assert (agency.editors.name, agency.moderators.name) == (
        "Bright Path Editors",
        "Bright Path Moderators",
    )
    assert agency.collection.name == "Bright Path"
    assert site.root_page.specific.get_workflow() == agency.workflow
    # The privacy screen first, then the moderators' approval: both decided by its moderators.
    tasks = [step.task.specific for step in agency.workflow.workflow_tasks.order_by("sort_order")]
    assert [type(task).__name__ for task in tasks] == ["PrivacyScreenTask", "GroupApprovalTask"]
    for task in tasks:
        assert list(task.groups.all()) == [agency.moderators]
    # Page permissions stop at the agency's own home page; media at its own collection.
    assert set(
        GroupPagePermission.objects.filter(group=agency.editors).values_list("page_id", flat=True)
    ) == {site.root_page_id}
    assert set(
        GroupPagePermission.objects.filter(group=agency.editors).values_list(
            "permission__codename", flat=True
        )
    ) == {"add_page", "change_page"}
    assert "publish_page" in GroupPagePermission.objects.filter(
        group=agency.moderators
    ).values_list("permission__codename", flat=True)
    assert set(
        GroupCollectionPermission.objects.filter(
            group__in=[agency.editors, agency.moderators]
        ).values_list("collection_id", flat=True)
    ) == {agency.collection_id}
    # Its moderators keep its branding and its giving settings (payment processor), for it alone.
    assert set(
        GroupSitePermission.objects.filter(group=agency.moderators).values_list(
            "site_id", "permission__codename"
        )
    ) == {(site.pk, "change_sitebranding"), (site.pk, "change_givingsettings")}
    assert not GroupSitePermission.objects.filter(group=agency.editors).exists()


def test_running_the_command_again_for_the_same_host_says_so_and_changes_nothing():
    before = counts()
    with pytest.raises(
        CommandError, match=r"A site already answers on pines.localhost:80; nothing was changed\."
    ):
        run("--name", "Northern Pines Ministry", "--hostname", "pines.localhost")
    assert counts() == before


def test_the_command_refuses_a_bad_host_name_a_bad_colour_and_an_unknown_language():
    before = counts()
    with pytest.raises(CommandError, match="'harbor_light' is not a host name"):
        run("--name", "Harbor", "--hostname", "harbor_light")
    with pytest.raises(
        CommandError, match=r"Nothing was created\. primary_colour: White text on #eeeeee"
    ):
        run("--name", "Pale", "--hostname", "pale.localhost", "--colour", "#eeeeee")
    with pytest.raises(
        CommandError, match=r"This install has no language 'xx'; it offers: en, es\."
    ):
        run("--name", "Lingua", "--hostname", "lingua.localhost", "--locale", "xx")
    assert counts() == before


def test_the_command_records_the_state_the_agency_serves():
    run("--name", "Front Range", "--hostname", "range.localhost", "--state", "co")
    assert SiteBranding.objects.get(site__hostname="range.localhost").state == "CO"
    before = counts()
    with pytest.raises(CommandError, match=r"Nothing was created\. state: Value 'ZZ' is not"):
        run("--name", "Nowhere", "--hostname", "nowhere.localhost", "--state", "zz")
    assert counts() == before


def test_the_command_refuses_a_home_page_the_privacy_screen_holds_and_creates_nothing():
    """The new site's words are screened before its home page goes live, like any page's."""
    before = counts()
    with pytest.raises(CommandError, match=r"Nothing was created\. .*Phone number in Tagline"):
        run(
            "--name", "Open Door", "--hostname", "open-door.localhost",
            "--tagline", "Text Maria at 207-555-0142",
        )  # fmt: skip
    assert counts() == before
    assert not Site.objects.filter(hostname="open-door.localhost").exists()
