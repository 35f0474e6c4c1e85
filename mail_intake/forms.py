"""Forms of the triage inbox. They validate input only; services do the writing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from candidates.models import Candidate, Party
from election_protocol.fields import ModelChoiceField, require_for_choice
from mail_intake.models import InboundMessage
from requests_register import rules as register_rules
from requests_register.forms import check_requester
from requests_register.models import Entry

TEXT = {"class": "govuk-input"}
SELECT = {"class": "govuk-select"}
AREA = {"class": "govuk-textarea", "rows": 3}


class AcceptForm(forms.Form):
    """Accept a message as a new register entry: what the e-mail does not say by itself."""

    kind = forms.ChoiceField(
        label=_("Kind of request"),
        choices=Entry.Kind.choices,
        initial=register_rules.Kind.INFORMATION,
        widget=forms.Select(attrs=SELECT),
    )
    topic = forms.CharField(
        label=_("Topic"), max_length=100, widget=forms.TextInput(attrs={**TEXT, "list": "topics"})
    )
    requester_type = forms.ChoiceField(
        label=_("The requester is"),
        choices=Entry.RequesterType.choices,
        widget=forms.Select(attrs=SELECT),
    )
    candidate = ModelChoiceField(
        label=_("Candidate"),
        queryset=Candidate.objects.none(),
        required=False,
        empty_label=_("Not a candidate"),
        help_text=_("For a candidate or their agent"),
        widget=forms.Select(attrs=SELECT),
    )
    party = ModelChoiceField(
        label=_("Party"),
        queryset=Party.objects.none(),
        required=False,
        empty_label=_("None"),
        widget=forms.Select(attrs=SELECT),
    )
    requester_name = forms.CharField(
        label=_("Requester's name"), max_length=200, widget=forms.TextInput(attrs=TEXT)
    )
    acknowledge = forms.BooleanField(
        required=False,
        initial=True,
        label=_("Send an acknowledgement by e-mail"),
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )

    def __init__(self, *args, election, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["candidate"].queryset = Candidate.objects.filter(election=election).order_by(
            "name"
        )
        self.fields["party"].queryset = Party.objects.order_by("name")

    def clean_topic(self) -> str:
        topic = " ".join(self.cleaned_data["topic"].split())
        if not topic:
            raise forms.ValidationError(_("Enter the topic."))
        return topic

    def clean_requester_name(self) -> str:
        name = " ".join(self.cleaned_data["requester_name"].split())
        if not name:
            raise forms.ValidationError(_("Enter the requester's name."))
        return name

    def clean(self):
        cleaned = super().clean()
        check_requester(self, cleaned)
        return cleaned


class DuplicateForm(forms.Form):
    """Mark a message as a duplicate of an entry already on the register."""

    original = forms.CharField(
        label=_("Reference of the entry it repeats"),
        max_length=30,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=AREA),
    )

    def __init__(self, *args, election, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.election = election

    def clean_original(self) -> Entry:
        reference = self.cleaned_data["original"].strip().upper()
        entry = Entry.objects.filter(election=self.election, reference=reference).first()
        if entry is None:
            raise forms.ValidationError(
                _("There is no entry %(reference)s in this election: check the reference.")
                % {"reference": reference[:30]}
            )
        return entry


class DismissForm(forms.Form):
    """Dismiss a message with a reason (kept and auditable)."""

    reason = forms.ChoiceField(
        label=_("Why is it dismissed?"),
        choices=InboundMessage.DismissReason.choices,
        widget=forms.Select(attrs=SELECT),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        help_text=_("Needed for \u201cOther\u201d"),
        widget=forms.Textarea(attrs=AREA),
    )

    def clean(self):
        cleaned = super().clean()
        require_for_choice(
            self,
            cleaned,
            "note",
            choice="reason",
            value=InboundMessage.DismissReason.OTHER,
            message=_("Say why the message is dismissed."),
        )
        return cleaned
