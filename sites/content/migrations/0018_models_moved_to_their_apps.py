"""Models that moved to the app of their capability when sites/ was split into apps.

Agency (lantern_agencies), DraftPreview (lantern_api), PageCacheTag (lantern_caching),
FindHelpPage and HelpResource (lantern_help), and the privacy review's models
(lantern_privacy) leave this app's migration state; their tables stay, now theirs.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("lantern_agencies", "0001_initial"),
        ("lantern_api", "0001_initial"),
        ("lantern_caching", "0001_initial"),
        ("lantern_help", "0001_initial"),
        ("lantern_privacy", "0001_initial"),
        ("agency_sites", "0017_privacy_override"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="agency",
                    name="collection",
                ),
                migrations.RemoveField(
                    model_name="agency",
                    name="editors",
                ),
                migrations.RemoveField(
                    model_name="agency",
                    name="moderators",
                ),
                migrations.RemoveField(
                    model_name="agency",
                    name="site",
                ),
                migrations.RemoveField(
                    model_name="agency",
                    name="workflow",
                ),
                migrations.RemoveField(
                    model_name="draftpreview",
                    name="content_type",
                ),
                migrations.RemoveField(
                    model_name="findhelppage",
                    name="page_ptr",
                ),
                migrations.AlterUniqueTogether(
                    name="helpresource",
                    unique_together=None,
                ),
                migrations.RemoveField(
                    model_name="helpresource",
                    name="locale",
                ),
                migrations.RemoveField(
                    model_name="helpresource",
                    name="owner",
                ),
                migrations.DeleteModel(
                    name="PageCacheTag",
                ),
                migrations.RemoveField(
                    model_name="privacyoverride",
                    name="revision",
                ),
                migrations.RemoveField(
                    model_name="privacyoverride",
                    name="user",
                ),
                migrations.RemoveField(
                    model_name="privacyscreenstate",
                    name="taskstate_ptr",
                ),
                migrations.RemoveField(
                    model_name="privacyscreentask",
                    name="groups",
                ),
                migrations.RemoveField(
                    model_name="privacyscreentask",
                    name="task_ptr",
                ),
                migrations.DeleteModel(
                    name="Agency",
                ),
                migrations.DeleteModel(
                    name="DraftPreview",
                ),
                migrations.DeleteModel(
                    name="FindHelpPage",
                ),
                migrations.DeleteModel(
                    name="HelpResource",
                ),
                migrations.DeleteModel(
                    name="PrivacyOverride",
                ),
                migrations.DeleteModel(
                    name="PrivacyScreenState",
                ),
                migrations.DeleteModel(
                    name="PrivacyScreenTask",
                ),
            ],
        ),
    ]
