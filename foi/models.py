"""An FOI request's own record beside its register entry: who holds the information, the
clock (clarifications, an extension), the exemptions of a refusal, another authority's
disclosure and its copy, and the internal review.

Fields and constraints only: every change goes through foi.services.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from election_protocol.models import label_property, labelled_choices, staff_member
from foi import rules
from requests_register.models import Entry, OutboundEmail


def copy_path(instance: FoiCase, filename: str) -> str:
    # The stored name is not the uploaded one: no user input reaches the file system path.
    return f"foi/{instance.entry.election_id}/{instance.entry_id}/{instance.copy_stored_as}"


class FoiCase(models.Model):
    """The FOI side of one register entry of kind FOI."""

    Holder = labelled_choices("Holder", rules.Authority, rules.AUTHORITY_LABELS)
    State = labelled_choices("State", rules.State, rules.STATE_LABELS)
    Outcome = labelled_choices("Outcome", rules.ReviewOutcome, rules.REVIEW_OUTCOME_LABELS)

    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="foi_case")
    holder = models.CharField(_("held and disclosed by"), max_length=10, choices=Holder.choices)
    state = models.CharField(max_length=30, choices=State.choices, default=rules.State.OPEN)
    # The clock as last computed (rules.foi_clock), kept with its explanation like the
    # register's target date: non-working days added later do not move it silently.
    due_explanation = models.TextField(blank=True)

    extended_to = models.DateField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    extension_exemptions = models.JSONField(default=list, blank=True)
    extension_notice = models.ForeignKey(
        OutboundEmail, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    exemptions = models.JSONField(default=list, blank=True)
    refusal_reason = models.TextField(blank=True)

    # Another authority's disclosure under its own Act duty, copied to the SPOC.
    other_reference = models.CharField(_("their reference"), max_length=100, blank=True)
    other_disclosed_on = models.DateField(null=True, blank=True)
    disclosure_text = models.TextField(_("what was disclosed"), blank=True)
    copy_stored_as = models.CharField(max_length=40, blank=True)
    copy_file = models.FileField(upload_to=copy_path, blank=True)
    copy_filename = models.CharField(max_length=255, blank=True)
    copy_content_type = models.CharField(max_length=100, blank=True)
    copy_size = models.PositiveIntegerField(default=0)

    review_requested_on = models.DateField(null=True, blank=True)
    review_grounds = models.TextField(blank=True)
    review_target = models.DateField(null=True, blank=True)
    review_latest = models.DateField(null=True, blank=True)
    review_explanation = models.TextField(blank=True)
    review_outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    review_decided_on = models.DateField(null=True, blank=True)
    review_notes = models.TextField(blank=True)

    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["pk"]
        verbose_name = "FOI request"

    def __str__(self) -> str:
        return f"FOI {self.entry_id} ({self.state})"

    state_label = label_property("state", rules.State, rules.STATE_LABELS)

    @property
    def exemption_labels(self) -> list[str]:
        return [rules.exemption_label(s) for s in self.exemptions]

    @property
    def extension_exemption_labels(self) -> list[str]:
        return [rules.exemption_label(s) for s in self.extension_exemptions]


class Clarification(models.Model):
    """A request for clarification (FOIA s.1(3)) and, once received, the answer."""

    case = models.ForeignKey(FoiCase, on_delete=models.CASCADE, related_name="clarifications")
    asked_on = models.DateField()
    question = models.TextField()
    asked_by = staff_member()
    email = models.ForeignKey(
        OutboundEmail, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_on = models.DateField(null=True, blank=True)
    answer = models.TextField(blank=True)
    recorded_by = staff_member(optional=True)

    class Meta:
        ordering = ["asked_on", "pk"]

    def __str__(self) -> str:
        return f"Clarification on {self.case_id}, {self.asked_on}"


class FoiEvent(models.Model):
    """One step of an FOI request: who, when, from and to which state, and what was done."""

    case = models.ForeignKey(FoiCase, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    by = staff_member()
    old_state = models.CharField(max_length=30, blank=True)
    new_state = models.CharField(max_length=30, blank=True)
    what = models.TextField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.what[:40]}"
