"""The models of lantern_help, moved here from agency_sites when sites/ was split into apps.

Their tables stay as they were (each model names its table): on a database that has them this
changes the migration state and renames the content types, and creates nothing.
"""

import blocks.appeals
import blocks.hotline
import blocks.phone
import django.db.models.deletion
import modelsearch.index
import sites.api.preview
import sites.help.fields
import sites.privacy.gate
import sites.serving.routing
import uuid
import wagtail.fields
from django.conf import settings
from django.db import migrations, models

from sites.content import relabel


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("agency_sites", "0017_privacy_override"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="FindHelpPage",
                    fields=[
                        (
                            "page_ptr",
                            models.OneToOneField(
                                auto_created=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                parent_link=True,
                                primary_key=True,
                                serialize=False,
                                to=settings.WAGTAIL_PAGE_MODEL,
                            ),
                        ),
                        (
                            "intro",
                            models.TextField(
                                blank=True,
                                help_text="A sentence above the form, e.g. 'Enter your ZIP code to find help near you.'",
                            ),
                        ),
                        (
                            "body",
                            wagtail.fields.StreamField(
                                [
                                    ("text", 0),
                                    ("image", 4),
                                    ("quote", 7),
                                    ("tips", 11),
                                    ("fact", 15),
                                    ("hotline_panel", 19),
                                    ("donation_appeal", 22),
                                    ("call_to_action", 28),
                                    ("related_stories", 32),
                                ],
                                blank=True,
                                block_lookup={
                                    0: ("blocks.base.TextBlock", (), {}),
                                    1: (
                                        "wagtail.images.blocks.ImageBlock",
                                        [],
                                        {
                                            "help_text": "Never a photo that could identify a survivor or where they live."
                                        },
                                    ),
                                    2: (
                                        "wagtail.blocks.CharBlock",
                                        (),
                                        {"max_length": 255, "required": False},
                                    ),
                                    3: (
                                        "wagtail.blocks.CharBlock",
                                        (),
                                        {
                                            "help_text": "Who took or owns the photo.",
                                            "max_length": 120,
                                            "required": False,
                                        },
                                    ),
                                    4: (
                                        "wagtail.blocks.StructBlock",
                                        [[("image", 1), ("caption", 2), ("credit", 3)]],
                                        {},
                                    ),
                                    5: ("wagtail.blocks.TextBlock", (), {}),
                                    6: (
                                        "wagtail.blocks.CharBlock",
                                        (),
                                        {
                                            "help_text": "Use a changed name for a survivor.",
                                            "max_length": 120,
                                            "required": False,
                                        },
                                    ),
                                    7: (
                                        "wagtail.blocks.StructBlock",
                                        [[("quote", 5), ("attribution", 6)]],
                                        {},
                                    ),
                                    8: (
                                        "wagtail.blocks.CharBlock",
                                        (),
                                        {
                                            "help_text": "e.g. 'If you think you are being followed'",
                                            "max_length": 120,
                                        },
                                    ),
                                    9: (
                                        "wagtail.blocks.CharBlock",
                                        (),
                                        {"label": "Tip", "max_length": 400},
                                    ),
                                    10: ("wagtail.blocks.ListBlock", (9,), {"min_num": 1}),
                                    11: (
                                        "wagtail.blocks.StructBlock",
                                        [[("heading", 8), ("items", 10)]],
                                        {},
                                    ),
                                    12: (
                                        "wagtail.blocks.CharBlock",
                                        (),
                                        {
                                            "help_text": "The number, e.g. '216' or '1 in 4'.",
                                            "max_length": 30,
                                        },
                                    ),
                                    13: (
                                        "wagtail.blocks.CharBlock",
                                        (),
                                        {"help_text": "What the number counts.", "max_length": 200},
                                    ),
                                    14: (
                                        "wagtail.blocks.CharBlock",
                                        (),
                                        {"max_length": 200, "required": False},
                                    ),
                                    15: (
                                        "wagtail.blocks.StructBlock",
                                        [[("figure", 12), ("label", 13), ("source", 14)]],
                                        {},
                                    ),
                                    16: (
                                        "wagtail.blocks.CharBlock",
                                        (),
                                        {
                                            "help_text": "e.g. 'Need help now?'",
                                            "max_length": 120,
                                            "required": False,
                                        },
                                    ),
                                    17: (
                                        "wagtail.snippets.blocks.SnippetChooserBlock",
                                        (blocks.hotline.Hotline,),
                                        {},
                                    ),
                                    18: (
                                        "wagtail.blocks.ListBlock",
                                        (17,),
                                        {
                                            "help_text": "In the order readers should see them.",
                                            "min_num": 1,
                                        },
                                    ),
                                    19: (
                                        "wagtail.blocks.StructBlock",
                                        [[("heading", 16), ("hotlines", 18)]],
                                        {},
                                    ),
                                    20: (
                                        "wagtail.snippets.blocks.SnippetChooserBlock",
                                        (blocks.appeals.DonationAppeal,),
                                        {},
                                    ),
                                    21: (
                                        "wagtail.blocks.BooleanBlock",
                                        (),
                                        {
                                            "default": True,
                                            "help_text": "Show how close the appeal is to its goal.",
                                            "required": False,
                                        },
                                    ),
                                    22: (
                                        "wagtail.blocks.StructBlock",
                                        [[("appeal", 20), ("show_progress", 21)]],
                                        {},
                                    ),
                                    23: ("wagtail.blocks.CharBlock", (), {"max_length": 120}),
                                    24: ("wagtail.blocks.TextBlock", (), {"required": False}),
                                    25: ("wagtail.blocks.CharBlock", (), {"max_length": 40}),
                                    26: (
                                        "wagtail.blocks.PageChooserBlock",
                                        (),
                                        {"help_text": "A page on this site…", "required": False},
                                    ),
                                    27: (
                                        "wagtail.blocks.URLBlock",
                                        (),
                                        {
                                            "help_text": "…or a web address. Give one of the two.",
                                            "required": False,
                                        },
                                    ),
                                    28: (
                                        "wagtail.blocks.StructBlock",
                                        [
                                            [
                                                ("heading", 23),
                                                ("text", 24),
                                                ("button_label", 25),
                                                ("page", 26),
                                                ("url", 27),
                                            ]
                                        ],
                                        {},
                                    ),
                                    29: (
                                        "wagtail.blocks.CharBlock",
                                        (),
                                        {
                                            "default": "Related stories",
                                            "max_length": 120,
                                            "required": False,
                                        },
                                    ),
                                    30: (
                                        "wagtail.blocks.PageChooserBlock",
                                        (),
                                        {
                                            "page_type": [
                                                "agency_sites.NewsStoryPage",
                                                "agency_sites.AwarenessArticlePage",
                                            ]
                                        },
                                    ),
                                    31: (
                                        "wagtail.blocks.ListBlock",
                                        (30,),
                                        {"max_num": 6, "min_num": 1},
                                    ),
                                    32: (
                                        "wagtail.blocks.StructBlock",
                                        [[("heading", 29), ("stories", 31)]],
                                        {},
                                    ),
                                },
                                help_text="More to say, below the results.",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "find help page",
                        "db_table": "agency_sites_findhelppage",
                    },
                    bases=(
                        sites.privacy.gate.PrivacyGateMixin,
                        sites.api.preview.HeadlessPreviewMixin,
                        sites.serving.routing.ReaderPageMixin,
                        "wagtailcore.page",
                    ),
                ),
                migrations.CreateModel(
                    name="HelpResource",
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
                        ("translation_key", models.UUIDField(default=uuid.uuid4, editable=False)),
                        (
                            "phone",
                            models.CharField(
                                blank=True,
                                help_text="As readers should see it, e.g. 1-888-373-7888 or 1-800-FYI-CALL.",
                                max_length=40,
                                validators=[blocks.phone.validate_phone],
                            ),
                        ),
                        (
                            "sms_number",
                            models.CharField(
                                blank=True,
                                help_text="The number to text, e.g. 233733. Leave empty if the line takes no texts.",
                                max_length=40,
                                validators=[blocks.phone.validate_phone],
                                verbose_name="text number",
                            ),
                        ),
                        (
                            "sms_keyword",
                            models.CharField(
                                blank=True,
                                help_text="A word to text to start, e.g. BEFREE. Typed in for the reader when they tap 'Text'.",
                                max_length=30,
                                verbose_name="text keyword",
                            ),
                        ),
                        (
                            "tty",
                            models.CharField(
                                blank=True,
                                help_text="For deaf or hard-of-hearing callers, e.g. 711.",
                                max_length=40,
                                validators=[blocks.phone.validate_phone],
                                verbose_name="TTY number",
                            ),
                        ),
                        ("chat_url", models.URLField(blank=True, verbose_name="live chat link")),
                        (
                            "hours",
                            models.CharField(
                                blank=True,
                                help_text="e.g. 'Monday to Friday, 9am to 5pm Pacific'.",
                                max_length=120,
                            ),
                        ),
                        ("is_24_7", models.BooleanField(default=False, verbose_name="open 24/7")),
                        (
                            "reference",
                            models.SlugField(
                                blank=True,
                                help_text="A short unique name for imports to find it again, e.g. 'harbor-legal-clinic'. Made from the organisation's name when left empty.",
                                max_length=80,
                            ),
                        ),
                        (
                            "organisation",
                            models.CharField(
                                help_text="As readers know it, e.g. 'Harbor Light Legal Clinic'.",
                                max_length=160,
                            ),
                        ),
                        (
                            "description",
                            models.TextField(
                                blank=True,
                                help_text="One or two sentences: who it is for and what happens when you call.",
                            ),
                        ),
                        (
                            "services",
                            sites.help.fields.ChoiceListField(
                                default=list,
                                help_text="What it offers. Readers filter by these.",
                                max_length=255,
                                options=[
                                    ("hotline", "Hotline"),
                                    ("shelter", "Emergency shelter"),
                                    ("legal", "Legal aid"),
                                    ("medical", "Medical care"),
                                    ("counselling", "Counselling"),
                                    ("youth", "Youth services"),
                                    ("immigration", "Immigration help"),
                                    ("case_management", "Case management"),
                                ],
                            ),
                        ),
                        ("email", models.EmailField(blank=True, max_length=254)),
                        ("website", models.URLField(blank=True)),
                        (
                            "languages",
                            sites.help.fields.ChoiceListField(
                                blank=True,
                                default=list,
                                help_text="Languages its staff help people in. Readers filter by these.",
                                max_length=255,
                                options=[
                                    ("en", "English"),
                                    ("es", "Spanish"),
                                    ("zh", "Chinese"),
                                    ("vi", "Vietnamese"),
                                    ("tl", "Tagalog"),
                                    ("ko", "Korean"),
                                    ("ar", "Arabic"),
                                    ("fr", "French"),
                                    ("ht", "Haitian Creole"),
                                    ("ru", "Russian"),
                                    ("pt", "Portuguese"),
                                    ("hi", "Hindi"),
                                    ("so", "Somali"),
                                    ("ase", "American Sign Language"),
                                ],
                            ),
                        ),
                        (
                            "interpreters",
                            models.BooleanField(
                                default=False,
                                help_text="Tick when callers can be helped in any language through an interpreter.",
                                verbose_name="other languages through interpreters",
                            ),
                        ),
                        (
                            "language_notes",
                            models.CharField(
                                blank=True,
                                help_text="When channels differ, say so as they are, e.g. 'Calls: 200+ languages. Text and chat: English and Spanish.'",
                                max_length=255,
                                verbose_name="languages by channel",
                            ),
                        ),
                        (
                            "area",
                            models.CharField(
                                choices=[
                                    ("national", "Nationwide"),
                                    ("states", "Whole states"),
                                    ("local", "Some ZIP codes"),
                                ],
                                default="states",
                                max_length=10,
                                verbose_name="service area",
                            ),
                        ),
                        (
                            "states",
                            models.CharField(
                                blank=True,
                                help_text="Two-letter codes, comma-separated (e.g. CA, NV), for whole states. Filled in from the ZIP codes for a local service.",
                                max_length=255,
                            ),
                        ),
                        (
                            "zip_prefixes",
                            models.CharField(
                                blank=True,
                                help_text="For a local service: the ZIP codes or their first 3 or 4 digits, comma-separated (e.g. 900, 9021, 90301).",
                                max_length=500,
                                verbose_name="ZIP codes",
                            ),
                        ),
                        (
                            "last_verified",
                            models.DateField(
                                help_text="When someone last checked these details with the organisation. Shown to readers."
                            ),
                        ),
                        (
                            "locale",
                            models.ForeignKey(
                                editable=False,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="wagtailcore.locale",
                                verbose_name="locale",
                            ),
                        ),
                        (
                            "owner",
                            models.ForeignKey(
                                blank=True,
                                help_text="The agency site this belongs to. Empty: the whole network (network administrators only).",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="wagtailcore.site",
                                verbose_name="owner",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "help resource",
                        "db_table": "agency_sites_helpresource",
                        "ordering": ["organisation"],
                        "abstract": False,
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("reference", "locale"),
                                name="unique_help_resource_reference",
                            )
                        ],
                        "unique_together": {("translation_key", "locale")},
                    },
                    bases=(modelsearch.index.Indexed, models.Model),
                ),
            ],
            database_operations=[
                relabel.moved("agency_sites", "lantern_help", ["findhelppage", "helpresource"]),
            ],
        ),
    ]
