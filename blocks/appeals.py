"""Donation appeals: a goal, progress towards it, and the block that shows them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.fields import RichTextField
from wagtail.models import TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from .ownership import OwnedByAgency
from .translated import Batch, TranslatedChooserBlock, in_language


class DonationAppeal(TranslatableMixin, OwnedByAgency, index.Indexed, models.Model):
    """An appeal for a cause, with a goal in whole dollars and how much is raised so far."""

    headline = models.CharField(max_length=140)
    text = RichTextField(
        features=["bold", "italic", "link"], help_text="Why give, in a few sentences."
    )
    goal = models.PositiveIntegerField(help_text="In whole dollars.")
    raised = models.PositiveIntegerField(default=0, help_text="Raised so far, in whole dollars.")
    donate_url = models.URLField("donate link", help_text="Where the 'Donate' button leads.")
    end_date = models.DateField(
        blank=True, null=True, help_text="Leave empty for an appeal with no end."
    )

    panels = [
        FieldPanel("owner"),
        FieldPanel("headline"),
        FieldPanel("text"),
        FieldRowPanel([FieldPanel("goal"), FieldPanel("raised")]),
        FieldPanel("donate_url"),
        FieldPanel("end_date"),
    ]
    # The admin's listing and chooser narrow to the user's agency and a language before they
    # search, and may sort the results: the search backend applies only the filters and
    # orderings declared here as FilterFields (else a FilterFieldError, a 500).
    search_fields = [
        index.SearchField("headline"),
        index.AutocompleteField("headline"),
        index.FilterField("owner"),
        index.FilterField("locale"),
        index.FilterField("headline"),
        index.FilterField("goal"),
        index.FilterField("raised"),
        index.FilterField("end_date"),
    ]
    translatable_fields = [
        SynchronizedField("owner"),
        TranslatableField("headline"),
        TranslatableField("text"),
        SynchronizedField("goal"),
        SynchronizedField("raised"),
        SynchronizedField("donate_url"),
        SynchronizedField("end_date"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["headline"]

    def __str__(self):
        return self.headline

    def clean(self):
        super().clean()
        errors = {}
        if self.goal == 0:
            errors["goal"] = "A goal must be more than zero dollars."
        if self._state.adding and self.end_date and self.end_date < timezone.localdate():
            errors["end_date"] = (
                "This date has passed: a new appeal needs an end date from today on."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def percent(self) -> int:
        """Progress in whole percent, at most 100 (a bar cannot overflow)."""
        return min(100, self.raised * 100 // self.goal) if self.goal else 0

    @property
    def is_open(self) -> bool:
        """False once the end date has passed: the appeal then thanks readers instead of asking."""
        return self.end_date is None or self.end_date >= timezone.localdate()


class DonationAppealValue(blocks.StructValue):
    def appeal_to_show(self):
        """The chosen appeal, in the reader's language where translated."""
        appeal = [self.get("appeal")]
        batch = getattr(self, "batch", None)
        shown = batch.in_language(appeal) if batch else in_language(appeal)
        return shown[0] if shown else None


class DonationAppealBlock(blocks.StructBlock):
    """A donation appeal with its progress bar and a button to give."""

    appeal = TranslatedChooserBlock(DonationAppeal)
    show_progress = blocks.BooleanBlock(
        required=False, default=True, help_text="Show how close the appeal is to its goal."
    )

    class Meta:
        label = "Donation appeal"
        icon = "pick"
        template = "blocks/donation_appeal.html"
        description = "A donation appeal with its goal, progress and a donate button."
        value_class = DonationAppealValue

    def bulk_to_python(self, values):
        """Every appeal block of a stream at once, sharing one batch to translate them."""
        converted = super().bulk_to_python(values)
        batch = Batch(value.get("appeal") for value in converted)
        for value in converted:
            value.batch = batch
        return converted
