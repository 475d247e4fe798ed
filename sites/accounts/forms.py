"""The six-digit code, as typed: spaces and dashes some apps show are let through."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "pattern": r"[0-9 \-]*",
            }
        ),
    )

    def clean_code(self) -> str:
        code = "".join(c for c in self.cleaned_data["code"] if c not in " -")
        if len(code) != 6 or not code.isdigit():
            raise forms.ValidationError(_("Enter the six digits your authenticator app shows."))
        return code
