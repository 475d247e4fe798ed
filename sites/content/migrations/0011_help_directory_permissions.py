"""Agencies and network administrators already set up get the help directory's permissions,
as create_agency_site gives new agencies."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = ["add_helpresource", "change_helpresource", "view_helpresource"]
MODERATORS = [*EDITORS, "delete_helpresource"]


def grant(apps, schema_editor):
    # Permissions are made after migrations run: make this app's now (the installed app's
    # config: a migration's historical one has no models module, and would make none).
    create_permissions(global_apps.get_app_config("agency_sites"), verbosity=0, apps=apps)
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    Agency = apps.get_model("agency_sites", "Agency")
    found = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="agency_sites", codename__in=MODERATORS
        )
    }
    for agency in Agency.objects.select_related("editors", "moderators"):
        agency.editors.permissions.add(*(found[name] for name in EDITORS))
        agency.moderators.permissions.add(*(found[name] for name in MODERATORS))
    for group in Group.objects.filter(name="Network administrators"):
        group.permissions.add(*found.values())


class Migration(migrations.Migration):
    dependencies = [("agency_sites", "0010_help_directory"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
