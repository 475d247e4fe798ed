"""Admin forms that keep an agency's pages and settings to the hotlines and appeals it may use.

Choosers only offer an agency its own snippets and the network's, and its own media, but a
form post (or the management API) can name any id; these forms refuse another agency's, with
the error on the field that holds it.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.documents.models import AbstractDocument
from wagtail.fields import StreamField
from wagtail.images.models import AbstractImage
from wagtail.permissions import policy_registry

from blocks.ownership import OwnedByAgency

from .tenancy import is_network_admin, usable_by_user_q


def usable_ids(user, model) -> set[str] | None:
    """Ids of the `model` objects the user may choose, or None when Lantern does not narrow them."""
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


def refuse_foreign_references(form, references):
    """Add an error for each (field name, model, pk) the form's user may not use: another
    agency's hotlines and appeals, and images and documents outside the user's collections."""
    user = form.for_user
    if user is None or is_network_admin(user):
        return
    usable = {}
    for name, model, pk in references:
        if model not in usable:
            usable[model] = usable_ids(user, model)
        if usable[model] is None or str(pk) in usable[model]:
            continue
        obj = model.objects.filter(pk=pk).first()
        if issubclass(model, OwnedByAgency):
            message = f"“{obj}” belongs to another agency: choose one of your own or the network's."
        else:
            message = f"“{obj}” is not in your agency's media library: choose one of your own."
        form.add_error(name, ValidationError(message, code="foreign_snippet"))


class AgencyPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned_data = super().clean()
        references = []
        for field in self._meta.model._meta.get_fields():
            value = cleaned_data.get(field.name)
            if isinstance(field, StreamField) and value:
                references += [
                    (field.name, model, pk)
                    for model, pk, *_ in field.stream_block.extract_references(value)
                ]
            elif getattr(field, "related_model", None) and isinstance(
                value, (OwnedByAgency, AbstractImage, AbstractDocument)
            ):
                references.append((field.name, type(value), value.pk))
        refuse_foreign_references(self, references)
        return cleaned_data


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
