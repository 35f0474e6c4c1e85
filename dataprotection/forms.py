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


class SubjectSearchForm(forms.Form):
    name = forms.CharField(
        label=_("Full name"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "govuk-input", "autocomplete": "off"}),
    )
    email = forms.CharField(
        label=_("E-mail address"),
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"class": "govuk-input", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-20", "autocomplete": "off"}
        ),
    )
    username = forms.CharField(
        label=_("Staff username (for a member of staff)"),
        required=False,
        max_length=150,
        widget=forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-20", "autocomplete": "off"}
        ),
    )

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
