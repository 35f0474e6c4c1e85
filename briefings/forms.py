"""Forms for organised meetings. They validate input only; services do the writing."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from briefings import rules
from briefings.models import BriefingEvent, BriefingMaterial, OfferItem, VisitType
from election_protocol.fields import ModelChoiceField, ModelMultipleChoiceField

SELECT = {"class": "govuk-select"}
AREA = {"class": "govuk-textarea", "rows": 4}
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def _local_input():
    return forms.DateTimeInput(
        attrs={"class": "govuk-input govuk-input--width-20", "type": "datetime-local"},
        format="%Y-%m-%dT%H:%M",
    )


def _visit_type_field() -> ModelChoiceField:
    """The premises visited, for a visit: their chief confirms (Cumbria 8.3, 8.6)."""
    return ModelChoiceField(
        queryset=VisitType.objects.all(),
        required=False,
        widget=forms.Select(attrs=SELECT),
        label=_("Premises (for a visit)"),
        empty_label=_("Not a visit"),
    )


class PrepareBookingForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is asked for"),
        choices=[(k.value, rules.KIND_LABELS[k]) for k in rules.Kind],
        widget=forms.Select(attrs=SELECT),
    )
    visit_type = _visit_type_field()
    offer_item = ModelChoiceField(
        queryset=OfferItem.objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
        label=_("Part of the equal offer"),
        empty_label=_("No: a request of their own"),
    )
    advance_questions = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs=AREA),
        help_text=_("Required for a meeting (Cumbria protocol 8.3)"),
    )
    checked_materials = ModelMultipleChoiceField(
        queryset=BriefingMaterial.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes__input"}),
        label=_("Published material you checked"),
    )
    material_check_note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={**AREA, "rows": 3}),
        label=_("Why the published material does not answer it"),
    )

    def __init__(self, *args, election, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offer_item"].queryset = OfferItem.objects.filter(election=election)
        self.fields["checked_materials"].queryset = BriefingMaterial.objects.filter(
            election=election, published=True
        )


class StepForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(s.value, s.value) for s in rules.Status], widget=forms.HiddenInput
    )
    # The status the person saw: a double click or a colleague acting first is refused.
    expected_status = forms.CharField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={**AREA, "rows": 3}))
    parity_acknowledged = forms.BooleanField(required=False)
    starts_at = forms.DateTimeField(
        required=False, input_formats=LOCAL_FORMATS, widget=_local_input()
    )
    ends_at = forms.DateTimeField(
        required=False, input_formats=LOCAL_FORMATS, widget=_local_input()
    )
    place = forms.CharField(required=False, max_length=300)
    host = forms.CharField(required=False, max_length=200)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs=AREA))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == rules.Status.SCHEDULED:
            starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
            for name in ("starts_at", "ends_at", "place", "host"):
                if not cleaned.get(name):
                    self.add_error(name, _("Required to schedule it."))
            if starts and ends and ends <= starts:
                self.add_error("ends_at", _("The end must be after the start."))
            if starts and starts < timezone.now():
                self.add_error("starts_at", _("Choose a time in the future."))
        return cleaned


class EventForm(forms.ModelForm):
    class Meta:
        model = BriefingEvent
        fields = ["title", "starts_at", "ends_at", "place", "audience", "capacity"]
        widgets = {
            "title": forms.TextInput(attrs={"class": "govuk-input"}),
            "starts_at": _local_input(),
            "ends_at": _local_input(),
            "place": forms.TextInput(attrs={"class": "govuk-input"}),
            "audience": forms.Select(attrs=SELECT),
            "capacity": forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].input_formats = LOCAL_FORMATS
        self.fields["ends_at"].input_formats = LOCAL_FORMATS

    def clean(self):
        cleaned = super().clean()
        starts: datetime | None = cleaned.get("starts_at")
        ends: datetime | None = cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        return cleaned


class QuestionLinkForm(forms.Form):
    reference = forms.CharField(
        label=_("Register reference of the advance question"),
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )


class NotesForm(forms.Form):
    notes = forms.CharField(
        widget=forms.Textarea(attrs={**AREA, "rows": 8}),
        label=_("Notes of the briefing"),
        error_messages={"required": _("Write the notes.")},
    )
    # The version of the notes the writer started from (services.record_event_notes).
    version = forms.IntegerField(widget=forms.HiddenInput)


# --- issue 13: events changed or cancelled, material, the candidate briefing page ----------------


class EventEditForm(EventForm):
    """The event's details again, with what changed (sent to those invited and shown on the
    public page) and the version the person started from."""

    change_note = forms.CharField(
        label=_("What changed, for the candidates and the public page"),
        required=False,
        help_text=_(
            "Required once the candidates are invited: it is e-mailed to them, their "
            "agents and the PARO, and shown on the public page."
        ),
        widget=forms.Textarea(attrs={**AREA, "rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class CancelEventForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is cancelled"),
        help_text=_(
            "E-mailed to everyone invited, their agents and the PARO, and shown on the public page."
        ),
        widget=forms.Textarea(attrs={**AREA, "rows": 3}),
        error_messages={"required": _("Give the reason for cancelling.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class MaterialForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
        error_messages={"required": _("Give the material a title.")},
    )
    topic = forms.CharField(
        max_length=100,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20"}),
        error_messages={"required": _("Give the topic.")},
    )
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={**AREA, "rows": 3}))
    file = forms.FileField(
        label=_("A PDF"),
        required=False,
        help_text=_("A PDF of at most 10 MB, copied to the public election page. Or give a link."),
        widget=forms.ClearableFileInput(attrs={"class": "govuk-file-upload", "accept": ".pdf"}),
    )
    url = forms.URLField(
        label=_("Or a link"),
        required=False,
        widget=forms.URLInput(attrs={"class": "govuk-input"}),
    )


class ApproveMaterialForm(forms.Form):
    factual_check = forms.CharField(
        label=_("Factual check"),
        required=False,
        help_text=_(
            "Required in the pre-election period: who checked that it holds only "
            "factual information and nothing promoting the office (Cumbria 11.2-11.3)."
        ),
        widget=forms.Textarea(attrs={**AREA, "rows": 3}),
    )


class BriefingPageForm(forms.Form):
    text_en = forms.CharField(
        label=_("Text in English"),
        required=False,
        help_text=_(
            "Paragraphs separated by a blank line; a line starting ## is a heading. "
            "Leave empty for the standard text."
        ),
        widget=forms.Textarea(attrs={**AREA, "rows": 16}),
    )
    text_cy = forms.CharField(
        label=_("Text in Welsh"),
        required=False,
        help_text=_("Leave empty for the standard text's Welsh translation."),
        widget=forms.Textarea(attrs={**AREA, "rows": 16}),
    )
