"""Admin forms that keep an agency's pages and settings to the hotlines and appeals it may use.

Choosers only offer an agency its own snippets and the network's, but a form post can name
any id; these forms refuse another agency's, with the error on the field that holds it.
"""

from django.core.exceptions import ValidationError

from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.fields import StreamField

from blocks.ownership import OwnedByAgency

from .tenancy import is_network_admin, usable_by_user_q


def refuse_foreign_snippets(form, references):
    """Add an error for each (field name, model, pk) the form's user may not use."""
    user = form.for_user
    if user is None or is_network_admin(user):
        return
    usable = {}
    for name, model, pk in references:
        if not issubclass(model, OwnedByAgency):
            continue
        if model not in usable:
            usable[model] = {
                str(p)
                for p in model.objects.filter(usable_by_user_q(user)).values_list("pk", flat=True)
            }
        if str(pk) not in usable[model]:
            obj = model.objects.filter(pk=pk).first()
            form.add_error(
                name,
                ValidationError(
                    f"“{obj}” belongs to another agency: choose one of your own or the network's.",
                    code="foreign_snippet",
                ),
            )


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
            elif getattr(field, "related_model", None) and isinstance(value, OwnedByAgency):
                references.append((field.name, type(value), value.pk))
        refuse_foreign_snippets(self, references)
        return cleaned_data


class BrandingForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None and "primary_hotline" in self.fields:
            field = self.fields["primary_hotline"]
            field.queryset = field.queryset.filter(usable_by_user_q(self.for_user))
