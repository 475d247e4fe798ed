"""Find help: the resources for where a reader is, local first, then statewide, then national.

One search serves the find-help page and the API. The directory is the whole network's: a
reader on any agency's site is shown every agency's resources for where they are, because
someone in danger needs the nearest help, not only the help of the site they happened to open.
Editors still change only their own agency's resources.
"""

import datetime
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blocks.hotline import Hotline
from blocks.regions import US_STATES
from blocks.translated import found_in_language
from sites.caching.tags import changes_at, depends_on, model
from sites.help.details import add_reader_details
from sites.help.fields import has_choice
from sites.help.places import zip_place
from sites.help.resources import LANGUAGES, HelpResource, Service
from sites.help.verification import shown_to_readers
from sites.help.zips import ZipError, normalise_zip, state_for_zip


class FindHelpForm(forms.Form):
    """The reader's question. Every field is optional; a bad ZIP code is reported, not fatal."""

    zip = forms.CharField(
        label=_("ZIP code"),
        required=False,
        max_length=10,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "postal-code", "size": 10}
        ),
    )
    state = forms.ChoiceField(
        label=_("or state"),
        required=False,
        choices=[("", _("Choose a state")), *sorted(US_STATES.items(), key=lambda item: item[1])],
    )
    service = forms.ChoiceField(
        label=_("Kind of help"),
        required=False,
        choices=[("", _("Any kind of help")), *Service.choices],
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Any language")), *LANGUAGES]
    )
    open_now = forms.BooleanField(label=_("Open now"), required=False)

    def clean_zip(self):
        value = self.cleaned_data["zip"].strip()
        if not value:
            return ""
        try:
            state_for_zip(value)
        except ZipError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return normalise_zip(value)


@dataclass
class HelpResults:
    zip: str = ""
    state: str = ""
    local: list = field(default_factory=list)
    state_hotlines: list = field(default_factory=list)
    statewide: list = field(default_factory=list)
    national: list = field(default_factory=list)
    hotlines: list = field(default_factory=list)

    @property
    def state_name(self) -> str:
        return US_STATES.get(self.state, "")

    @property
    def searched_place(self) -> bool:
        return bool(self.state)


def find_help(
    *,
    zip: str = "",
    state: str = "",
    service: str = "",
    language: str = "",
    open_now: bool = False,
    now: datetime.datetime | None = None,
) -> HelpResults:
    """Active resources for a ZIP code (or a state), with the filters; the national hotlines
    always. Local ones nearest the ZIP code's centre first, each with what a reader is told
    about it at `now` (the current time by default): how far, open or not, places free
    (`details.add_reader_details`).

    `zip` must be a valid 5-digit ZIP (FindHelpForm checks); it decides the state. Shown in
    the active language where translated (with their owners): two queries in any language,
    however many are found.
    """
    now = now or timezone.now()
    if zip:
        state = state_for_zip(zip)
    results = HelpResults(zip=zip, state=state)
    # A resource or hotline added anywhere may belong in these results.
    depends_on(model(HelpResource), model(Hotline))

    # Active, and verified recently enough or a national hotline (sites.help.verification).
    resources = shown_to_readers(
        HelpResource.objects.filter(locale__language_code=settings.LANGUAGE_CODE),
        today=timezone.localdate(now),
    )
    if service:
        resources = resources.filter(has_choice("services", service))
    if language:
        resources = resources.filter(has_choice("languages", language) | Q(interpreters=True))
    area = HelpResource.Area
    where = Q(area=area.NATIONAL)
    if state:
        where |= Q(area__in=[area.LOCAL, area.STATES]) & has_choice("states", state, ", ")
    found = [shown for _, shown in found_in_language(resources.filter(where), related=["owner"])]
    found = [r for r in found if r.area != area.LOCAL or not zip or r.serves_zip(zip)]
    # Hours and counts change by themselves: pages showing them are kept until the first does.
    changes_at(add_reader_details(found, now, zip_place(zip) if zip else None))
    if open_now:  # by their hours (open 24/7 included); those with hours in words only are left out
        found = [r for r in found if r.opening is not None and r.opening.is_open]
    # Nearest first; those whose place is not known after them, by name (as found).
    results.local = sorted(
        (r for r in found if r.area == area.LOCAL),
        key=lambda r: (r.distance_miles is None, r.distance_miles or 0),
    )
    results.national = [r for r in found if r.area == area.NATIONAL]
    statewide = [r for r in found if r.area == area.STATES]

    # Hotlines: the national ones whatever the filters (they can always point a reader on),
    # and the state's own when the reader looks for any help or for a hotline.
    coverage = Hotline.Coverage
    where = Q(coverage=coverage.NATIONAL)
    if state and service in ("", Service.HOTLINE):
        state_lines = Q(coverage=coverage.STATE) & has_choice("states", state, ", ")
        where |= state_lines & Q(is_24_7=True) if open_now else state_lines
    hotlines = Hotline.objects.filter(where, locale__language_code=settings.LANGUAGE_CODE)
    hotlines = [shown for _, shown in found_in_language(hotlines, related=["owner"])]
    # The line every page pins first, then the others by name.
    results.hotlines = sorted(
        (line for line in hotlines if line.coverage == coverage.NATIONAL),
        key=lambda line: (not line.pinned, line.name),
    )
    results.state_hotlines = [line for line in hotlines if line.coverage == coverage.STATE]
    results.statewide = statewide
    return results
