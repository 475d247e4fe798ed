"""The models of lantern_api, moved here from agency_sites when sites/ was split into apps.

Their tables stay as they were (each model names its table): on a database that has them this
changes the migration state and renames the content types, and creates nothing.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

from sites.content import relabel


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("agency_sites", "0017_privacy_override"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DraftPreview",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("token", models.CharField(max_length=64, unique=True)),
                        ("content_json", models.TextField()),
                        (
                            "created_at",
                            models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                        ),
                        (
                            "content_type",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="contenttypes.contenttype",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "agency_sites_draftpreview",
                    },
                ),
            ],
            database_operations=[
                relabel.moved("agency_sites", "lantern_api", ["draftpreview"]),
            ],
        ),
    ]
