"""Forms for candidates. They validate input only; services do the writing."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from candidates import rules
from candidates.models import Candidate, Party
from candidates.services import EDITABLE_FIELDS
from election_protocol.fields import guarded_formfield


class LinesField(forms.CharField):
    """A textarea holding a list: one item a line, blank lines ignored."""

    widget = forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"})

    def __init__(self, *, item_validator=None, **kwargs) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.item_validator = item_validator

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        items = [" ".join(line.split()) for line in text.splitlines()]
        return [item for item in items if item]

    def run_validators(self, value: list[str]) -> None:
        # On the text, not the list: str() of a list escapes a NUL character, so CharField's
        # ProhibitNullCharactersValidator would pass it on (PostgreSQL's jsonb refuses it).
        super().run_validators("\n".join(value))

    def validate(self, value: list[str]) -> None:
        super().validate("\n".join(value))
        if self.item_validator is None:
            return
        errors = []
        for item in value:
            try:
                self.item_validator(item)
            except ValidationError:
                errors.append(f"{item!r} is not valid: {self.item_error}")
        if errors:
            raise ValidationError(errors)

    item_error = "check it"


class EmailLinesField(LinesField):
    item_error = "enter an e-mail address like name@example.org"

    def __init__(self, **kwargs) -> None:
        super().__init__(item_validator=validate_email, **kwargs)


class PhoneLinesField(LinesField):
    item_error = "enter a phone number using digits, spaces, brackets, + or -"

    def __init__(self, **kwargs) -> None:
        super().__init__(item_validator=_validate_phone, **kwargs)


def _validate_phone(value: str) -> None:
    digits = [ch for ch in value if ch.isdigit()]
    if not 7 <= len(digits) <= 15 or any(not (ch.isdigit() or ch in " +()-") for ch in value):
        raise ValidationError(_("invalid phone"))


def _input(width: str = "") -> forms.TextInput:
    return forms.TextInput(attrs={"class": f"govuk-input {width}".strip()})


class CandidateForm(forms.ModelForm):
    """Add or edit a candidate's details. Status is changed only on its own page."""

    aliases = LinesField(help_text=_("Other names people use for them, one a line (e.g. Bob)"))
    emails = EmailLinesField(label=_("E-mail addresses"), help_text=_("One a line"))
    phones = PhoneLinesField(label=_("Phone numbers"), help_text=_("One a line"))
    handles = LinesField(label=_("Social media handles"), help_text=_("One a line, e.g. @name"))

    class Meta:
        formfield_callback = guarded_formfield
        model = Candidate
        # What services.create_candidate and update_candidate accept (party_id is the
        # services' other spelling of party).
        fields = [name for name in EDITABLE_FIELDS if name != "party_id"]
        widgets = {
            "name": _input(),
            "party": forms.Select(attrs={"class": "govuk-select"}),
            "incumbent_role": forms.Select(attrs={"class": "govuk-select"}),
            "linked_user": forms.Select(attrs={"class": "govuk-select"}),
            "postal_address": forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
            "website": forms.URLInput(attrs={"class": "govuk-input"}),
            "agent_name": _input(),
            "agent_email": forms.EmailInput(attrs={"class": "govuk-input"}),
            "agent_phone": forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20"}),
        }
        labels = {"linked_user": "Staff account (incumbents only)"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].empty_label = "Independent"
        self.fields["party"].queryset = Party.objects.order_by("name")
        self.fields["linked_user"].queryset = get_user_model().objects.order_by("username")
        self.fields["linked_user"].empty_label = "None"

    def clean_agent_phone(self) -> str:
        value = self.cleaned_data["agent_phone"]
        if value:
            try:
                _validate_phone(value)
            except ValidationError:
                raise ValidationError(PhoneLinesField.item_error.capitalize()) from None
        return value

    def clean(self):
        cleaned = super().clean()
        linked = cleaned.get("linked_user")
        try:
            rules.check_staff_link(cleaned.get("incumbent_role", ""), linked.pk if linked else None)
        except ValueError as error:
            self.add_error("incumbent_role", str(error))
        return cleaned


class StatusForm(forms.Form):
    """Choose the next status from those the transition table allows, with a note."""

    status = forms.ChoiceField(widget=forms.RadioSelect(attrs={"class": "govuk-radios__input"}))
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
        help_text=_("Why, and where it was confirmed (for example: the SoPN, the PARO's e-mail)"),
    )

    def __init__(self, *args, current: rules.Status, may_correct: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (s.value, rules.label(s) + (" (correction)" if rules.is_correction(current, s) else ""))
            for s in rules.allowed_next(current, may_correct=may_correct)
        ]
        self.fields["status"].label = "New status"


class SopnUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Statement of persons nominated (CSV)"),
        help_text=_(
            "A header row, then one candidate a row: Name (or Surname and Other names), "
            "Description (the party, or blank for an independent), and optionally Home address."
        ),
        widget=forms.ClearableFileInput(
            attrs={"class": "govuk-file-upload", "accept": ".csv,text/csv"}
        ),
    )
