"""The models of lantern_privacy, moved here from agency_sites when sites/ was split into apps.

Their tables stay as they were (each model names its table): on a database that has them this
changes the migration state and renames the content types, and creates nothing.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from sites.content import relabel


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("agency_sites", "0017_privacy_override"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailcore", "0098_apitoken"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PrivacyScreenState",
                    fields=[
                        (
                            "taskstate_ptr",
                            models.OneToOneField(
                                auto_created=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                parent_link=True,
                                primary_key=True,
                                serialize=False,
                                to="wagtailcore.taskstate",
                            ),
                        ),
                        ("findings", models.JSONField(blank=True, default=list)),
                        ("override_reason", models.TextField(blank=True)),
                    ],
                    options={
                        "verbose_name": "privacy screen state",
                        "db_table": "agency_sites_privacyscreenstate",
                    },
                    bases=("wagtailcore.taskstate",),
                ),
                migrations.CreateModel(
                    name="PrivacyOverride",
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
                        ("reason", models.TextField()),
                        (
                            "findings",
                            models.JSONField(
                                default=list, help_text="The findings this override covers."
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "revision",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="privacy_overrides",
                                to="wagtailcore.revision",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "privacy override",
                        "db_table": "agency_sites_privacyoverride",
                        "ordering": ["created_at", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="PrivacyScreenTask",
                    fields=[
                        (
                            "task_ptr",
                            models.OneToOneField(
                                auto_created=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                parent_link=True,
                                primary_key=True,
                                serialize=False,
                                to="wagtailcore.task",
                            ),
                        ),
                        (
                            "groups",
                            models.ManyToManyField(
                                help_text="Pages/snippets at this step in a workflow will be moderated or approved by these groups of users",
                                to="auth.group",
                                verbose_name="groups",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "privacy screen",
                        "db_table": "agency_sites_privacyscreentask",
                    },
                    bases=("wagtailcore.task",),
                ),
            ],
            database_operations=[
                relabel.moved(
                    "agency_sites",
                    "lantern_privacy",
                    ["privacyoverride", "privacyscreenstate", "privacyscreentask"],
                ),
            ],
        ),
    ]
