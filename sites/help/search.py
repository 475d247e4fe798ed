"""Find help: the resources for where a reader is, local first, then statewide, then national.

One search serves the find-help page and the API. The directory is the whole network's: a
reader on any agency's site is shown every agency's resources for where they are, because
someone in danger needs the nearest help, not only the help of the site they happened to open.
Editors still change only their own agency's resources.
"""

import copy
import datetime
import threading
from dataclasses import dataclass, field

from cachetools import LRUCache

from django import forms
from django.conf import settings
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from blocks.hotline import Hotline
from blocks.regions import US_STATES
from blocks.translated import active_language, found_in_language
from sites.caching import memo
from sites.caching.tags import changes_at, depends_on, model
from sites.help.details import add_reader_details
from sites.help.fields import has_choice
from sites.help.places import zip_place
from sites.help.resources import LANGUAGES, HelpResource, Service
from sites.help.verification import shown_to_readers
from sites.help.zips import ZipError, malformed_zip_message, normalise_zip, state_for_zip


class OptionsSelect(forms.Select):
    """Django's `<select>`, the same elements, its options written in Python rather than through
    two templates each, and kept: the find-help form's eighty options took a fifth of a
    search's rendering.

    The options' markup depends only on the language (their labels) and the value chosen, so
    each widget keeps it by those (a few hundred at most). A widget's choices are fixed when
    its form is defined; the deep copies every form makes of its fields share this store.
    """

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs, choices)
        self.options_markup = LRUCache(maxsize=256)
        self.options_lock = threading.Lock()  # cachetools' caches are not thread-safe

    def __deepcopy__(self, memo):
        """As Django's widgets copy themselves, but sharing the fixed choices (Django normalises
        them again on each copy)."""
        copied = copy.copy(self)
        copied.attrs = self.attrs.copy()
        memo[id(self)] = copied
        return copied

    def options(self, chosen) -> SafeString:
        key = (translation.get_language(), tuple(sorted(chosen)))
        with self.options_lock:
            markup = self.options_markup.get(key)
        if markup is None:
            markup = format_html_join(
                "",
                '\n  <option value="{}"{}>{}</option>',
                (
                    (choice, SELECTED if str(choice) in chosen else "", label)
                    for choice, label in self.choices
                ),
            )
            with self.options_lock:
                self.options_markup[key] = markup
        return markup

    def render(self, name, value, attrs=None, renderer=None):
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            self.options(self.format_value(value)),
        )


class WrittenInput:
    """For Django's `<input>` widgets: the same element written in Python rather than through
    two templates (`input.html` and `attrs.html`), which took a tenth of a search's rendering
    for its two inputs. Attributes in their order, as Django's `attrs.html` writes them: True
    bare, False left out."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = widget["value"]
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            format_html(' value="{}"', shown) if shown is not None else "",
            format_html_join(
                "",
                "{}",
                (
                    (
                        format_html(" {}", key)
                        if value is True
                        else format_html(' {}="{}"', key, value),
                    )
                    for key, value in widget["attrs"].items()
                    if value is not False
                ),
            ),
        )


class WrittenTextInput(WrittenInput, forms.TextInput):
    pass


class WrittenCheckboxInput(WrittenInput, forms.CheckboxInput):
    pass


class FixedChoiceField(forms.ChoiceField):
    """A ChoiceField whose choices are fixed when its form is defined: the copy of it each form
    makes shares them rather than deep-copying every label (a third of a search form's set-up
    with eighty options)."""

    def __deepcopy__(self, memo):
        choices = self.choices
        memo[id(choices)] = choices  # deepcopy's own record of what is copied already
        return super().__deepcopy__(memo)


SELECTED = SafeString(" selected")


class FindHelpForm(forms.Form):
    """The reader's question. Every field is optional; a bad ZIP code is reported, not fatal."""

    zip = forms.CharField(
        label=_("ZIP code"),
        required=False,
        max_length=10,
        widget=WrittenTextInput(
            attrs={"inputmode": "numeric", "autocomplete": "postal-code", "size": 10}
        ),
    )
    state = FixedChoiceField(
        label=_("or state"),
        required=False,
        choices=[("", _("Choose a state")), *sorted(US_STATES.items(), key=lambda item: item[1])],
        widget=OptionsSelect,
    )
    service = FixedChoiceField(
        label=_("Kind of help"),
        required=False,
        choices=[("", _("Any kind of help")), *Service.choices],
        widget=OptionsSelect,
    )
    language = FixedChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Any language")), *LANGUAGES],
        widget=OptionsSelect,
    )
    open_now = forms.BooleanField(label=_("Open now"), required=False, widget=WrittenCheckboxInput)

    def __init__(self, *args, example_zip: str = "", **kwargs):
        """`example_zip`: a ZIP code of the site's own state (zips.example_zip), for the hint
        and the message for a mistyped one; none gives both without an example."""
        super().__init__(*args, **kwargs)
        self.example_zip = example_zip
        # Django links the hint (and an error) to the field with aria-describedby.
        self.fields["zip"].help_text = (
            gettext("5 digits, like %(example)s.") % {"example": example_zip}
            if example_zip
            else gettext("5 digits.")
        )

    def clean_zip(self):
        value = self.cleaned_data["zip"].strip()
        if not value:
            return ""
        try:
            state_for_zip(value)
        except ZipError as exc:
            message = malformed_zip_message(self.example_zip) if exc.malformed else str(exc)
            raise forms.ValidationError(message) from exc
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
    # Each resource's markup by (pk, language), written once for this answer (`markup_for`).
    markup: dict = field(default_factory=dict, repr=False, compare=False)

    def markup_for(self, resource, render) -> str:
        """`render()`'s markup for one of the resources found, written on first use. find_help
        keeps its answers only while all they show holds (their tags, the next opening or
        closing): what they render to holds exactly as long."""
        key = (resource.pk, translation.get_language())
        markup = self.markup.get(key)
        if markup is None:
            markup = self.markup[key] = render()
        return markup

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

    Each worker keeps the answer for the current time by its question and language
    (`caching.memo`, as it keeps a site's chrome): checked on each use against the tags of
    everything it showed and of the whole directory (one query, or one Redis call), and kept
    only until a service it found opens or closes or a count ages (docs/caching.md). What uses
    it must not change it.
    """
    question = {
        "zip": zip,
        "state": "" if zip else state,  # a ZIP code decides the state
        "service": service,
        "language": language,
        "open_now": open_now,
    }
    if now is not None:
        return search(now=now, **question)
    return memo.remembered(
        ("find_help", active_language(), *question.values()),
        lambda: search(now=timezone.now(), **question),
        entries=memo.SEARCHES,
    )


def search(
    *, zip: str, state: str, service: str, language: str, open_now: bool, now: datetime.datetime
) -> HelpResults:
    """find_help's answer at `now`, read afresh."""
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
