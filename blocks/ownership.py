"""Ownership of shared snippets: one agency site, or the whole network."""

from django.db import models


class OwnedByAgency(models.Model):
    """A snippet owned by one agency's site, or by the network when no site is set.

    Agencies change only their own; the network's are changed by network administrators;
    every site may use its own and the network's in its pages.
    """

    owner = models.ForeignKey(
        "wagtailcore.Site",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="owner",
        help_text="The agency site this belongs to. Empty: the whole network (network administrators only).",
    )

    class Meta:
        abstract = True
