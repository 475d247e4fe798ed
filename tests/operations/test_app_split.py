"""Upgrading a database from before sites/ was split into apps: nothing is lost.

Eight models left agency_sites for the app of their capability (lantern_agencies, lantern_api,
lantern_caching, lantern_help, lantern_privacy), keeping their tables; their first migrations
only change the migration state and rename the content types. Migrated back, the demo
network's database is the one the code before the split made (its tables, its migration rows,
its content types under agency_sites); migrated forward again, every page, resource,
permission and workflow task is where a reader and an editor expect it.
"""

import pytest

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from wagtail.models import Page

from sites.agencies.tenancy import NETWORK_ADMINS, Agency
from sites.help.pages import FindHelpPage
from sites.help.resources import HelpResource
from sites.privacy.workflow import PrivacyScreenTask
from tests.conftest import load_demo_network, site_client

MOVED = {
    "lantern_agencies": ["agency"],
    "lantern_api": ["draftpreview"],
    "lantern_caching": ["pagecachetag"],
    "lantern_help": ["findhelppage", "helpresource"],
    "lantern_privacy": ["privacyoverride", "privacyscreenstate", "privacyscreentask"],
}


def labels_of(model: str) -> set[str]:
    return set(ContentType.objects.filter(model=model).values_list("app_label", flat=True))


def migrate(*args):
    call_command("migrate", *args, verbosity=0, interactive=False)
    ContentType.objects.clear_cache()  # as a restarted worker would start


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_split_keeps_everything():
    load_demo_network()
    find_help_pages = set(FindHelpPage.objects.values_list("pk", flat=True))
    resources = HelpResource.objects.count()
    agencies = Agency.objects.count()
    screen_tasks = set(PrivacyScreenTask.objects.values_list("pk", flat=True))
    assert find_help_pages and resources and agencies and screen_tasks

    # Back to the schema before the split: the new apps hold nothing, agency_sites everything.
    migrate("agency_sites", "0017_privacy_override")
    for app in MOVED:
        migrate(app, "zero")
    applied = MigrationRecorder(connection).applied_migrations()
    assert not [key for key in applied if key[0] in MOVED]
    for models in MOVED.values():
        for model in models:
            assert "agency_sites" in labels_of(model), model
    old_type = ContentType.objects.get(app_label="agency_sites", model="findhelppage")
    assert set(Page.objects.filter(content_type=old_type).values_list("pk", flat=True)) == (
        find_help_pages
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM agency_sites_helpresource")
        assert cursor.fetchone()[0] == resources

    # And forward, as `manage.py migrate` upgrades an install.
    migrate()
    for app, models in MOVED.items():
        for model in models:
            assert labels_of(model) == {app}, model
    new_type = ContentType.objects.get_for_model(FindHelpPage)
    assert set(Page.objects.filter(content_type=new_type).values_list("pk", flat=True)) == (
        find_help_pages
    )
    assert {type(page.specific) for page in Page.objects.filter(pk__in=find_help_pages)} == {
        FindHelpPage
    }
    assert HelpResource.objects.count() == resources
    assert Agency.objects.count() == agencies
    assert set(PrivacyScreenTask.objects.values_list("pk", flat=True)) == screen_tasks
    # Each workflow's privacy screen is still its first task, as its specific type.
    for agency in Agency.objects.select_related("workflow"):
        first = agency.workflow.workflow_tasks.order_by("sort_order").first().task
        assert isinstance(first.specific, PrivacyScreenTask), agency

    # Permissions followed their content types: the network's administrators and each
    # agency's moderators keep theirs on help resources.
    change = Permission.objects.get(
        content_type__app_label="lantern_help", codename="change_helpresource"
    )
    assert Group.objects.get(name=NETWORK_ADMINS).permissions.filter(pk=change.pk).exists()
    for agency in Agency.objects.select_related("moderators"):
        assert agency.moderators.permissions.filter(pk=change.pk).exists(), agency

    # And readers are served: each site's find-help page finds its resources.
    for agency in Agency.objects.select_related("site"):
        page = FindHelpPage.objects.descendant_of(agency.site.root_page).live().first()
        if page is None:
            continue
        response = site_client(agency.site.hostname).get(page.relative_url(agency.site))
        assert response.status_code == 200, agency
