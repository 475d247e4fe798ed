"""The models of lantern_caching, moved here from agency_sites when sites/ was split into apps.

Their tables stay as they were (each model names its table): on a database that has them this
changes the migration state and renames the content types, and creates nothing.
"""

from django.db import migrations, models

from sites.content import relabel


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("agency_sites", "0017_privacy_override"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PageCacheTag",
                    fields=[
                        (
                            "tag",
                            models.CharField(max_length=320, primary_key=True, serialize=False),
                        ),
                        ("version", models.CharField(max_length=40)),
                    ],
                    options={
                        "verbose_name": "page cache tag",
                        "db_table": "agency_sites_pagecachetag",
                    },
                ),
            ],
            database_operations=[
                relabel.moved("agency_sites", "lantern_caching", ["pagecachetag"]),
            ],
        ),
    ]
