"""Content types that follow their models out of agency_sites, for the apps' first migrations.

When sites/ was split into apps, some models moved from agency_sites (this app's label) to the
app of their capability, keeping their tables. Their content types are renamed in place, so
pages, revisions, permissions, workflow tasks, translations and log entries that point at them
keep pointing at the same rows.
"""

from django.db import migrations


def moved(from_label: str, to_label: str, models: list[str]) -> migrations.RunPython:
    """A reversible RunPython renaming these models' content types from one app label to another."""

    def relabel(apps, schema_editor, old, new):
        content_types = apps.get_model("contenttypes", "ContentType").objects.using(
            schema_editor.connection.alias
        )
        for model in models:
            if not content_types.filter(app_label=old, model=model).exists():
                continue  # a new database: migrate creates the content types afterwards
            # One migrated back and forward again may already have an empty one under the new
            # label (and its default permissions), made after the reverse migration: the kept
            # type, with everything that points at it, takes its place.
            content_types.filter(app_label=new, model=model).delete()
            content_types.filter(app_label=old, model=model).update(app_label=new)

    return migrations.RunPython(
        lambda apps, schema_editor: relabel(apps, schema_editor, from_label, to_label),
        lambda apps, schema_editor: relabel(apps, schema_editor, to_label, from_label),
    )
