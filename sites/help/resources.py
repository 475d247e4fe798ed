"""Help resources: the organisations and lines the find-help search offers readers."""

import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Locale, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from blocks.channels import Reachable
from blocks.ownership import OwnedByAgency
from blocks.regions import US_STATES, parse_states
from sites.help.fields import ChoiceListField
from sites.help.organizations import Organization
from sites.help.places import time_zone_of, zip_place
from sites.help.schedules import WeeklyHoursBlock
from sites.help.zips import ZipError, normalise_zip, state_for_zip, validate_zip_prefix


class Service(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    SHELTER = "shelter", _("Emergency shelter")
    LEGAL = "legal", _("Legal aid")
    MEDICAL = "medical", _("Medical care")
    COUNSELLING = "counselling", _("Counselling")
    YOUTH = "youth", _("Youth services")
    IMMIGRATION = "immigration", _("Immigration help")
    CASE_MANAGEMENT = "case_management", _("Case management")


# Languages readers most often ask for in the United States, with the codes readers' filters use.
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("zh", _("Chinese")),
    ("vi", _("Vietnamese")),
    ("tl", _("Tagalog")),
    ("ko", _("Korean")),
    ("ar", _("Arabic")),
    ("fr", _("French")),
    ("ht", _("Haitian Creole")),
    ("ru", _("Russian")),
    ("pt", _("Portuguese")),
    ("hi", _("Hindi")),
    ("so", _("Somali")),
    ("ase", _("American Sign Language")),
]


def validate_time_zone(value: str) -> None:
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(f"'{value}' is not a time zone: give one like America/Los_Angeles.")


class HelpResource(TranslatableMixin, OwnedByAgency, Reachable, index.Indexed, models.Model):
    """An organisation or line that helps: what it offers, how to reach it, where and when.

    In Open Referral's HSDS it is a service (its `translation_key` is the service's id, the same
    in every language), offered by an `Organization` at one location."""

    class Area(models.TextChoices):
        NATIONAL = "national", _("Nationwide")
        STATES = "states", _("Whole states")
        LOCAL = "local", _("Some ZIP codes")

    class Status(models.TextChoices):
        """HSDS's service statuses. Only active services are shown to readers."""

        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        DEFUNCT = "defunct", _("Defunct")
        TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")

    reference = models.SlugField(
        max_length=80,
        help_text="A short unique name for imports to find it again, e.g. 'harbor-legal-clinic'. "
        "Made from the organisation's name when left empty.",
        blank=True,
    )
    organisation = models.CharField(
        max_length=160, help_text="As readers know it, e.g. 'Harbor Light Legal Clinic'."
    )
    organization = models.ForeignKey(
        "lantern_help.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="services",
        verbose_name="runs it",
        help_text="The organisation that runs it. Made from its name when left empty.",
    )
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.ACTIVE,
        help_text="Only active services are shown to readers; the others stay in the data.",
    )
    description = models.TextField(
        blank=True, help_text="One or two sentences: who it is for and what happens when you call."
    )
    services = ChoiceListField(
        options=Service.choices, blank=False, help_text="What it offers. Readers filter by these."
    )
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    languages = ChoiceListField(
        options=LANGUAGES,
        blank=True,
        help_text="Languages its staff help people in. Readers filter by these.",
    )
    interpreters = models.BooleanField(
        "other languages through interpreters",
        default=False,
        help_text="Tick when callers can be helped in any language through an interpreter.",
    )
    language_notes = models.CharField(
        "languages by channel",
        max_length=255,
        blank=True,
        help_text="When channels differ, say so as they are, e.g. 'Calls: 200+ languages. "
        "Text and chat: English and Spanish.'",
    )
    area = models.CharField(
        "service area", max_length=10, choices=Area.choices, default=Area.STATES
    )
    states = models.CharField(
        max_length=255,
        blank=True,
        help_text="Two-letter codes, comma-separated (e.g. CA, NV), for whole states. Filled in "
        "from the ZIP codes for a local service.",
    )
    zip_prefixes = models.CharField(
        "ZIP codes",
        max_length=500,
        blank=True,
        help_text="For a local service: the ZIP codes or their first 3 or 4 digits, comma-separated "
        "(e.g. 900, 9021, 90301).",
    )
    street_address = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=80, blank=True)
    postcode = models.CharField(
        "ZIP code of its place",
        max_length=10,
        blank=True,
        help_text="Where it is, for the distance readers see ('about 3 miles').",
    )
    latitude = models.FloatField(
        null=True, blank=True, help_text="Filled in from the ZIP code when left empty."
    )
    longitude = models.FloatField(null=True, blank=True)
    address_public = models.BooleanField(
        "show its address to readers",
        default=False,
        help_text="Leave unticked for a shelter or any place whose address must stay "
        "confidential: readers then see only about how far it is.",
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Of its opening hours, e.g. America/Los_Angeles. Its state's when left empty.",
    )
    opening_hours = StreamField(
        [("weekly", WeeklyHoursBlock())],
        blank=True,
        help_text="When it is open, day by day. Leave empty when it is open 24/7 (tick that) "
        "or its hours are only described in words.",
    )
    capacity_available = models.PositiveIntegerField(
        "available now", null=True, blank=True, help_text="e.g. beds free tonight."
    )
    capacity_maximum = models.PositiveIntegerField("at most", null=True, blank=True)
    capacity_unit = models.CharField("of what", max_length=40, blank=True, help_text="e.g. 'beds'.")
    capacity_updated = models.DateTimeField(
        "counted at", null=True, blank=True, help_text="Shown to readers with the number's age."
    )
    last_verified = models.DateField(
        help_text="When someone last checked these details with the organisation. Shown to readers."
    )
    # HSDS's `last_modified`: partners fetch only what changed since they last asked
    # (`modified_after` in the HSDS API, sites.help.hsds.api).
    last_modified = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("owner"),
        FieldRowPanel([FieldPanel("organisation"), FieldPanel("organization")]),
        FieldPanel("status"),
        FieldPanel("description"),
        FieldPanel("services"),
        MultiFieldPanel(
            [
                FieldPanel("phone"),
                FieldRowPanel([FieldPanel("sms_number"), FieldPanel("sms_keyword")]),
                FieldPanel("tty"),
                FieldPanel("chat_url"),
                FieldRowPanel([FieldPanel("email"), FieldPanel("website")]),
            ],
            heading="How to reach it",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("hours"), FieldPanel("is_24_7")]),
                FieldPanel("opening_hours"),
                FieldPanel("time_zone"),
                FieldPanel("languages"),
                FieldPanel("interpreters"),
                FieldPanel("language_notes"),
            ],
            heading="When and in which languages",
        ),
        MultiFieldPanel(
            [FieldPanel("area"), FieldPanel("states"), FieldPanel("zip_prefixes")],
            heading="Where it helps",
        ),
        MultiFieldPanel(
            [
                FieldPanel("street_address"),
                FieldRowPanel([FieldPanel("city"), FieldPanel("postcode")]),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                FieldPanel("address_public"),
            ],
            heading="Where it is",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("capacity_available"), FieldPanel("capacity_maximum")]),
                FieldRowPanel([FieldPanel("capacity_unit"), FieldPanel("capacity_updated")]),
            ],
            heading="Places free (beds tonight, say)",
        ),
        FieldRowPanel([FieldPanel("last_verified"), FieldPanel("reference")]),
    ]
    # The admin's listing and chooser narrow to the user's agency, a language and their filters
    # before they search, and may sort the results: the search backend applies only the
    # filters and orderings declared here as FilterFields (else a FilterFieldError, a 500).
    search_fields = [
        index.SearchField("organisation"),
        index.AutocompleteField("organisation"),
        index.FilterField("owner"),
        index.FilterField("locale"),
        index.FilterField("area"),
        index.FilterField("is_24_7"),
        index.FilterField("organisation"),
        index.FilterField("states"),
        index.FilterField("last_verified"),
        index.FilterField("status"),
        index.FilterField("capacity_available"),
        index.FilterField("capacity_updated"),
    ]
    translatable_fields = [
        SynchronizedField("owner"),
        SynchronizedField("reference"),
        TranslatableField("organisation"),
        SynchronizedField("organization"),
        SynchronizedField("status"),
        TranslatableField("description"),
        SynchronizedField("services"),
        SynchronizedField("phone"),
        SynchronizedField("sms_number"),
        SynchronizedField("sms_keyword"),
        SynchronizedField("tty"),
        SynchronizedField("chat_url"),
        SynchronizedField("email"),
        SynchronizedField("website"),
        TranslatableField("hours"),
        SynchronizedField("is_24_7"),
        SynchronizedField("languages"),
        SynchronizedField("interpreters"),
        TranslatableField("language_notes"),
        SynchronizedField("area"),
        SynchronizedField("states"),
        SynchronizedField("zip_prefixes"),
        SynchronizedField("street_address"),
        SynchronizedField("city"),
        SynchronizedField("postcode"),
        SynchronizedField("latitude"),
        SynchronizedField("longitude"),
        SynchronizedField("address_public"),
        SynchronizedField("time_zone"),
        SynchronizedField("opening_hours"),
        SynchronizedField("capacity_available"),
        SynchronizedField("capacity_maximum"),
        SynchronizedField("capacity_unit"),
        SynchronizedField("capacity_updated"),
        SynchronizedField("last_verified"),
    ]

    class Meta(TranslatableMixin.Meta):
        db_table = "agency_sites_helpresource"  # its table from before sites/ was split into apps
        verbose_name = "help resource"
        ordering = ["organisation"]
        constraints = [
            models.UniqueConstraint(
                fields=["reference", "locale"], name="unique_help_resource_reference"
            )
        ]

    def __str__(self):
        return self.organisation

    def save(self, *args, **kwargs):
        self.ensure_reference()
        self.ensure_organization()
        super().save(*args, **kwargs)

    def ensure_organization(self):
        """The organisation of the same owner and name when none is chosen: every service has
        one, as HSDS requires."""
        if self.organization_id is None and self.organisation:
            self.organization, _ = Organization.objects.get_or_create(
                owner_id=self.owner_id, name=self.organisation[:160]
            )

    def clean(self):
        super().clean()
        errors = self.channel_errors(other_ways=bool(self.email or self.website))
        if "phone" in errors:
            errors["phone"] = (
                "Give at least one way to reach it: a phone or text number, a chat link, "
                "an e-mail address or a website."
            )
        if self.postcode:
            try:
                self.postcode = normalise_zip(self.postcode)
            except ZipError as exc:
                errors["postcode"] = str(exc)
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = "Give both the latitude and the longitude, or neither."
        elif "postcode" not in errors:
            errors.update(self.fill_place())
        if self.capacity_available is not None and self.capacity_updated is None:
            errors["capacity_updated"] = "Say when they were counted: readers see how old it is."
        if self.last_verified and self.last_verified > datetime.date.today():
            errors["last_verified"] = "This date is in the future: give the day it was checked."
        try:
            codes = parse_states(self.states)
        except ValueError as exc:
            errors["states"] = str(exc)
            codes = []
        try:
            prefixes = [validate_zip_prefix(p) for p in self.zip_prefixes.split(",") if p.strip()]
        except ZipError as exc:
            errors["zip_prefixes"] = str(exc)
            prefixes = []
        if self.area == self.Area.NATIONAL and (codes or prefixes):
            errors["area"] = (
                "A nationwide service covers every state: leave states and ZIP codes empty."
            )
        elif self.area == self.Area.STATES:
            if prefixes:
                errors["zip_prefixes"] = "For whole states, leave ZIP codes empty."
            elif not codes and "states" not in errors:
                errors["states"] = "Name the state(s) it serves, e.g. CA."
        elif self.area == self.Area.LOCAL and "zip_prefixes" not in errors:
            if not prefixes:
                errors["zip_prefixes"] = "Give the ZIP codes it serves, e.g. 900, 9021."
            # The states a local service lies in, so that a search by state finds it.
            codes = sorted({state_for_zip(prefix.ljust(5, "0")) for prefix in prefixes})
        self.states = ", ".join(codes)
        self.zip_prefixes = ", ".join(prefixes)
        if self.opening_hours and not time_zone_of(self):
            errors["time_zone"] = (
                "Give the time zone its opening hours keep, e.g. America/Chicago: neither the "
                "ZIP code of its place nor a single state it serves says which."
            )
        self.ensure_reference()
        # Checked here, not left to the database: the admin's form has no locale field, so
        # Django's own check of the constraint would be skipped and the save would fail.
        locale_id = self.locale_id or Locale.get_default().pk
        taken = HelpResource.objects.filter(reference=self.reference, locale_id=locale_id)
        if taken.exclude(pk=self.pk).exists():
            errors["reference"] = "Another help resource already has this reference."
        if errors:
            raise ValidationError(errors)

    def fill_place(self) -> dict:
        """Its coordinates from the ZIP code of its place when none are given, for the distance
        readers see; coordinates that came from the ZIP code it had follow it when it moves.
        Returns errors by field."""
        former = self.former_zip_of_coordinates()
        if former is not None and former != self.postcode:
            self.latitude = self.longitude = None
        if self.latitude is not None or not self.postcode:
            return {}
        place = zip_place(self.postcode)
        if place is None:
            return {
                "postcode": f"We don't know where ZIP code {self.postcode} is: check it, or "
                "give the latitude and longitude."
            }
        self.latitude, self.longitude = place.latitude, place.longitude
        return {}

    def former_zip_of_coordinates(self) -> str | None:
        """The ZIP code it was saved with, when its coordinates are still that ZIP code's
        centre as saved (filled in from it, not typed); else None."""
        if self.pk is None or self.latitude is None:
            return None
        saved = HelpResource.objects.filter(pk=self.pk).values("postcode", "latitude", "longitude")
        saved = saved.first()
        if not saved or not saved["postcode"]:
            return None
        place = zip_place(saved["postcode"])
        coordinates = (self.latitude, self.longitude)
        if place is None or coordinates != (saved["latitude"], saved["longitude"]):
            return None
        return saved["postcode"] if coordinates == (place.latitude, place.longitude) else None

    def ensure_reference(self):
        """A reference made from the organisation's name, numbered if another has it."""
        if self.reference:
            return
        base = slugify(self.organisation)[:70] or "resource"
        taken = set(
            HelpResource.objects.filter(reference__startswith=base)
            .exclude(pk=self.pk)
            .values_list("reference", flat=True)
        )
        self.reference = next(
            ref
            for n in range(1, len(taken) + 2)
            if (ref := base if n == 1 else f"{base}-{n}") not in taken
        )

    @cached_property
    def prefix_list(self) -> list[str]:
        return [p.strip() for p in self.zip_prefixes.split(",") if p.strip()]

    def serves_zip(self, zip5: str) -> bool:
        return any(zip5.startswith(prefix) for prefix in self.prefix_list)

    @property
    def state_names(self) -> list[str]:
        return [US_STATES[code] for code in parse_states(self.states)] if self.states else []

    def get_services_display(self) -> list[str]:
        labels = dict(Service.choices)
        return [labels[code] for code in self.services if code in labels]

    def get_languages_display(self) -> list[str]:
        labels = dict(LANGUAGES)
        return [labels[code] for code in self.languages if code in labels]
