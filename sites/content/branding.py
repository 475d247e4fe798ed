"""Per-site branding: name, logo, theme, colours (as CSS custom properties), sharing image,
hotline, state, donate link."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from blocks.regions import US_STATES
from sites.agencies.forms import BrandingForm
from sites.content.contrast import WCAG_AA_TEXT, contrast_ratio, validate_hex_colour
from sites.content.themes import DEFAULT_THEME, Theme

WHITE = "#ffffff"


@register_setting(icon="palette")
class SiteBranding(BaseSiteSetting):
    """How one agency's site looks and who readers reach from every page of it.

    Lantern's one set of templates puts white text on the primary colour (header, footer)
    and primary-coloured text on the accent colour (buttons), so both pairs must meet
    WCAG AA's 4.5:1 for text. The words every page shows (tagline, donate button, footer,
    safety note) are on the home page instead, where they are translated and reviewed.
    """

    display_name = models.CharField(
        max_length=120, help_text="The agency's name, as shown in the header."
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown in the header beside the name. A wide image about 80 pixels high works best; "
        "SVG, PNG, JPEG or WebP (an SVG may only draw: no scripts or outside links). Without one, "
        "the header shows the name alone.",
    )
    logo_includes_name = models.BooleanField(
        "the logo shows the name",
        default=False,
        help_text="Tick if the logo already spells out the agency's name: the name is then not "
        "repeated beside it (screen readers still hear it).",
    )
    theme = models.CharField(
        max_length=20,
        choices=Theme.choices,
        default=DEFAULT_THEME,
        help_text="How every page of the site looks: the header, the home page's picture, the "
        "story cards and the size of the type. Your colours fill in whichever you choose.",
    )
    share_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="sharing image",
        help_text="Shown when a page is shared on social media or in a message, unless the page "
        "has a picture of its own. Cropped to 1200 by 630 pixels. Never a photo that could "
        "identify a survivor.",
    )
    primary_colour = models.CharField(
        max_length=7,
        default="#1d3557",
        validators=[validate_hex_colour],
        help_text="Header and footer background, behind white text. e.g. #1d3557",
    )
    accent_colour = models.CharField(
        max_length=7,
        default="#ffd166",
        validators=[validate_hex_colour],
        help_text="Buttons, with text in the primary colour. e.g. #ffd166",
    )
    primary_hotline = models.ForeignKey(
        "blocks.Hotline",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown at the top of every page, beside the national hotline.",
    )
    donate_url = models.URLField("donate link", blank=True)
    state = models.CharField(
        max_length=2,
        blank=True,
        choices=sorted(US_STATES.items(), key=lambda item: item[1]),
        help_text="The state the agency serves, if one. Readers get ZIP code examples from it, and "
        "every page shows a help line for it when the primary hotline is a national one.",
    )
    frontend_url = models.URLField(
        "front end preview address",
        blank=True,
        help_text="For agencies with their own front end on the API: where editors preview drafts, "
        "e.g. https://www.agency.org/preview. It receives a preview_token for /api/preview.",
    )
    languages = models.CharField(
        max_length=200,
        blank=True,
        help_text="The languages this site is published in, besides its source language. A "
        "language reaches readers once the site's home page is translated and published in it.",
    )

    base_form_class = BrandingForm
    # The logo and the sharing image come with the branding, in its query: every page shows them.
    select_related = ["logo", "share_image"]
    panels = [
        MultiFieldPanel(
            [
                FieldPanel("display_name"),
                FieldPanel("logo"),
                FieldPanel("logo_includes_name"),
                FieldPanel("share_image"),
            ],
            heading="Identity",
        ),
        MultiFieldPanel(
            [
                FieldPanel("theme", widget=forms.RadioSelect),
                FieldRowPanel([FieldPanel("primary_colour"), FieldPanel("accent_colour")]),
            ],
            heading="Look",
        ),
        FieldPanel("primary_hotline"),
        FieldPanel("state"),
        FieldPanel("donate_url"),
        FieldPanel("languages"),
        FieldPanel("frontend_url"),
    ]

    class Meta:
        verbose_name = "site branding"

    def __str__(self):
        return self.display_name or str(self.site)

    @property
    def language_codes(self) -> list[str]:
        """The source language first, then the chosen ones this install still offers."""
        installed = [code for code, _ in settings.LANGUAGES]
        chosen = {code.strip() for code in self.languages.split(",") if code.strip()}
        return [settings.LANGUAGE_CODE] + [
            code for code in installed if code in chosen and code != settings.LANGUAGE_CODE
        ]

    def clean(self):
        super().clean()
        errors = {}
        try:
            validate_hex_colour(self.primary_colour)
            validate_hex_colour(self.accent_colour)
        except ValidationError:
            return  # the field validators report the malformed colour on its own field
        on_primary = contrast_ratio(self.primary_colour, WHITE)
        if on_primary < WCAG_AA_TEXT:
            errors["primary_colour"] = (
                f"White text on {self.primary_colour} has a contrast of {on_primary:.2f}:1; "
                f"it needs at least {WCAG_AA_TEXT}:1. Choose a darker primary colour."
            )
        on_accent = contrast_ratio(self.primary_colour, self.accent_colour)
        if on_accent < WCAG_AA_TEXT:
            errors["accent_colour"] = (
                f"Text in {self.primary_colour} on {self.accent_colour} has a contrast of {on_accent:.2f}:1; "
                f"it needs at least {WCAG_AA_TEXT}:1. Choose a lighter accent colour or a darker primary."
            )
        if errors:
            raise ValidationError(errors)
