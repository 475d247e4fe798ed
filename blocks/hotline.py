"""Hotlines: the numbers a reader can call or text, and the panel block that shows them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from .channels import Reachable
from .headings import HeadingLevels
from .ownership import OwnedByAgency
from .regions import US_STATES, parse_states
from .translated import Batch, TranslatedChooserBlock, in_language


class HotlineQuerySet(models.QuerySet):
    def pinned(self):
        """Hotlines shown in the help bar of every page of every site: the network's own only."""
        return self.filter(pinned=True, owner__isnull=True).order_by("name")


class Hotline(TranslatableMixin, OwnedByAgency, Reachable, index.Indexed, models.Model):
    """A line a reader can reach: by phone, text, TTY or chat, with its hours and languages."""

    class Coverage(models.TextChoices):
        NATIONAL = "national", _("Nationwide")
        STATE = "state", _("One or more states")

    name = models.CharField(
        max_length=120, help_text="As readers know it, e.g. 'National Human Trafficking Hotline'."
    )
    languages = models.CharField(
        max_length=255,
        blank=True,
        help_text="Languages, as they are per channel, e.g. 'Calls: 200+ languages. Texts: English, Spanish'.",
    )
    coverage = models.CharField(max_length=10, choices=Coverage.choices, default=Coverage.NATIONAL)
    states = models.CharField(
        max_length=255,
        blank=True,
        help_text="Two-letter codes, comma-separated (e.g. CA, NV). Only for state coverage.",
    )
    description = models.TextField(
        blank=True, help_text="One sentence: who it is for and what happens when you call."
    )
    pinned = models.BooleanField(
        "show on every site",
        default=False,
        help_text="Shown at the top of every page of every site. Keep this for the national hotline.",
    )

    objects = HotlineQuerySet.as_manager()

    panels = [
        FieldPanel("owner"),
        FieldPanel("name"),
        MultiFieldPanel(
            [
                FieldPanel("phone"),
                FieldRowPanel([FieldPanel("sms_number"), FieldPanel("sms_keyword")]),
                FieldPanel("tty"),
                FieldPanel("chat_url"),
            ],
            heading="How to reach it",
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("hours"), FieldPanel("is_24_7")]), FieldPanel("languages")],
            heading="When and in which languages",
        ),
        MultiFieldPanel([FieldPanel("coverage"), FieldPanel("states")], heading="Where it helps"),
        FieldPanel("description"),
        FieldPanel("pinned"),
    ]
    # The admin's listing and chooser narrow to the user's agency, a language and their filters
    # before they search, and may sort the results: the search backend applies only the
    # filters and orderings declared here as FilterFields (else a FilterFieldError, a 500).
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("owner"),
        index.FilterField("locale"),
        index.FilterField("coverage"),
        index.FilterField("is_24_7"),
        index.FilterField("pinned"),
        index.FilterField("name"),
        index.FilterField("phone"),
        index.FilterField("sms_number"),
    ]
    # Numbers must not drift between languages: they are synchronised, never translated.
    translatable_fields = [
        SynchronizedField("owner"),
        TranslatableField("name"),
        TranslatableField("hours"),
        TranslatableField("languages"),
        TranslatableField("description"),
        SynchronizedField("phone"),
        SynchronizedField("sms_number"),
        SynchronizedField("sms_keyword"),
        SynchronizedField("tty"),
        SynchronizedField("chat_url"),
        SynchronizedField("is_24_7"),
        SynchronizedField("coverage"),
        SynchronizedField("states"),
        SynchronizedField("pinned"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = self.channel_errors()
        if self.pinned and self.owner_id:
            errors["pinned"] = (
                "Only the network's hotlines show on every site: leave the owner empty, or untick this."
            )
        if self.coverage == self.Coverage.STATE:
            try:
                codes = parse_states(self.states)
            except ValueError as exc:
                errors["states"] = str(exc)
            else:
                if not codes:
                    errors["states"] = "Name the state(s) this line covers, e.g. CA."
                self.states = ", ".join(codes)
        elif self.states:
            errors["states"] = "A nationwide line covers every state: leave this empty."
        if errors:
            raise ValidationError(errors)

    @cached_property
    def state_names(self):
        return [US_STATES[code] for code in parse_states(self.states)] if self.states else []

    @property
    def coverage_label(self):
        return (
            str(self.Coverage.NATIONAL.label)  # in the reader's language
            if self.coverage == self.Coverage.NATIONAL
            else ", ".join(self.state_names)
        )


class HotlinePanelValue(blocks.StructValue):
    def hotlines_to_show(self):
        """The chosen hotlines, in the reader's language where translated: one query for all
        the panels of the page (HotlinePanelBlock.bulk_to_python), not one a panel."""
        hotlines = list(self.get("hotlines") or [])
        batch = getattr(self, "batch", None)
        return batch.in_language(hotlines) if batch else in_language(hotlines)


class HotlinePanelBlock(HeadingLevels, blocks.StructBlock):
    """One or more hotlines, each with tap-to-call and tap-to-text links."""

    heading = blocks.CharBlock(required=False, max_length=120, help_text="e.g. 'Need help now?'")
    hotlines = blocks.ListBlock(
        TranslatedChooserBlock(Hotline),
        min_num=1,
        help_text="In the order readers should see them.",
    )

    class Meta:
        label = "Hotline panel"
        icon = "mobile-alt"
        template = "blocks/hotline_panel.html"
        description = "Hotlines with buttons to call or text them, their hours and languages."
        value_class = HotlinePanelValue
        form_classname = "hotline-panel-block"

    def bulk_to_python(self, values):
        """Every hotline panel of a stream at once (Wagtail loads their hotlines in one query),
        sharing one batch to translate them."""
        panels = super().bulk_to_python(values)
        batch = Batch(line for panel in panels for line in panel.get("hotlines") or [])
        for panel in panels:
            panel.batch = batch
        return panels
