"""Agencies onboarded before the management API get the token permissions new agencies get."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

TOKEN_CODENAMES = ["add_apitoken", "change_apitoken", "delete_apitoken"]
NETWORK_ADMINS = "Network administrators"


def grant_token_permissions(apps, schema_editor):
    Agency = apps.get_model("agency_sites", "Agency")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    groups = [g for a in Agency.objects.select_related("editors", "moderators") for g in (a.editors, a.moderators)]
    groups += list(Group.objects.filter(name=NETWORK_ADMINS))
    if not groups:
        return  # a fresh install: onboarding grants them
    # Permissions are normally created after all migrations; make sure these exist now.
    create_permissions(global_apps.get_app_config("wagtailcore"), apps=apps, verbosity=0)
    permissions = list(
        Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=TOKEN_CODENAMES)
    )
    for group in groups:
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("agency_sites", "0005_headless_preview"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant_token_permissions, migrations.RunPython.noop)]
