"""Each site's payment processor: its settings, its secrets (kept apart), and the Stripe events
already counted."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from blocks.appeals import LARGEST_AMOUNT
from sites.giving.forms import GivingSettingsForm
from sites.giving.links import check_provider_url
from sites.giving.secrets import ProcessorSecrets

__all__ = ["CountedEvent", "GivingSettings", "ProcessorSecrets"]


@register_setting(icon="pick")
class GivingSettings(BaseSiteSetting):
    """How this site's donors give: where the donation step hands them to."""

    class Processor(models.TextChoices):
        LINK = "link", "Each appeal's donate link"
        PROVIDER = "provider", "A giving page that takes the amount in its address"
        STRIPE = "stripe", "Stripe Checkout, with the agency's own Stripe account"

    processor = models.CharField(
        "payment processor",
        max_length=10,
        choices=Processor.choices,
        default=Processor.LINK,
        help_text="Where the donation step sends donors once they confirm their gift.",
    )
    provider_url = models.CharField(
        "giving page address",
        max_length=500,
        blank=True,
        help_text="For a giving page that takes the amount in its address: write {amount} "
        "(whole dollars), {cents}, {frequency} (once or monthly) and {thanks_url} (this site's "
        "thank-you page) where the provider expects them, e.g. "
        "https://give.example.org/harbor?amount={amount}&recurring={frequency}",
    )
    minimum_gift = models.PositiveIntegerField(
        "smallest gift",
        default=5,
        validators=[MinValueValidator(1)],
        help_text="In whole dollars: the smallest amount a donor may type.",
    )
    maximum_gift = models.PositiveIntegerField(
        "largest gift",
        default=10_000,
        validators=[MinValueValidator(1), MaxValueValidator(LARGEST_AMOUNT)],
        help_text="In whole dollars: the largest amount a donor may give online.",
    )

    base_form_class = GivingSettingsForm
    panels = [
        FieldPanel("processor"),
        FieldPanel("provider_url"),
        MultiFieldPanel(
            [
                FieldPanel("stripe_secret_key"),
                FieldPanel("stripe_webhook_secret"),
                FieldPanel("forget_stripe_keys"),
            ],
            heading="Stripe",
            help_text="The keys are kept for this site only and never shown again, in the "
            "admin, on any page, in the API or in backups: paste a new one to replace it.",
        ),
        FieldRowPanel([FieldPanel("minimum_gift"), FieldPanel("maximum_gift")]),
    ]

    class Meta:
        verbose_name = "giving"
        verbose_name_plural = "giving"

    def __str__(self):
        return f"Giving on {self.site}"

    def clean(self):
        super().clean()
        errors = {}
        if self.minimum_gift and self.maximum_gift and self.minimum_gift > self.maximum_gift:
            errors["maximum_gift"] = "The largest gift must be at least the smallest."
        if self.provider_url:
            try:
                check_provider_url(self.provider_url)
            except ValueError as error:
                errors["provider_url"] = str(error)
        if self.processor == self.Processor.PROVIDER and not self.provider_url:
            errors["provider_url"] = "Give the giving page's address, or choose another processor."
        if errors:
            raise ValidationError(errors)


class CountedEvent(models.Model):
    """A Stripe event already counted into an appeal's progress: Stripe sends an event again
    until it is acknowledged, and may send it twice. Its id only: nothing of the donor's."""

    event_id = models.CharField(max_length=255, unique=True)
    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    counted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.event_id
