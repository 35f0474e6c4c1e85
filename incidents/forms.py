"""Forms for incidents. They validate input only; services do the writing."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from candidates.models import Candidate
from election_protocol.fields import ModelChoiceField, guarded_formfield
from election_protocol.roles import Role
from incidents import rules
from incidents.models import Consultation, Incident
from requests_register.forms import MultipleFileField

TEXT = {"class": "govuk-input"}
SELECT = {"class": "govuk-select"}
AREA = {"class": "govuk-textarea", "rows": 4}
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
CHECKBOXES = {"class": "govuk-checkboxes__input"}
RADIOS = {"class": "govuk-radios__input"}


def _local_input():
    return forms.DateTimeInput(
        attrs={"class": "govuk-input govuk-input--width-20", "type": "datetime-local"},
        format="%Y-%m-%dT%H:%M",
    )


# The fields each kind asks for, beyond those every incident has.
KIND_FIELDS = {
    rules.Kind.IMAGERY: ["service", "candidates", "source"],
    rules.Kind.FACTUAL: ["service", "candidates", "source"],
    rules.Kind.SOCIAL_MEDIA: [
        "service",
        "platform",
        "account",
        "removed_at",
        "removed_by",
        "explanation_posted",
    ],
    rules.Kind.BREACH: ["candidates"],
    rules.Kind.CONDUCT: ["service", "candidates"],
    rules.Kind.ANNOUNCEMENT: ["service"],
    rules.Kind.INCUMBENT: ["candidates", "statutory_business"],
}
COMMON = [
    "title",
    "description",
    "links",
    "raised_at",
    "raised_by_type",
    "raised_by_name",
    "raised_by_email",
]
# Who raised it matters (and is kept private) where someone outside raised it.
NO_RAISER = {rules.Kind.SOCIAL_MEDIA, rules.Kind.ANNOUNCEMENT}

LABELS = {
    rules.Kind.IMAGERY: {
        "service": _("Whose imagery or livery"),
        "source": _("Where it appeared (leaflet, website, post)"),
        "candidates": _("Candidate whose material it is"),
    },
    rules.Kind.FACTUAL: {
        "service": _("Who the claim is about"),
        "source": _("Where the claim was made (newspaper, leaflet, broadcast)"),
        "candidates": _("Candidate who made the claim, if any"),
    },
    rules.Kind.SOCIAL_MEDIA: {"service": _("Whose account")},
    rules.Kind.CONDUCT: {"service": _("Whose staff raised it")},
    rules.Kind.ANNOUNCEMENT: {"service": _("Whose announcement")},
    rules.Kind.INCUMBENT: {"candidates": _("The incumbent")},
}


class RecordIncidentForm(forms.ModelForm):
    """What happened, who raised it and the kind's own facts (KIND_FIELDS)."""

    statutory_business = forms.TypedChoiceField(
        label=_("Was it the incumbent's statutory business?"),
        choices=[("", _("Not known yet")), ("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        required=False,
        widget=forms.Select(attrs=SELECT),
        help_text=_("Cumbria 11.5: records are kept unless it is statutory business."),
    )
    files = MultipleFileField(label=_("Evidence files (optional)"))

    class Meta:
        formfield_callback = guarded_formfield
        model = Incident
        fields = [
            *COMMON,
            "service",
            "candidates",
            "source",
            "platform",
            "account",
            "removed_at",
            "removed_by",
            "explanation_posted",
        ]
        widgets = {
            "title": forms.TextInput(attrs=TEXT),
            "description": forms.Textarea(attrs=AREA),
            "links": forms.Textarea(attrs={**AREA, "rows": 2}),
            "raised_at": _local_input(),
            "raised_by_type": forms.Select(attrs=SELECT),
            "raised_by_name": forms.TextInput(attrs=TEXT),
            "raised_by_email": forms.EmailInput(attrs=TEXT),
            "service": forms.Select(attrs=SELECT),
            "candidates": forms.CheckboxSelectMultiple(attrs=CHECKBOXES),
            "source": forms.TextInput(attrs=TEXT),
            "platform": forms.TextInput(attrs=TEXT),
            "account": forms.TextInput(attrs=TEXT),
            "removed_at": _local_input(),
            "removed_by": forms.TextInput(attrs=TEXT),
            "explanation_posted": forms.Textarea(attrs={**AREA, "rows": 2}),
        }

    def __init__(self, *args, kind: rules.Kind, election, explanation: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        wanted = set(COMMON) | set(KIND_FIELDS[kind]) | {"files"}
        if kind in NO_RAISER:
            wanted -= {"raised_by_type", "raised_by_name", "raised_by_email"}
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        for name, label in LABELS.get(kind, {}).items():
            if name in self.fields:
                self.fields[name].label = label
        for name in ("raised_at", "removed_at"):
            if name in self.fields:
                self.fields[name].input_formats = LOCAL_FORMATS
        if "candidates" in self.fields:
            self.fields["candidates"].queryset = Candidate.objects.filter(
                election=election
            ).order_by("name")
            self.fields["candidates"].required = kind in (rules.Kind.IMAGERY, rules.Kind.INCUMBENT)
        if "removed_at" in self.fields:
            self.fields["removed_at"].required = True
            self.fields["removed_by"].required = True
            self.fields["platform"].required = True
            self.fields["account"].required = True
        if "explanation_posted" in self.fields:
            self.fields["explanation_posted"].initial = explanation
            self.fields["explanation_posted"].help_text = _(
                "Never the poster's name or handle. Left empty: the office's standard text."
            )
        if kind == rules.Kind.BREACH:
            self.fields["raised_by_email"].help_text = _("The written answer is sent here")


class StepForm(forms.Form):
    """A move on the incident's page: to the decider, to the PARO, back, or closed."""

    status = forms.ChoiceField(
        choices=[(s.value, s.value) for s in rules.Status], widget=forms.HiddenInput
    )
    # The status the person saw: a double click or a colleague acting first is refused.
    expected_status = forms.CharField(required=False, widget=forms.HiddenInput)
    reasons = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={**AREA, "rows": 3})
    )
    classification = forms.ChoiceField(
        label=_("The claim is"),
        choices=[("", "")]
        + [(c.value, rules.CLASSIFICATION_LABELS[c]) for c in rules.Classification],
        required=False,
        widget=forms.RadioSelect(attrs=RADIOS),
    )


def _consideration(key: str) -> forms.CharField:
    """A short text for one of the four considerations of an imagery decision (Cumbria 10.1:
    rules.IMAGERY_CONSIDERATIONS)."""
    return forms.CharField(
        label=rules.IMAGERY_CONSIDERATIONS[key],
        required=False,
        widget=forms.Textarea(attrs={**AREA, "rows": 2}),
    )


class DecideForm(forms.Form):
    """The decision, against the protocol's own criteria for the kind (rules.check_step)."""

    expected_status = forms.CharField(required=False, widget=forms.HiddenInput)
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect(attrs=RADIOS))
    profile = _consideration("profile")
    message = _consideration("message")
    publication = _consideration("publication")
    damage = _consideration("damage")
    delay_effect = forms.CharField(
        label=_("The effect of delaying it"),
        required=False,
        widget=forms.Textarea(attrs={**AREA, "rows": 3}),
        help_text=_("Cumbria 11.1: what delaying would cost, weighed against the election"),
    )
    guidance = forms.CharField(
        label=_("The PARO's guidance"),
        required=False,
        widget=forms.Textarea(attrs={**AREA, "rows": 3}),
    )
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs=AREA))

    def __init__(self, *args, kind: rules.Kind, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = list(rules.DECISIONS[kind].items())
        keep = {"expected_status", "decision", "reasons"}
        if kind == rules.Kind.IMAGERY:
            keep |= set(rules.IMAGERY_CONSIDERATIONS)
            for name in rules.IMAGERY_CONSIDERATIONS:
                self.fields[name].required = True
        if kind == rules.Kind.ANNOUNCEMENT:
            keep.add("delay_effect")
            self.fields["delay_effect"].required = True
        if kind == rules.Kind.CONDUCT:
            keep.add("guidance")
            self.fields["guidance"].required = True
        if kind == rules.Kind.BREACH:
            self.fields["reasons"].label = _("Reasons (the written answer to the complainant)")
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]


class StatementForm(forms.Form):
    title = forms.CharField(label=_("Heading"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    draft = forms.CharField(
        label=_("Statement"),
        widget=forms.Textarea(attrs={**AREA, "rows": 6}),
        help_text=_(
            "Neutral and factual: correct the inaccuracy without attacking anyone (Cumbria "
            "7.1.2). Names and contact details are removed before it is published."
        ),
    )
    email_to = forms.CharField(
        label=_("Also e-mail it to (optional)"),
        required=False,
        widget=forms.Textarea(attrs={**AREA, "rows": 2}),
        help_text=_("E-mail addresses, one a line"),
    )


class ConsultationForm(forms.ModelForm):
    class Meta:
        model = Consultation
        fields = ["consultee", "consultee_name", "asked_at", "answer"]
        widgets = {
            "consultee": forms.Select(attrs=SELECT),
            "consultee_name": forms.TextInput(attrs=TEXT),
            "asked_at": _local_input(),
            "answer": forms.Textarea(attrs={**AREA, "rows": 3}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["asked_at"].input_formats = LOCAL_FORMATS
        # The PARO has a section of its own on the page (rules.check_consultee).
        consultee = self.fields["consultee"]
        consultee.choices = [
            (value, label)
            for value, label in consultee.choices
            if value not in rules.CONSULTED_ELSEWHERE
        ]
        consultee.help_text = _(
            'A consultation with the PARO goes in the "Consultations with the PARO" section.'
        )


class EvidenceForm(forms.Form):
    files = MultipleFileField(label=_("Add evidence files"), required=True)


class AssignForm(forms.Form):
    assignee = ModelChoiceField(
        label=_("Let this colleague see it"),
        queryset=get_user_model().objects.none(),
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = (
            get_user_model()
            .objects.filter(
                is_active=True,
                groups__name__in=[Role.POLICE_LIAISON.value, Role.FIRE_LIAISON.value],
            )
            .order_by("username")
            .distinct()
        )


class SettingsForm(forms.Form):
    """A target per kind (amount and unit), and the social-media explanation."""

    explanation = forms.CharField(
        label=_("Explanation posted when content is removed (Cumbria 7.2.3)"),
        widget=forms.Textarea(attrs={**AREA, "rows": 3}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind in rules.Kind:
            self.fields[f"{kind.value}_amount"] = forms.IntegerField(
                label=rules.KIND_LABELS[kind],
                min_value=1,
                max_value=999,
                widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4"}),
            )
            self.fields[f"{kind.value}_unit"] = forms.ChoiceField(
                label=_("Unit"),
                choices=[(u.value, rules.UNIT_LABELS[u]) for u in rules.Unit],
                widget=forms.Select(attrs=SELECT),
            )

    def targets(self) -> dict[str, rules.Target]:
        return {
            kind.value: rules.Target(
                self.cleaned_data[f"{kind.value}_amount"],
                rules.Unit(self.cleaned_data[f"{kind.value}_unit"]),
            )
            for kind in rules.Kind
        }

    def rows(self):
        """Return (amount field, unit field) per kind, for the template."""
        return [(self[f"{k.value}_amount"], self[f"{k.value}_unit"]) for k in rules.Kind]
