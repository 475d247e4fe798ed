"""A model field for a few choices from a fixed list (services, languages).

Stored as 'a,b,c' in a plain text column, so it works the same on SQLite and PostgreSQL and
can be filtered with `has_choice`; editors tick boxes.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class ChoiceListField(models.CharField):
    description = "A list of choices, stored comma-separated"

    def __init__(self, *args, options=(), **kwargs):
        self.options = list(options)
        kwargs.setdefault("max_length", 255)
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["options"] = self.options
        return name, path, args, kwargs

    def to_python(self, value):
        if value is None or isinstance(value, list | tuple):
            return list(value or [])
        return [item for item in str(value).split(",") if item]

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def get_prep_value(self, value):
        if isinstance(value, list | tuple):
            return ",".join(value)
        return value

    def value_to_string(self, obj):
        return ",".join(self.value_from_object(obj))

    def validate(self, value, model_instance):
        if not value and not self.blank:
            raise ValidationError(self.error_messages["blank"], code="blank")
        known = {code for code, _label in self.options}
        unknown = [item for item in value if item not in known]
        if unknown:
            raise ValidationError(
                "Unknown choice(s): %(unknown)s.", params={"unknown": ", ".join(unknown)}
            )

    def run_validators(self, value):
        super().run_validators(self.get_prep_value(value))

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            choices=self.options,
            required=not self.blank,
            label=kwargs.get("label", self.verbose_name.capitalize()),
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )


def has_choice(field: str, item: str, separator: str = ",") -> Q:
    """Rows whose `field`, a list joined by `separator`, holds `item` (not part of another)."""
    return (
        Q(**{field: item})
        | Q(**{f"{field}__startswith": f"{item}{separator}"})
        | Q(**{f"{field}__endswith": f"{separator}{item}"})
        | Q(**{f"{field}__contains": f"{separator}{item}{separator}"})
    )
