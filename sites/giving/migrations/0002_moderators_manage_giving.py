"""Each agency's moderators manage their own site's giving settings, as they manage its
branding (sites.agencies.onboarding gives new agencies the same); network administrators, every
site's."""

from django.db import migrations


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are made after every migration has run; this one needs its own now.
    config = apps.get_app_config("lantern_giving")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    Permission = apps.get_model("auth", "Permission")
    GroupSitePermission = apps.get_model("wagtailcore", "GroupSitePermission")
    Agency = apps.get_model("lantern_agencies", "Agency")
    Group = apps.get_model("auth", "Group")
    change = Permission.objects.get(
        content_type__app_label="lantern_giving", codename="change_givingsettings"
    )
    for agency in Agency.objects.all():
        GroupSitePermission.objects.get_or_create(
            group_id=agency.moderators_id, site_id=agency.site_id, permission=change
        )
    network = Group.objects.filter(name="Network administrators").first()
    if network is not None:
        network.permissions.add(
            *Permission.objects.filter(content_type__app_label="lantern_giving")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("lantern_giving", "0001_initial"),
        ("lantern_agencies", "0001_initial"),
        ("wagtailcore", "0095_groupsitepermission"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
