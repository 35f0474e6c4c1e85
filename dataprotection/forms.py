from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RetentionPeriodForm(forms.Form):
    months = forms.IntegerField(
        label=_("Keep personal data for this many months after polling day"),
        min_value=1,
        max_value=120,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
    )


class LegalHoldForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 2}),
        help_text=_("For example: a complaint to the ICO, an election petition, a legal claim."),
    )


def _search_field(label: str, max_length: int, width: str = "") -> forms.CharField:
    """One optional search term, never filled in by the browser."""
    css = f"govuk-input govuk-input--width-{width}" if width else "govuk-input"
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        widget=forms.TextInput(attrs={"class": css, "autocomplete": "off"}),
    )


class SubjectSearchForm(forms.Form):
    name = _search_field(_("Full name"), 200)
    email = _search_field(_("E-mail address"), 254)
    phone = _search_field(_("Phone number"), 40, width="20")
    username = _search_field(_("Staff username (for a member of staff)"), 150, width="20")

    def clean(self):
        data = super().clean()
        if not any((data.get(k) or "").strip() for k in ("name", "email", "phone", "username")):
            raise forms.ValidationError(
                _(
                    "Give at least one of: a full name, an e-mail address, a phone number, "
                    "a username."
                )
            )
        return data
