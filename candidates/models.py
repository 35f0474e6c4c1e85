"""Parties, candidates and the history of each candidate's status."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from candidates import rules
from election_protocol.models import Election, labelled_choices, staff_member


class Party(models.Model):
    """A registered political party and the short forms people write for it.

    The short forms ("Labour", "the Tories", "Lib Dems") let the anonymiser remove a party
    wherever it would identify a candidate (publishing, issue 5).
    """

    name = models.CharField(_("registered name"), max_length=200, unique=True)
    short_forms = models.JSONField(default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "parties"

    def __str__(self) -> str:
        return self.name


class Candidate(models.Model):
    """A person standing, or expected to stand, in an election.

    Candidates are members of the public: they never get a staff account. Their contact
    details are private (never on a public page, feed or export). `status` changes only
    through candidates.services.set_candidate_status, which writes a StatusChange row.
    """

    # Built from the rules' enum, one list of values: (member name, (value, label)).
    Status = labelled_choices("Status", rules.Status, {s: rules.label(s) for s in rules.Status})

    class IncumbentRole(models.TextChoices):
        NONE = "", _("None")
        COMMISSIONER = "commissioner", _("Incumbent commissioner (PCC or PFCC)")
        DEPUTY = "deputy", _("Incumbent deputy commissioner")

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="candidates")
    name = models.CharField(max_length=200, help_text=_("Full name, as on the ballot paper"))
    aliases = models.JSONField(
        default=list, blank=True, help_text=_("Other names people use, for example Bob for Robert")
    )
    party = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidates",
        help_text=_("Leave blank for an independent candidate"),
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=rules.Status.PROSPECTIVE, editable=False
    )
    incumbent_role = models.CharField(
        max_length=20, choices=IncumbentRole.choices, default=IncumbentRole.NONE, blank=True
    )
    linked_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="linked_candidates",
        help_text=_(
            "The staff account of an incumbent who stands: it is refused the staff "
            "application while the candidate stands."
        ),
    )

    # Private contact details: shown only to roles with candidates.view_candidate_contacts.
    emails = models.JSONField(_("e-mail addresses"), default=list, blank=True)
    phones = models.JSONField(_("phone numbers"), default=list, blank=True)
    postal_address = models.TextField(blank=True)
    handles = models.JSONField(_("social media handles"), default=list, blank=True)
    website = models.URLField(blank=True)

    agent_name = models.CharField(max_length=200, blank=True)
    agent_email = models.EmailField(blank=True)
    agent_phone = models.CharField(max_length=40, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        permissions = [
            ("change_candidate_status", "Can change a candidate's status"),
            ("import_sopn", "Can import the statement of persons nominated"),
            ("view_candidate_contacts", "Can see candidates' private contact details"),
            ("correct_candidate_status", "Can correct a mistaken candidate status"),
        ]
        indexes = [models.Index(fields=["election", "status"])]
        constraints = [
            # The funnel checks this too; the constraint makes two simultaneous winners
            # impossible even if a check were ever bypassed.
            models.UniqueConstraint(
                fields=["election"],
                condition=models.Q(status="elected"),
                name="one_elected_candidate_per_election",
                violation_error_message="Another candidate is already recorded as elected.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def party_label(self) -> str:
        return self.party.name if self.party else "Independent"

    @property
    def status_label(self) -> str:
        return rules.label(rules.Status(self.status))


class StatusChange(models.Model):
    """One change of a candidate's status: who, when, from what, to what, and why."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="status_changes"
    )
    old_status = models.CharField(max_length=20, blank=True)
    new_status = models.CharField(max_length=20)
    changed_at = models.DateTimeField()
    changed_by = staff_member()
    note = models.TextField(blank=True)
    is_correction = models.BooleanField(default=False)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.candidate}: {self.old_status or 'new'} → {self.new_status}"

    @property
    def old_label(self) -> str:
        return rules.label(rules.Status(self.old_status)) if self.old_status else "—"

    @property
    def new_label(self) -> str:
        return rules.label(rules.Status(self.new_status))
