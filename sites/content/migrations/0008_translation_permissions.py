"""Agencies onboarded before translation get the permission to translate their own content."""

from django.db import migrations

NETWORK_ADMINS = "Network administrators"


def grant_translation_permission(apps, schema_editor):
    Agency = apps.get_model("agency_sites", "Agency")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    groups = [g for a in Agency.objects.select_related("editors", "moderators") for g in (a.editors, a.moderators)]
    groups += list(Group.objects.filter(name=NETWORK_ADMINS))
    if not groups:
        return  # a fresh install: onboarding grants it
    # Created by wagtail-localize's own migration 0006.
    permission = Permission.objects.get(content_type__app_label="wagtail_localize", codename="submit_translation")
    for group in groups:
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("agency_sites", "0007_site_languages"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
    ]

    operations = [migrations.RunPython(grant_translation_permission, migrations.RunPython.noop)]
