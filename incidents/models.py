"""Incidents and decisions of the pre-election period (issue 12): the incident, its steps,
evidence, consultations, the public statement a factual correction may lead to, and the
election's settings (targets per kind, the social-media explanation).

Models hold fields and constraints; every change goes through incidents.services.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from candidates.models import Candidate
from election_protocol.models import (
    Election,
    StatusStep,
    four_eyes,
    label_property,
    labelled_choices,
    staff_member,
)
from incidents import rules

DEFAULT_EXPLANATION = (
    "This comment has been removed because of the rules that govern the pre-election period."
)


class IncidentSettings(models.Model):
    """The office's choices for incidents in one election: a target per kind and the
    explanation posted when content is removed from an official account (Cumbria 7.2.3)."""

    election = models.OneToOneField(
        Election, on_delete=models.CASCADE, related_name="incident_settings"
    )
    # {kind: {"amount": n, "unit": "hours" | "working_days"}}; a kind left out has its default.
    targets = models.JSONField(default=dict, blank=True)
    social_media_explanation = models.TextField(default=DEFAULT_EXPLANATION)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "incident settings"

    def __str__(self) -> str:
        return f"Incident settings for {self.election_id}"

    def target_for(self, kind: rules.Kind) -> rules.Target:
        value = self.targets.get(kind.value)
        if not value:
            return rules.DEFAULT_TARGETS[kind]
        return rules.Target(int(value["amount"]), rules.Unit(value["unit"]))


class Incident(models.Model):
    """Something that happened in the election and needs a decision by the person the protocol
    names: what happened, who raised it, the decision and its reasons, and what was done."""

    Kind = labelled_choices("Kind", rules.Kind, rules.KIND_LABELS)
    Status = labelled_choices("Status", rules.Status, rules.STATUS_LABELS)
    Service = labelled_choices("Service", rules.Service, rules.SERVICE_LABELS)
    Classification = labelled_choices(
        "Classification", rules.Classification, rules.CLASSIFICATION_LABELS
    )

    class RaisedBy(models.TextChoices):
        CANDIDATE = "candidate", _("A candidate")
        AGENT = "agent", _("An agent")
        PARTY = "party", _("A party")
        PUBLIC = "public", _("A member of the public")
        MEDIA = "media", _("The media")
        STAFF = "staff", _("Staff")

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="incidents")
    number = models.PositiveIntegerField(editable=False)
    reference = models.CharField(max_length=30, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=rules.Status.RECORDED, editable=False
    )
    service = models.CharField(
        _("whose business"),
        max_length=10,
        choices=Service.choices,
        default=rules.Service.OFFICE,
        help_text=_("Whose imagery, announcement or staff it concerns: decides who decides."),
    )
    title = models.CharField(_("summary"), max_length=200)
    description = models.TextField(_("what happened"))
    links = models.TextField(_("links"), blank=True, help_text=_("One address a line"))
    raised_by_type = models.CharField(
        _("raised by"), max_length=10, choices=RaisedBy.choices, default=RaisedBy.STAFF
    )
    raised_by_name = models.CharField(_("name of who raised it"), max_length=200, blank=True)
    raised_by_email = models.EmailField(_("their e-mail address"), blank=True)
    raised_at = models.DateTimeField(_("raised (date and time)"))
    candidates = models.ManyToManyField(Candidate, blank=True, related_name="incidents")
    due_at = models.DateTimeField(editable=False)
    # Set once the SPOC has been told it is overdue (tasks.task_alert_overdue_incidents).
    overdue_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Kind-specific facts, recorded with the incident.
    source = models.CharField(
        _("where it appeared"),
        max_length=300,
        blank=True,
        help_text=_("The leaflet, newspaper, website or post"),
    )
    classification = models.CharField(
        max_length=20, choices=Classification.choices, blank=True, editable=False
    )
    platform = models.CharField(max_length=100, blank=True)
    account = models.CharField(_("official account"), max_length=200, blank=True)
    removed_at = models.DateTimeField(_("removed (date and time)"), null=True, blank=True)
    removed_by = models.CharField(_("removed by"), max_length=200, blank=True)
    explanation_posted = models.TextField(_("explanation posted"), blank=True)
    statutory_business = models.BooleanField(
        _("statutory business"),
        null=True,
        blank=True,
        help_text=_("Was the engagement the incumbent's statutory business (Cumbria 11.5)?"),
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    guidance = models.TextField(blank=True, editable=False)
    referred_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        editable=False,
    )

    # The decision, against the protocol's own criteria.
    decision = models.CharField(max_length=30, blank=True, editable=False)
    reasons = models.TextField(blank=True, editable=False)
    considerations = models.JSONField(default=dict, blank=True, editable=False)
    delay_effect = models.TextField(blank=True, editable=False)
    decided_by = staff_member(optional=True, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    outcome = models.TextField(_("what was done"), blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    recorded_by = staff_member(editable=False)
    recorded_at = models.DateTimeField(editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_at", "-number"]
        permissions = [
            ("decide_incident", "Can decide incidents (the person the protocol names)"),
        ]
        indexes = [models.Index(fields=["election", "status", "due_at"])]
        constraints = [
            models.UniqueConstraint(fields=["election", "number"], name="incident_number_once"),
            models.CheckConstraint(
                condition=~models.Q(status="decided") | ~models.Q(decision=""),
                name="incident_decided_has_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    kind_label = label_property("kind", rules.Kind, rules.KIND_LABELS)

    status_label = label_property("status", rules.Status, rules.STATUS_LABELS)

    @property
    def decision_label(self) -> str:
        return str(rules.DECISIONS[rules.Kind(self.kind)].get(self.decision, ""))

    clauses = label_property("kind", rules.Kind, rules.KIND_CLAUSES)

    @property
    def is_open(self) -> bool:
        return rules.Status(self.status) in rules.OPEN

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]


class IncidentStep(StatusStep):
    """One step of an incident: from, to, who, when, the note, and any e-mail it sent."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="steps")
    note = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.transition}"

    @property
    def label(self) -> str:
        try:
            return str(rules.STATUS_LABELS[rules.Status(self.new_status)])
        except ValueError:
            # A note-like step that does not change the status.
            return str(NOTE_LABELS.get(self.new_status, self.new_status))


NOTE_LABELS = {
    "evidence": _("Evidence added"),
    "statement_drafted": _("Statement drafted"),
    "consulted": _("Consulted"),
    "assigned": _("Shown to a colleague"),
    "reminder": _("Reminder recorded"),
    "referred": _("Referred as a conduct matter"),
    "erased": _("Personal data erased"),
}


class IncidentEmail(models.Model):
    """An e-mail of the outbox sent about an incident (letter, referral, statement): the copy
    is the outbox row itself."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="emails")
    email = models.OneToOneField(
        "requests_register.OutboundEmail", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["email__created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.email_id}"


class Evidence(models.Model):
    """A file kept with an incident (a photo of the leaflet, a screenshot of the post)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="incidents/%Y/%m/")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = staff_member()
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.name


class Consultation(models.Model):
    """Someone the protocol asks to see a response before it goes out, and their answer
    (Cumbria 7.1: the PARO and the Chief Constable)."""

    class Consultee(models.TextChoices):
        PARO = "paro", _("The PARO")
        CHIEF_CONSTABLE = "chief_constable", _("The Chief Constable")
        CHIEF_FIRE_OFFICER = "chief_fire_officer", _("The Chief Fire Officer")
        OTHER = "other", _("Someone else")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="consultations")
    consultee = models.CharField(max_length=20, choices=Consultee.choices)
    consultee_name = models.CharField(_("name"), max_length=200, blank=True)
    asked_at = models.DateTimeField(_("asked (date and time)"))
    answer = models.TextField(_("their answer"), blank=True)
    recorded_by = staff_member()
    recorded_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["asked_at", "pk"]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.consultee}"


class Statement(models.Model):
    """A neutral statement correcting a factual inaccuracy (Cumbria 7.1.2; Norfolk 24),
    drafted by the SPOC, approved by the Chief Executive or a deputy, then published on the
    public election page (through publishing.queries.published_statements).

    `draft` is private (it may name the candidate); `public_text` is the anonymised text, the
    only one the public site reads.
    """

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="statement")
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("heading"), max_length=200)
    draft = models.TextField(_("statement"))
    public_title = models.CharField(max_length=200, blank=True, editable=False)
    public_text = models.TextField(blank=True, editable=False)
    email_to = models.TextField(
        _("also e-mail it to"),
        blank=True,
        help_text=_("Optional: e-mail addresses, one a line (the newspaper, the candidate)"),
    )
    drafted_by = staff_member(editable=False)
    drafted_at = models.DateTimeField(editable=False)
    approved_by = staff_member(optional=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(published_at__isnull=True) | models.Q(approved_by__isnull=False),
                name="statement_published_is_approved",
            ),
            four_eyes("approved_by", "drafted_by", "statement_four_eyes"),
        ]

    def __str__(self) -> str:
        return self.title
