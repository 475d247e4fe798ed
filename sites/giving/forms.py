"""The giving settings' admin form (write-only Stripe keys) and a donor's gift form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

from wagtail.admin.forms import WagtailAdminModelForm

from sites.giving.secrets import ProcessorSecrets

SECRET_KEY_PREFIXES = ("sk_live_", "sk_test_", "rk_live_", "rk_test_")
WEBHOOK_SECRET_PREFIXES = ("whsec_",)


def secret_field(label: str) -> forms.CharField:
    # Never rendered with its value (render_value=False), never put in the form's initial data.
    return forms.CharField(
        label=label,
        required=False,
        strip=True,
        max_length=255,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )


class GivingSettingsForm(WagtailAdminModelForm):
    """The site's processor settings. The Stripe keys are write-only: the form says whether
    each is set, never what it is; an empty field keeps the key as it is."""

    stripe_secret_key = secret_field("Stripe secret key")
    stripe_webhook_secret = secret_field("Stripe webhook signing secret")
    forget_stripe_keys = forms.BooleanField(
        label="Remove the Stripe keys", required=False, help_text="Both keys are deleted."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        site_id = getattr(self.instance, "site_id", None)
        self.secrets = ProcessorSecrets.for_site(site_id) if site_id else None
        said = {
            "stripe_secret_key": (
                "From Stripe's dashboard, Developers, API keys: sk_live_… (or a restricted key, "
                "rk_live_…, allowed to write Checkout Sessions)."
            ),
            "stripe_webhook_secret": (
                "From the webhook endpoint you add in Stripe for this site's "
                "/giving/stripe/webhook/ address: whsec_…"
            ),
        }
        for name, help_text in said.items():
            is_set = bool(self.secrets and getattr(self.secrets, name))
            state = "Set: leave empty to keep it." if is_set else "Not set."
            self.fields[name].help_text = f"{state} {help_text}"

    def clean_stripe_secret_key(self):
        return self._secret("stripe_secret_key", SECRET_KEY_PREFIXES, "Stripe secret key")

    def clean_stripe_webhook_secret(self):
        return self._secret(
            "stripe_webhook_secret", WEBHOOK_SECRET_PREFIXES, "webhook signing secret"
        )

    def _secret(self, name: str, prefixes: tuple, label: str) -> str:
        value = self.cleaned_data.get(name, "")
        if value and (not value.startswith(prefixes) or any(c.isspace() for c in value)):
            # The message never repeats what was typed: it may be a live key.
            raise ValidationError(
                f"This is not a {label}: it starts with {' or '.join(prefixes)}. "
                "Copy it from Stripe's dashboard."
            )
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("processor") == "stripe":
            forget = cleaned.get("forget_stripe_keys")
            for name in ("stripe_secret_key", "stripe_webhook_secret"):
                kept = bool(self.secrets and getattr(self.secrets, name)) and not forget
                if not cleaned.get(name) and not kept and name not in self.errors:
                    self.add_error(name, "Stripe Checkout needs this key.")
        return cleaned

    def save(self, commit=True):
        instance = super().save(commit=commit)
        if commit and self.secrets is not None:
            secrets = self.secrets
            changed = False
            if self.cleaned_data.get("forget_stripe_keys"):
                secrets.stripe_secret_key = secrets.stripe_webhook_secret = ""
                changed = True
            for name in ("stripe_secret_key", "stripe_webhook_secret"):
                if self.cleaned_data.get(name):
                    setattr(secrets, name, self.cleaned_data[name])
                    changed = True
            if changed:
                secrets.save()
        return instance


ONCE, MONTHLY = "once", "monthly"


def dollars(amount: int) -> str:
    return f"${amount:,}"


class GiftForm(forms.Form):
    """What a donor chose: a suggested amount or their own, once or every month. Checked
    against the appeal (its amounts, whether it offers monthly giving) and the site's
    smallest and largest gift."""

    amount = forms.CharField(required=False)
    other = forms.CharField(required=False)
    frequency = forms.ChoiceField(
        required=False,
        choices=[(ONCE, gettext_lazy("Once")), (MONTHLY, gettext_lazy("Every month"))],
    )

    def __init__(self, *args, appeal, minimum: int, maximum: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.appeal, self.minimum, self.maximum = appeal, minimum, maximum

    @property
    def chosen_amount(self) -> int | None:
        """The amount to show as chosen again (the form's own, or what was asked)."""
        if self.is_bound and hasattr(self, "cleaned_data") and "gift" in self.cleaned_data:
            return self.cleaned_data["gift"]
        return self.whole_dollars(str(self.data.get("amount", ""))) if self.is_bound else None

    @property
    def other_shown(self) -> str:
        """What the 'another amount' field shows: what was typed there, or an amount chosen
        that is not one of the appeal's (a donor coming back from the processor)."""
        typed = str(self.data.get("other", "")) if self.is_bound else ""
        chosen = self.chosen_amount
        if not typed and chosen is not None and chosen not in self.appeal.preset_amounts:
            return str(chosen)
        return typed

    @staticmethod
    def whole_dollars(value: str) -> int | None:
        """'40', '$40', '1,000' or '40.00' as whole dollars; None for anything else."""
        text = value.strip().removeprefix("$").replace(",", "").strip()
        if text.endswith((".00", ".0")):
            text = text.rsplit(".", 1)[0]
        # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
        return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None

    def clean(self):
        cleaned = super().clean()
        other = (cleaned.get("other") or "").strip()
        chosen = (cleaned.get("amount") or "").strip()
        field = "other" if other else "amount"
        if other:
            gift = self.whole_dollars(other)
            if gift is None:
                self.add_error("other", gettext("Type a whole number of dollars, for example 40."))
                return cleaned
        elif chosen:
            gift = self.whole_dollars(chosen)
            if gift is None:
                self.add_error("amount", gettext("Choose one of the amounts, or type another."))
                return cleaned
        else:
            self.add_error("amount", gettext("Choose an amount, or type another."))
            return cleaned
        if gift < self.minimum:
            self.add_error(
                field,
                gettext("The smallest gift here is %(amount)s.")
                % {"amount": dollars(self.minimum)},
            )
        elif gift > self.maximum:
            self.add_error(
                field,
                gettext(
                    "The largest gift online is %(amount)s. For a larger gift, please contact us."
                )
                % {"amount": dollars(self.maximum)},
            )
        else:
            cleaned["gift"] = gift
        monthly = cleaned.get("frequency") == MONTHLY
        if monthly and not self.appeal.monthly:
            self.add_error("frequency", gettext("This appeal takes one-time gifts only."))
        cleaned["monthly"] = monthly
        return cleaned
