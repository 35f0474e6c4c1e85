"""Forms of issue 13 on the register: owner, unassign and hand over, answer documents."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from election_protocol.fields import ModelChoiceField
from requests_register import rules, signoff
from requests_register.forms import AREA, SELECT, AssignForm, MultipleFileField
from requests_register.handover import spoc_team


class OwnerForm(forms.Form):
    owner = ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.Select(attrs=SELECT),
        label=_("Owner"),
        empty_label=_("Nobody"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = spoc_team()


def _assigned(entry):
    return get_user_model().objects.filter(assignments__entry=entry).distinct().order_by("username")


class UnassignForm(forms.Form):
    assignee = ModelChoiceField(
        queryset=get_user_model().objects.none(),
        widget=forms.Select(attrs=SELECT),
        label=_("Colleague to unassign"),
    )

    def __init__(self, *args, entry, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _assigned(entry)


class ReassignForm(forms.Form):
    from_user = ModelChoiceField(
        queryset=get_user_model().objects.none(),
        widget=forms.Select(attrs=SELECT),
        label=_("From"),
    )
    to_user = ModelChoiceField(
        queryset=get_user_model().objects.none(),
        widget=forms.Select(attrs=SELECT),
        label=_("To"),
    )
    request = forms.CharField(
        label=_("What is needed"),
        required=False,
        widget=forms.Textarea(attrs={**AREA, "rows": 3}),
    )

    def __init__(self, *args, entry, **kwargs) -> None:
        super().__init__(*args, **kwargs)

        self.fields["from_user"].queryset = _assigned(entry)
        self.fields["to_user"].queryset = AssignForm().fields["assignee"].queryset


class AnswerDocumentForm(forms.Form):
    # Prefixed: the entry's page also holds the attachments form, whose field is "files" too
    # (one id, two labels, was ambiguous to screen readers and to the browser tests).
    prefix = "answer_documents"

    files = MultipleFileField(
        label=_("Add documents to send with the answer"),
        required=True,
        help_text=_("PDF, Word, Excel, text, CSV or images; up to 10 MB in all."),
    )


class ProposeForm(forms.Form):
    """An ending the SPOC proposes for the Chief Executive to sign off (signoff.py)."""

    status = forms.ChoiceField(
        label=_("Propose"),
        choices=[(s.value, signoff.PROPOSAL_LABELS[s]) for s in signoff.PROPOSABLE],
        widget=forms.Select(attrs=SELECT),
    )
    no_reply_reason = forms.ChoiceField(
        label=_("Why no reply is due (for a closure)"),
        required=False,
        choices=[("", _("Not a closure"))]
        + [(r.value, rules.NO_REPLY_LABELS[r]) for r in sorted(rules.NO_REPLY_SIGNED_OFF)],
        widget=forms.Select(attrs=SELECT),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={**AREA, "rows": 3}),
        help_text=_("Kept on the register and, for a refusal or referral, used in the reply."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == rules.Status.CLOSED and not cleaned.get("no_reply_reason"):
            self.add_error("no_reply_reason", _("Choose why no reply is due."))
        return cleaned


class DecideProposalForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("sign_off", _("Sign off")), ("decline", _("Do not sign off"))],
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label=_("Why not (if not signed off)"),
        required=False,
        widget=forms.Textarea(attrs={**AREA, "rows": 2}),
    )
