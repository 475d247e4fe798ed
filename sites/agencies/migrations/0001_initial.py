"""The models of lantern_agencies, moved here from agency_sites when sites/ was split into apps.

Their tables stay as they were (each model names its table): on a database that has them this
changes the migration state and renames the content types, and creates nothing.
"""

import django.db.models.deletion
from django.db import migrations, models

from sites.content import relabel


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("agency_sites", "0017_privacy_override"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Agency",
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
                        (
                            "collection",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="wagtailcore.collection",
                            ),
                        ),
                        (
                            "editors",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="editors_of",
                                to="auth.group",
                            ),
                        ),
                        (
                            "moderators",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="moderators_of",
                                to="auth.group",
                            ),
                        ),
                        (
                            "site",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="agency",
                                to="wagtailcore.site",
                            ),
                        ),
                        (
                            "workflow",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="wagtailcore.workflow",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "agencies",
                        "db_table": "agency_sites_agency",
                    },
                ),
            ],
            database_operations=[
                relabel.moved("agency_sites", "lantern_agencies", ["agency"]),
            ],
        ),
    ]
