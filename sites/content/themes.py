"""The looks an agency can choose for its site: one set of templates, styled per theme.

A theme is a class on <body> (`theme-<name>`); static/css/lantern.css gives each one its
header, hero, cards and type scale through custom properties and a few rules of its own. The
agency's colours (SiteBranding) still fill in each theme.
"""

from django.db import models


class Theme(models.TextChoices):
    # Stored in each site's branding: never rename a value casually.
    CLASSIC = "classic", "Classic: dark header, picture above the headline, soft cards"
    BOLD = "bold", "Bold: dark header, large type, headline on a panel over the picture"
    GENTLE = "gentle", "Gentle: light header, serif headings, picture beside the headline"
    EDITORIAL = "editorial", "Editorial: light centred header, large serif type, ruled cards"
    BANNER = "banner", "Banner: near-black header, coloured band with the picture, compact type"


DEFAULT_THEME = Theme.CLASSIC
