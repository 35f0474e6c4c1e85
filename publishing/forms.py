"""Forms for the review of public entries. They validate input only; services do the writing.

Every form carries the version of the public entry the person was looking at, so a step
taken on a text someone has since changed is refused (services.ConcurrentEditError).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from election_protocol.fields import require_for_choice
from publishing import rules

AREA = {"class": "govuk-textarea", "rows": 3}
CHECKBOX = {"class": "govuk-checkboxes__input"}
FACTUAL_LABEL = (
    "I confirm the content is factual only and does not promote the office "
    "(Cumbria protocol 11.2, 11.3)"
)


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class RedactForm(VersionedForm):
    field = forms.ChoiceField(
        label=_("Where"),
        choices=[(f.value, rules.FIELD_LABELS[f]) for f in rules.Field],
        initial=rules.Field.ANSWER.value,
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    text = forms.CharField(
        label=_("Text to hide"),
        help_text=_("Copy it from the original. Every occurrence is hidden, in any case."),
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
        error_messages={"required": _("Enter the text to hide.")},
    )
    kind = forms.ChoiceField(
        label=_("What it is"),
        choices=list(rules.MANUAL_KIND_LABELS.items()),
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    reason = forms.CharField(
        label=_("Why it must be hidden"),
        widget=forms.Textarea(attrs=AREA),
        error_messages={
            "required": _("Give a reason: it is kept with the entry for the approver.")
        },
    )


class RestoreForm(VersionedForm):
    reason = forms.CharField(
        label=_("Why this can be published"),
        widget=forms.Textarea(attrs={**AREA, "rows": 2}),
        error_messages={
            "required": _("Give a reason: it is kept with the entry for the approver.")
        },
    )


class SubmitForm(VersionedForm):
    pass


class ApproveForm(VersionedForm):
    factual_confirmed = forms.BooleanField(
        required=False, label=FACTUAL_LABEL, widget=forms.CheckboxInput(attrs=CHECKBOX)
    )


class ReturnForm(VersionedForm):
    reason = forms.CharField(
        label=_("What needs changing"),
        widget=forms.Textarea(attrs=AREA),
        error_messages={"required": _("Say what needs changing before it can be approved.")},
    )


class CorrectForm(VersionedForm):
    answer = forms.CharField(
        label=_("Corrected answer (the original text: it is anonymised again)"),
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 8}),
        error_messages={"required": _("Write the corrected answer.")},
    )
    note = forms.CharField(
        label=_("Correction note (published with the date it is approved)"),
        widget=forms.Textarea(attrs=AREA),
        error_messages={
            "required": _(
                "Write the correction note: it is published with its date beside the entry."
            )
        },
    )


class ApproveCorrectionForm(ApproveForm):
    """A correction is approved as an entry is: with the factual check (Cumbria 11.2-11.3)."""


class RejectCorrectionForm(VersionedForm):
    reason = forms.CharField(
        label=_("Why the correction is rejected (for whoever wrote it)"),
        widget=forms.Textarea(attrs=AREA),
        error_messages={"required": _("Say why the correction is rejected.")},
    )


class WithdrawForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason for withdrawal (published)"),
        widget=forms.Textarea(attrs=AREA),
        error_messages={
            "required": _("Give the reason for withdrawal: it is shown on the public page.")
        },
    )


# --- publication deadline and the action taken (issue 13, items 1 and 2) --------------------

SELECT = {"class": "govuk-select"}


class NotForPublicationForm(forms.Form):
    """A SPOC officer proposes that a sent answer is not published."""

    reason = forms.ChoiceField(
        label=_("Why it is not for publication"),
        choices=[("", _("Choose a reason")), *list(rules.NOT_FOR_PUBLICATION_LABELS.items())],
        widget=forms.Select(attrs=SELECT),
        error_messages={
            "required": _("Choose a reason from the list."),
            "invalid_choice": _("Choose a reason from the list."),
        },
    )
    detail = forms.CharField(
        label=_("In your words (for the Chief Executive; never published)"),
        max_length=2000,
        widget=forms.Textarea(attrs=AREA),
        error_messages={
            "required": _("Say why it should not be published: the Chief Executive reads this.")
        },
    )


class NotForPublicationDecisionForm(forms.Form):
    """The Chief Executive signs off or rejects a proposal."""

    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[
            (rules.DecisionStatus.APPROVED.value, _("Sign off: not for publication")),
            (rules.DecisionStatus.REJECTED.value, _("Reject: it is to be published")),
        ],
        widget=forms.RadioSelect(attrs={"class": "govuk-radios__input"}),
        error_messages={
            "required": _("Choose whether to sign it off or reject it."),
            "invalid_choice": _("Choose whether to sign it off or reject it."),
        },
    )
    note = forms.CharField(
        label=_("Note (needed to reject: say why it should be published)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=AREA),
    )

    def clean(self):
        data = super().clean()
        require_for_choice(
            self,
            data,
            "note",
            choice="decision",
            value=rules.DecisionStatus.REJECTED,
            message=_("Say why it should be published after all."),
        )
        return data


class ActionEntryForm(forms.Form):
    """The public reason category of a refusal or a declined meeting."""

    reason = forms.ChoiceField(
        label=_("Reason category shown to the public"),
        help_text=_(
            "A category only: the reasons as written to the requester are never published."
        ),
        choices=[("", _("Choose a reason")), *list(rules.ACTION_REASON_LABELS.items())],
        required=False,
        widget=forms.Select(attrs=SELECT),
        error_messages={"invalid_choice": _("Choose a reason from the list.")},
    )
