"""Forms for the election's own configuration pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from election_protocol.models import NonWorkingDay


class NonWorkingDayForm(forms.ModelForm):
    class Meta:
        model = NonWorkingDay
        fields = ["date", "kind", "reason"]
        widgets = {
            "date": forms.DateInput(
                attrs={"class": "govuk-input govuk-input--width-10", "type": "date"}
            ),
            "kind": forms.Select(attrs={"class": "govuk-select"}),
            "reason": forms.TextInput(attrs={"class": "govuk-input"}),
        }
        help_texts = {
            "kind": "A day of thanksgiving or mourning moves statutory and FOI deadlines; "
            "an office closure only pauses the office's own targets.",
            "reason": "For example: national day of mourning, office move",
        }

    def __init__(self, *args, election, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.election = election

    def clean_date(self):
        day = self.cleaned_data["date"]
        if NonWorkingDay.objects.filter(election=self.instance.election, date=day).exists():
            raise forms.ValidationError(
                _("That day is already a non-working day for this election.")
            )
        return day
