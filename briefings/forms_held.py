"""The form for recording a meeting or visit already held (briefings.held)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from briefings import rules
from briefings.forms import AREA, LOCAL_FORMATS, SELECT, _local_input, _visit_type_field
from candidates.models import Candidate
from election_protocol.fields import ModelChoiceField

TEXT = {"class": "govuk-input"}


class HeldMeetingForm(forms.Form):
    candidate = ModelChoiceField(
        queryset=Candidate.objects.none(),
        widget=forms.Select(attrs=SELECT),
        label=_("Candidate"),
    )
    kind = forms.ChoiceField(
        label=_("What was held"),
        choices=[(k.value, rules.KIND_LABELS[k]) for k in sorted(rules.RECORDABLE_BY_SPOC)],
        widget=forms.Select(attrs=SELECT),
    )
    visit_type = _visit_type_field()
    held_at = forms.DateTimeField(
        label=_("When it was held"), widget=_local_input(), input_formats=LOCAL_FORMATS
    )
    place = forms.CharField(label=_("Where"), max_length=300, widget=forms.TextInput(attrs=TEXT))
    host = forms.CharField(
        label=_("Who met the candidate"), max_length=200, widget=forms.TextInput(attrs=TEXT)
    )
    topics = forms.CharField(
        label=_("What the candidate asked about"),
        required=False,
        widget=forms.Textarea(attrs=AREA),
    )
    notes = forms.CharField(
        label=_("Notes of the meeting"),
        widget=forms.Textarea(attrs={**AREA, "rows": 8}),
        help_text=_("They are published once reviewed (Cumbria protocol 8.3)."),
    )

    def __init__(self, *args, election, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["candidate"].queryset = Candidate.objects.filter(election=election).order_by(
            "name"
        )

    def clean_held_at(self):
        value = self.cleaned_data["held_at"]
        if value and value > timezone.now():
            raise forms.ValidationError(
                _("Record it once it has been held: this is in the future.")
            )
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == rules.Kind.VISIT and not cleaned.get("visit_type"):
            self.add_error("visit_type", _("Choose the premises visited."))
        return cleaned
