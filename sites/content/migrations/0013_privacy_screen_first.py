"""Every agency set up before the privacy review gets its privacy screen, first in its workflow,
decided on by its moderators, as create_agency_site gives new agencies."""

from django.db import migrations


def add_privacy_screen(apps, schema_editor):
    Agency = apps.get_model("agency_sites", "Agency")
    PrivacyScreenTask = apps.get_model("agency_sites", "PrivacyScreenTask")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="agency_sites", model="privacyscreentask"
    )
    for agency in Agency.objects.select_related("site", "workflow", "moderators"):
        workflow = agency.workflow
        if workflow is None or WorkflowTask.objects.filter(
            workflow=workflow, task__content_type=content_type
        ).exists():
            continue
        screen = PrivacyScreenTask.objects.create(
            name=f"{agency.site.site_name} privacy screen", content_type=content_type
        )
        screen.groups.set([agency.moderators])
        steps = list(WorkflowTask.objects.filter(workflow=workflow).order_by("-sort_order"))
        for step in steps:  # from the last, so no two share a place on the way
            step.sort_order += 1
            step.save(update_fields=["sort_order"])
        WorkflowTask.objects.create(workflow=workflow, task=screen, sort_order=0)


class Migration(migrations.Migration):
    dependencies = [("agency_sites", "0012_privacy_review")]

    operations = [migrations.RunPython(add_privacy_screen, migrations.RunPython.noop)]
