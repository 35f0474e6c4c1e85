from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from election_protocol.fields import ModelChoiceField, require_for_choice
from election_protocol.models import Election
from lifecycle import rules


class ChooseElectionForm(forms.Form):
    election = ModelChoiceField(
        queryset=Election.objects.order_by("-poll_date", "pk"),
        label=_("Election"),
        empty_label=None,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios__input"}),
        error_messages={"invalid_choice": _("Choose one of the elections listed.")},
    )


class StepForm(forms.Form):
    """One close-down step; the explanation only for answers left unpublished."""

    step = forms.ChoiceField(
        choices=[(s.value, rules.STEP_LABELS[s]) for s in sorted(rules.ACTIONS)],
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("That is not a step taken on this page.")},
    )
    explanation = forms.CharField(
        label=_("Why these answers are not published"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
        help_text=_("For example: the requester withdrew consent; published by the force instead."),
    )

    def clean(self):
        data = super().clean()
        require_for_choice(
            self,
            data,
            "explanation",
            choice="step",
            value=rules.Step.LAST_ANSWERS,
            message=_("Explain why the answers are not published."),
        )
        return data
