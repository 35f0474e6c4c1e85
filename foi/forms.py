"""Forms for FOI requests. They validate input only; foi.services does the writing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from foi import rules

TEXT = {"class": "govuk-input"}
SELECT = {"class": "govuk-select"}
AREA = {"class": "govuk-textarea", "rows": 4}
CHECKBOXES = {"class": "govuk-checkboxes__input"}
DATE = {"class": "govuk-input govuk-input--width-10", "type": "date"}


def _exemption_choices() -> list[tuple[str, str]]:
    return [(e.section, rules.exemption_label(e.section)) for e in rules.EXEMPTIONS]


def _date_field(label: str, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, help_text=help_text, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )


def _text(label: str, help_text: str = "", rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=10_000,
        widget=forms.Textarea(attrs={**AREA, "rows": rows}),
    )


class HolderForm(forms.Form):
    holder = forms.ChoiceField(
        label=_("Which public authority holds the information and discloses it"),
        choices=[(a.value, rules.AUTHORITY_LABELS[a]) for a in rules.Authority],
        widget=forms.Select(attrs=SELECT),
        help_text=_(
            "Each authority stays responsible under the Act for its own disclosure and copies "
            "it to the SPOC (Cumbria 6.1.4, Norfolk 12)."
        ),
    )


class ClarifyForm(forms.Form):
    question = _text(
        _("What the requester needs to tell you"),
        _("E-mailed to the requester. The clock stops until they answer (section 1(3))."),
    )


class ClarifiedForm(forms.Form):
    answered_on = _date_field(
        _("Date the answer was received"),
        _("The 20 working days run again from this day (section 10(6)(b))."),
    )
    answer = _text(_("What the requester said"))


class ExtendForm(forms.Form):
    new_date = _date_field(
        _("New date for the answer"),
        _("At most a further 20 working days after the current due date."),
    )
    exemptions = forms.MultipleChoiceField(
        label=_("Qualified exemptions whose public interest test needs the time"),
        choices=_exemption_choices,
        widget=forms.CheckboxSelectMultiple(attrs=CHECKBOXES),
    )
    reason = _text(_("Why more time is needed"), _("Goes in the notice to the requester."))


class RefuseForm(forms.Form):
    exemptions = forms.MultipleChoiceField(
        label=_("Exemptions relied on"),
        choices=_exemption_choices,
        widget=forms.CheckboxSelectMultiple(attrs=CHECKBOXES),
    )
    reason = _text(
        _("Why each exemption applies"),
        _("Goes in the refusal notice (section 17), with the public interest reasons."),
        rows=6,
    )


class DisclosedForm(forms.Form):
    their_reference = forms.CharField(
        label=_("Their reference"), max_length=100, widget=forms.TextInput(attrs=TEXT)
    )
    disclosed_on = _date_field(_("Date they disclosed"))
    text = _text(
        _("What was disclosed"),
        _("The text that can be published on the election page, after review and approval."),
        rows=6,
    )
    copy = forms.FileField(
        label=_("The copy received"),
        widget=forms.ClearableFileInput(attrs={"class": "govuk-file-upload"}),
    )


class ReviewForm(forms.Form):
    requested_on = _date_field(_("Date the review was requested"))
    grounds = _text(_("What the requester is unhappy with"))


class ReviewDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(o.value, rules.REVIEW_OUTCOME_LABELS[o]) for o in rules.ReviewOutcome],
        widget=forms.Select(attrs=SELECT),
    )
    notes = _text(_("The decision, explained"), _("E-mailed to the requester."), rows=6)
