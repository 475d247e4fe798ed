"""Organisations: who runs the help services in the directory (HSDS's `organization`)."""

import uuid

from django.db import models

from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.search import index

from blocks.ownership import OwnedByAgency


class Organization(OwnedByAgency, index.Indexed, models.Model):
    """An organisation that runs one or more help services, as the Human Services Data
    Specification (Open Referral's HSDS) knows it: its id stays the same through every import
    and export, so a 211 line or a referral network finds it again."""

    hsds_id = models.UUIDField(
        "HSDS id",
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Its identifier in Open Referral (HSDS) imports and exports.",
    )
    name = models.CharField(max_length=160, help_text="Its full name, e.g. 'Harbor Light Inc.'")
    description = models.TextField(blank=True, help_text="What it does, in a sentence or two.")
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True)

    panels = [
        FieldPanel("owner"),
        FieldPanel("name"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("website"), FieldPanel("email")]),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("owner"),
        index.FilterField("name"),
    ]

    class Meta:
        verbose_name = "organisation"
        ordering = ["name"]

    def __str__(self):
        return self.name
