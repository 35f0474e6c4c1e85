"""Forms for the register. They validate input only; services do the writing."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from briefings.models import BriefingMaterial
from candidates.models import Candidate, Party
from election_protocol.fields import ModelChoiceField, ModelMultipleChoiceField, guarded_formfield
from election_protocol.roles import Role
from requests_register import rules
from requests_register.models import Entry, Note
from requests_register.services.intake import EDITABLE_FIELDS

TEXT = {"class": "govuk-input"}
SELECT = {"class": "govuk-select"}
AREA = {"class": "govuk-textarea", "rows": 5}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more uploaded files."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "govuk-file-upload"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def _local_input():
    return forms.DateTimeInput(
        attrs={"class": "govuk-input govuk-input--width-20", "type": "datetime-local"},
        format="%Y-%m-%dT%H:%M",
    )


def check_requester(form: forms.Form, cleaned: dict) -> None:
    """Add an error to `form` where a candidate's or agent's request names no candidate, or a
    party's no party (for every form that records who a request is from)."""
    kind = cleaned.get("requester_type")
    if kind in (Entry.RequesterType.CANDIDATE, Entry.RequesterType.AGENT) and not cleaned.get(
        "candidate"
    ):
        form.add_error(
            "candidate",
            _("Choose the candidate the request is from (or for, if from their agent)."),
        )
    if kind == Entry.RequesterType.PARTY and not cleaned.get("party"):
        form.add_error("party", _("Choose the party the request is from."))


class EntryForm(forms.ModelForm):
    """The details of an entry, for logging and for editing."""

    class Meta:
        formfield_callback = guarded_formfield
        model = Entry
        # What services.update_entry accepts, no more.
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "received_at": _local_input(),
            "redirected_at": _local_input(),
            "channel": forms.Select(attrs=SELECT),
            "first_reached": forms.Select(attrs=SELECT),
            "kind": forms.Select(attrs=SELECT),
            "topic": forms.TextInput(attrs={**TEXT, "list": "topics"}),
            "question": forms.Textarea(attrs=AREA),
            "requester_type": forms.Select(attrs=SELECT),
            "candidate": forms.Select(attrs=SELECT),
            "party": forms.Select(attrs=SELECT),
            "requester_name": forms.TextInput(attrs=TEXT),
            "requester_email": forms.EmailInput(attrs=TEXT),
            "requester_phone": forms.TextInput(
                attrs={"class": "govuk-input govuk-input--width-20"}
            ),
            "requester_address": forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
        }
        labels = {
            "received_at": "Received (date and time)",
            "redirected_at": "Redirected to the SPOC (date and time)",
            "requester_type": "The requester is",
            "requester_email": "Requester's e-mail address",
            "requester_phone": "Requester's phone number",
            "requester_address": "Requester's postal address",
        }
        help_texts = {
            "requester_email": "Replies go by e-mail only (Cumbria protocol 6.1.2).",
            "candidate": "For a candidate or their agent",
        }

    def __init__(self, *args, election, first_reached_fixed: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.election = election
        self.fields["candidate"].queryset = Candidate.objects.filter(election=election).order_by(
            "name"
        )
        self.fields["candidate"].empty_label = "Not a candidate"
        self.fields["party"].queryset = Party.objects.order_by("name")
        self.fields["party"].empty_label = "None"
        self.fields["received_at"].input_formats = [
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%dT%H:%M:%S",
        ]
        self.fields["redirected_at"].input_formats = self.fields["received_at"].input_formats
        if first_reached_fixed:
            self.fields["first_reached"].choices = [
                c for c in Entry.Organisation.choices if c[0] == first_reached_fixed
            ]
            self.fields["first_reached"].initial = first_reached_fixed

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        if value and value > timezone.now():
            raise forms.ValidationError(_("The date received cannot be in the future."))
        return value

    def clean(self):
        cleaned = super().clean()
        check_requester(self, cleaned)
        if cleaned.get("first_reached") in ("police", "fire") and not cleaned.get("redirected_at"):
            self.add_error("redirected_at", _("Say when the request was passed to the SPOC."))
        received, redirected = cleaned.get("received_at"), cleaned.get("redirected_at")
        if received and redirected and redirected < received:
            self.add_error(
                "redirected_at", _("It cannot have been redirected before it was received.")
            )
        channel = cleaned.get("channel")
        if channel and rules.needs_confirmation(channel) and not cleaned.get("requester_email"):
            self.add_error(
                "requester_email",
                _(
                    "Ask for an e-mail address: a request not made in writing is confirmed back by "
                    "e-mail before any reply (Cumbria protocol 6.1.2)."
                ),
            )
        return cleaned


class LogEntryForm(EntryForm):
    attachments = MultipleFileField(
        help_text=_("PDF, Word, Excel, text, CSV, images or e-mails; up to 10 MB each.")
    )
    acknowledge = forms.BooleanField(
        required=False,
        initial=True,
        label=_("Send an acknowledgement by e-mail (written requests)"),
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )
    email_token = forms.CharField(required=False, widget=forms.HiddenInput)
    initiated_by_office = forms.BooleanField(
        required=False,
        label=_("Initiated by the office (no request to confirm or answer)"),
        help_text=_("A contact the office started, such as a call to a candidate."),
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )

    def clean(self):
        cleaned = super().clean()
        typed_email = self.data.get(self.add_prefix("requester_email"), "").strip()
        if cleaned.get("initiated_by_office") and not typed_email:
            # Nothing is confirmed back or replied to: no e-mail address is needed.
            self.errors.pop("requester_email", None)
        return cleaned


class EditEntryForm(EntryForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class StatusForm(forms.Form):
    status = forms.ChoiceField(widget=forms.HiddenInput)
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={**AREA, "rows": 3}))
    material = ModelChoiceField(
        queryset=BriefingMaterial.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
        label=_("Published briefing material"),
        empty_label=_("Choose the material"),
    )
    no_reply_reason = forms.ChoiceField(
        required=False,
        choices=[("", "")] + [(r.value, rules.NO_REPLY_LABELS[r]) for r in rules.NoReplyReason],
        label=_("Why no reply is needed"),
    )
    original = forms.CharField(
        required=False,
        label=_("Reference of the original entry"),
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )

    def __init__(self, *args, entry: Entry, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.entry = entry
        self.fields["status"].choices = [(s.value, rules.STATUS_LABELS[s]) for s in rules.Status]
        self.fields["material"].queryset = BriefingMaterial.objects.filter(
            election_id=entry.election_id, published=True
        )

    def clean_original(self):
        reference = self.cleaned_data["original"].strip().upper()
        if not reference:
            return None
        original = Entry.objects.filter(
            election_id=self.entry.election_id, reference=reference
        ).first()
        if original is None:
            raise forms.ValidationError(
                _("No entry %(reference)s in this election.") % {"reference": reference}
            )
        return original


class DraftForm(forms.Form):
    answer = forms.CharField(widget=forms.Textarea(attrs={**AREA, "rows": 10}), label=_("Answer"))


class AssignForm(forms.Form):
    assignee = ModelChoiceField(
        queryset=get_user_model().objects.none(),
        widget=forms.Select(attrs=SELECT),
        label=_("Colleague"),
    )
    request = forms.CharField(
        label=_("What is needed"),
        widget=forms.Textarea(attrs={**AREA, "rows": 3}),
        help_text=_("They will not see the requester's contact details."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        roles = [
            Role.POLICE_LIAISON,
            Role.FIRE_LIAISON,
            Role.CHIEF_CONSTABLE,
            Role.CHIEF_FIRE_OFFICER,
        ]
        self.fields["assignee"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, groups__name__in=[r.value for r in roles])
            .distinct()
            .order_by("username")
        )


class ContributionForm(forms.Form):
    body = forms.CharField(label=_("Your contribution"), widget=forms.Textarea(attrs=AREA))


class NoteForm(forms.Form):
    kind = forms.ChoiceField(choices=Note.Kind.choices, widget=forms.Select(attrs=SELECT))
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={**AREA, "rows": 3}))


class AttachmentForm(forms.Form):
    files = MultipleFileField(label=_("Add files"), required=True)


class EmailImportForm(forms.Form):
    eml = forms.FileField(
        required=False,
        label=_("Saved e-mail (.eml)"),
        widget=forms.ClearableFileInput(
            attrs={"class": "govuk-file-upload", "accept": ".eml,message/rfc822"}
        ),
    )
    source = forms.CharField(
        required=False,
        label=_("Or paste the whole message, headers included"),
        widget=forms.Textarea(attrs={**AREA, "rows": 8}),
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("eml") and not cleaned.get("source", "").strip():
            raise forms.ValidationError(_("Choose a saved e-mail or paste one."))
        return cleaned


class DeputiesForm(forms.Form):
    deputies = ModelMultipleChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes__input"}),
        label=_("Who may approve answers in your place"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = (
            get_user_model()
            .objects.filter(
                is_active=True, groups__name__in=[Role.SPOC.value, Role.CHIEF_EXECUTIVE.value]
            )
            .distinct()
            .order_by("username")
        )
