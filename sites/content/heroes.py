"""A page's hero image with what it shows, for readers who cannot see it."""

from django.db import models

from wagtail.admin.panels import FieldPanel, FieldRowPanel


class HeroImageText(models.Model):
    """What a page's hero image says to someone who cannot see it, or that it says nothing.

    On the page rather than the image: the same picture may mean something different on two
    pages. The admin's form asks for one or the other (sites.agencies.forms.AgencyPageForm)."""

    hero_image_alt = models.CharField(
        "picture's alt text",
        max_length=250,
        blank=True,
        help_text="What the picture shows, for readers who cannot see it, in a sentence: e.g. "
        "“A lit lantern on a harbour wall at dusk”. Required unless the picture is decorative.",
    )
    hero_image_decorative = models.BooleanField(
        "the picture is decorative",
        default=False,
        help_text="Tick if the picture adds nothing the words do not say: screen readers then skip it.",
    )

    class Meta:
        abstract = True

    @property
    def hero_alt(self) -> str:
        """The alt attribute of the hero image: empty for a decorative one, else the page's alt
        text, or the image's own description (Wagtail's alt text) for a page saved before."""
        if self.hero_image_decorative or not self.hero_image_id:
            return ""
        if self.hero_image_alt:
            return self.hero_image_alt
        return getattr(self.hero_image, "description", "") or ""


def hero_panels() -> list:
    return [
        FieldPanel("hero_image"),
        FieldRowPanel([FieldPanel("hero_image_alt"), FieldPanel("hero_image_decorative")]),
    ]
