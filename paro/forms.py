"""Forms of PARO consultations. They validate input only; paro.services writes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class ConsultationForm(forms.Form):
    consulted_at = forms.DateTimeField(
        label=_("When the PARO was consulted"),
        input_formats=LOCAL_FORMATS,
        widget=forms.DateTimeInput(
            attrs={"class": "govuk-input govuk-input--width-20", "type": "datetime-local"},
            format="%Y-%m-%dT%H:%M",
        ),
        error_messages={"required": _("Give the date and time of the consultation.")},
    )
    consulted_by = forms.CharField(
        label=_("Who consulted the PARO"),
        max_length=200,
        help_text=_("For example: the Chief Executive"),
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
        error_messages={"required": _("Say who consulted the PARO.")},
    )
    paro_contact = forms.CharField(
        label=_("Who answered for the PARO (optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
    )
    question = forms.CharField(
        label=_("What was asked"),
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 4}),
        error_messages={"required": _("Say what the PARO was asked.")},
    )
    guidance = forms.CharField(
        label=_("The PARO's guidance (optional until it arrives)"),
        required=False,
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 4}),
    )
