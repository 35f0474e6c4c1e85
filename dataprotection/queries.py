"""Reads for data protection: what a retention run would do, and which elections are due.
"Today" is always a parameter."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from candidates.models import Candidate
from dataprotection import rules
from dataprotection.models import RetentionRun
from election_protocol.models import Election
from incidents.services import incidents_with_personal_data
from requests_register.models import Entry


@dataclass
class RetentionPlan:
    """What apply_retention would do to one election on `today` (nothing written)."""

    election: Election
    today: date
    due_on: date
    is_due: bool
    erase: list[Entry] = field(default_factory=list)
    held: list[Entry] = field(default_factory=list)
    still_open: list[Entry] = field(default_factory=list)
    already_erased: int = 0
    candidates: list[Candidate] = field(default_factory=list)
    # Decided or closed incidents still holding who raised them or evidence (issue 12).
    incidents: int = 0

    @property
    def has_work(self) -> bool:
        return self.is_due and bool(self.erase or self.candidates or self.incidents)


def plan_retention(election: Election, today: date) -> RetentionPlan:
    """Return the entries of `election` each retention decision applies to on `today`
    (one query, whatever the size of the register)."""
    plan = RetentionPlan(
        election=election,
        today=today,
        due_on=rules.retention_date(election),
        is_due=rules.retention_due(election, today),
    )
    entries = Entry.objects.filter(election=election).order_by("number")
    for entry in entries.only(
        "pk", "reference", "topic", "status", "legal_hold", "personal_data_erased_at"
    ):
        decision = rules.entry_decision(
            status=entry.status,
            legal_hold=entry.legal_hold,
            already_erased=entry.personal_data_erased_at is not None,
        )
        if decision == rules.Decision.ERASE:
            plan.erase.append(entry)
        elif decision == rules.Decision.HOLD:
            plan.held.append(entry)
        elif decision == rules.Decision.OPEN:
            plan.still_open.append(entry)
        else:
            plan.already_erased += 1
    plan.candidates = [
        c for c in Candidate.objects.filter(election=election).order_by("name") if has_contacts(c)
    ]

    plan.incidents = incidents_with_personal_data(election).count()
    return plan


CANDIDATE_PRIVATE_FIELDS = {
    # field: its erased value. The name, aliases, party and status stay: they are the public
    # record of who stood (the statement of persons nominated).
    "emails": [],
    "phones": [],
    "postal_address": "",
    "handles": [],
    "website": "",
    "agent_name": "",
    "agent_email": "",
    "agent_phone": "",
}


def has_contacts(candidate) -> bool:
    """Return True if `candidate` (or one of its history rows) still holds a private detail."""
    return any(getattr(candidate, f) for f in CANDIDATE_PRIVATE_FIELDS)


def elections_due(today: date) -> list[Election]:
    """Return every election whose retention date has passed on `today`."""
    return [e for e in Election.objects.order_by("poll_date") if rules.retention_due(e, today)]


def retention_runs(election: Election, limit: int = 50) -> list[RetentionRun]:
    """Return the latest retention runs of `election`, newest first, with who ran them."""
    return list(RetentionRun.objects.filter(election=election).select_related("run_by")[:limit])
