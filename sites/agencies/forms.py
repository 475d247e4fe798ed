"""Admin forms that keep an agency's pages and settings to the hotlines, appeals, media and
pages it may use.

Choosers only offer an agency its own snippets and the network's, and its own media, but a
form post (or the management API) can name any id; these forms refuse another agency's, with
the error on the field that holds it: a page named in a block (a related story, a call to
action, a link in rich text) with the error on that block's chooser.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import BoundField

from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.documents.models import AbstractDocument
from wagtail.fields import StreamField
from wagtail.images.models import AbstractImage
from wagtail.models import Page
from wagtail.permissions import policy_registry

from blocks.ownership import OwnedByAgency
from sites.agencies.references import choosers, error_at, forget_refused, pages_usable_by, refusal
from sites.agencies.tenancy import is_network_admin, usable_by_user_q


def usable_ids(user, model, pks) -> set[str] | None:
    """Which of the ids `pks` of `model` objects the user may choose, or None when Lantern does
    not narrow them."""
    if issubclass(model, Page):
        pages = pages_usable_by(user)
        if pages is None:
            return None
        ids = {int(pk) for pk in pks if str(pk).isdigit()}  # a rich text link's id is text
        return {str(pk) for pk in pages.filter(pk__in=ids).values_list("pk", flat=True)}
    if issubclass(model, OwnedByAgency):
        return {
            str(pk)
            for pk in model.objects.filter(usable_by_user_q(user)).values_list("pk", flat=True)
        }
    if issubclass(model, (AbstractImage, AbstractDocument)):
        policy = policy_registry.get_by_type(model)
        return {
            str(pk)
            for pk in policy.instances_user_has_permission_for(user, "choose").values_list(
                "pk", flat=True
            )
        }
    return None


def kind_of(model):
    """Pages of every type are checked together, as pages."""
    return Page if issubclass(model, Page) else model


def refuse_foreign_references(form, references):
    """Add an error for each (field name, model, pk[, path in the stream]) the form's user may
    not use: another agency's hotlines and appeals, images and documents outside the user's
    collections, and pages outside the user's agency that are not live shared stories (on the
    chooser at `path` inside the field's stream, where given)."""
    user = form.for_user
    if user is None or is_network_admin(user):
        return
    wanted: dict = {}
    for _name, model, pk, *_ in references:
        wanted.setdefault(kind_of(model), set()).add(pk)
    usable = {kind: usable_ids(user, kind, pks) for kind, pks in wanted.items()}
    in_streams: dict[str, dict[tuple, list[tuple[str, str]]]] = {}
    flat = []
    for name, model, pk, *where in references:
        allowed = usable[kind_of(model)]
        if allowed is None or str(pk) in allowed:
            continue
        if issubclass(model, Page) and where:
            in_streams.setdefault(name, {}).setdefault(where[0], []).append((str(pk), refusal(pk)))
        elif issubclass(model, Page):
            flat.append((name, ValidationError(refusal(pk), code="foreign_page")))
        else:
            obj = model.objects.filter(pk=pk).first()
            if issubclass(model, OwnedByAgency):
                message = (
                    f"“{obj}” belongs to another agency: choose one of your own or the network's."
                )
            else:
                message = f"“{obj}” is not in your agency's media library: choose one of your own."
            flat.append((name, ValidationError(message, code="foreign_snippet")))
    # Placed in the stream before any error takes the field's value out of cleaned_data; the
    # form is then shown again with that value, the refused pages taken out.
    nested = []
    for name, refused in in_streams.items():
        block, value = form._meta.model._meta.get_field(name).stream_block, form.cleaned_data[name]
        messages = {path: [message for _, message in found] for path, found in refused.items()}
        nested.append((name, error_at(block, value, messages)))
        for path, found in refused.items():
            forget_refused(block, value, path, {pk for pk, _ in found})
        if hasattr(form, "shown_again"):
            form.shown_again[name] = value
    for name, error in nested + flat:
        form.add_error(name, error)


class ShownAgain(BoundField):
    """A field the form shows again as its `shown_again` value, not as it was posted."""

    def value(self):
        shown = getattr(self.form, "shown_again", {})
        return shown[self.name] if self.name in shown else super().value()


class AgencyPageForm(WagtailAdminPageForm):
    bound_field_class = ShownAgain

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.shown_again = {}  # field name → value shown again with errors (refused pages out)

    def clean(self):
        cleaned_data = super().clean()
        references = []
        for field in self._meta.model._meta.get_fields():
            value = cleaned_data.get(field.name)
            if isinstance(field, StreamField) and value:
                references += [
                    (field.name, model, pk, path)
                    for path, block, leaf in choosers(field.stream_block, value)
                    for model, pk, *_ in block.extract_references(leaf)
                ]
            elif getattr(field, "related_model", None) and isinstance(
                value, (OwnedByAgency, AbstractImage, AbstractDocument, Page)
            ):
                references.append((field.name, type(value), value.pk))
        refuse_foreign_references(self, references)
        self.check_hero_image_alt(cleaned_data)
        return cleaned_data

    def check_hero_image_alt(self, cleaned_data) -> None:
        """A page's hero image says what it shows, or is marked decorative
        (sites.content.pages.HeroImageText)."""
        if "hero_image_alt" not in self.fields or not cleaned_data.get("hero_image"):
            return
        if not cleaned_data.get("hero_image_alt", "").strip() and not cleaned_data.get(
            "hero_image_decorative"
        ):
            self.add_error(
                "hero_image_alt",
                "Say what the picture shows, or tick “the picture is decorative”.",
            )


class BrandingForm(WagtailAdminModelForm):
    languages = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The languages this site is published in, besides its source language. A "
        "language reaches readers once the site's home page is translated and published in it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["languages"]
        field.choices = [
            (code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
        ]
        if self.instance and self.instance.languages and not self.is_bound:
            self.initial["languages"] = self.instance.languages.split(",")
        if self.for_user is not None and "primary_hotline" in self.fields:
            field = self.fields["primary_hotline"]
            field.queryset = field.queryset.filter(usable_by_user_q(self.for_user))

    def clean_languages(self):
        return ",".join(self.cleaned_data["languages"])
