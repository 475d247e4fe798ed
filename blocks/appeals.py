"""Donation appeals: a goal, progress towards it, the amounts offered, and the block that shows them.

Progress is what editors type (gifts made elsewhere: cheques, events, another processor) plus
what gifts through the site's Stripe Checkout added (sites.giving counts them from Stripe's
signed webhook): editors never type over a gift counted online.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from .ownership import OwnedByAgency
from .translated import Batch, TranslatedChooserBlock, in_language

# Offered when an appeal names no amounts of its own.
DEFAULT_AMOUNTS = (25, 50, 100, 250)
MAX_AMOUNTS = 6
# Stripe Checkout takes at most $999,999.99 a payment.
LARGEST_AMOUNT = 999_999


def parse_amounts(text: str) -> list[int]:
    """Whole-dollar amounts from what an editor typed ("25, 50, $100"), smallest first;
    ValueError, saying what is wrong, for anything else."""
    amounts = []
    for part in re.split(r"[,;\s]+", text.strip()):
        if not part:
            continue
        number = part.removeprefix("$").replace("_", "")
        if not number.isdigit() or not 1 <= int(number) <= LARGEST_AMOUNT:
            raise ValueError(
                f"“{part}” is not an amount: give whole dollars from 1 to {LARGEST_AMOUNT:,}, "
                "separated by commas, e.g. 25, 50, 100, 250."
            )
        amounts.append(int(number))
    if len(set(amounts)) != len(amounts):
        raise ValueError("Each amount once: an amount is listed twice.")
    if len(amounts) > MAX_AMOUNTS:
        raise ValueError(f"At most {MAX_AMOUNTS} amounts: more is harder to choose from.")
    return sorted(amounts)


class DollarsPanel(FieldPanel):
    """An amount kept in cents, shown to editors in dollars."""

    def format_value_for_display(self, value):
        return f"${(value or 0) / 100:,.2f}"


class DonationAppeal(TranslatableMixin, OwnedByAgency, index.Indexed, models.Model):
    """An appeal for a cause, with a goal in whole dollars and how much is raised so far."""

    headline = models.CharField(max_length=140)
    text = RichTextField(
        features=["bold", "italic", "link"], help_text="Why give, in a few sentences."
    )
    goal = models.PositiveIntegerField(help_text="In whole dollars.")
    raised = models.PositiveIntegerField(
        "raised by other means",
        default=0,
        help_text="In whole dollars: gifts made elsewhere (cheques, events, another giving "
        "page). Gifts through Stripe Checkout on this site are added by themselves.",
    )
    amounts = models.CharField(
        "suggested amounts",
        max_length=100,
        blank=True,
        help_text="Whole dollars, separated by commas, e.g. 25, 50, 100, 250 (at most six). "
        "Donors may also type their own amount. Empty: 25, 50, 100, 250.",
    )
    monthly = models.BooleanField(
        "offer monthly giving",
        default=True,
        help_text="Let donors choose to give the amount every month.",
    )
    donate_url = models.URLField(
        "donate link",
        help_text="Where donors are sent to give when the site has no payment processor set up "
        "(Settings, Giving).",
    )
    # Counted from Stripe's signed webhook (sites.giving), never typed: amounts in cents.
    given_online = models.PositiveBigIntegerField(default=0, editable=False)
    gifts_online = models.PositiveIntegerField(default=0, editable=False)
    end_date = models.DateField(
        blank=True, null=True, help_text="Leave empty for an appeal with no end."
    )

    panels = [
        FieldPanel("owner"),
        FieldPanel("headline"),
        FieldPanel("text"),
        FieldRowPanel([FieldPanel("goal"), FieldPanel("raised")]),
        FieldRowPanel(
            [
                DollarsPanel(
                    "given_online",
                    read_only=True,
                    heading="Given through Stripe Checkout",
                    help_text="Counted from Stripe as gifts are paid.",
                ),
                FieldPanel(
                    "gifts_online",
                    read_only=True,
                    heading="Gifts through Stripe Checkout",
                    help_text="How many.",
                ),
            ]
        ),
        MultiFieldPanel(
            [FieldPanel("amounts"), FieldPanel("monthly"), FieldPanel("donate_url")],
            heading="Giving",
        ),
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
        SynchronizedField("amounts"),
        SynchronizedField("monthly"),
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
        try:
            parse_amounts(self.amounts)
        except ValueError as error:
            errors["amounts"] = str(error)
        if self._state.adding and self.end_date and self.end_date < timezone.localdate():
            errors["end_date"] = (
                "This date has passed: a new appeal needs an end date from today on."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def preset_amounts(self) -> list[int]:
        """The amounts a donor picks from: the appeal's own, else Lantern's."""
        try:
            return parse_amounts(self.amounts) or list(DEFAULT_AMOUNTS)
        except ValueError:  # saved before the check, or by a script
            return list(DEFAULT_AMOUNTS)

    @property
    def total_raised(self) -> int:
        """Whole dollars: typed by editors, plus given through Stripe Checkout on the site."""
        return self.raised + self.given_online // 100

    @property
    def percent(self) -> int:
        """Progress in whole percent, at most 100 (a bar cannot overflow)."""
        return min(100, self.total_raised * 100 // self.goal) if self.goal else 0

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
