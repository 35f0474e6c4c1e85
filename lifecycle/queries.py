"""Reads for the election's lifecycle: the elections to choose from, whether one is frozen, and
the facts the close-down checklist is computed from."""

from __future__ import annotations

from datetime import date, datetime

from candidates.models import Candidate
from candidates.rules import Status as CandidateStatus
from election_protocol.models import Election
from election_protocol.queries import current_election
from lifecycle import rules
from lifecycle.models import Closure
from publishing.models import PublicEntry
from publishing.rules import PUBLISHABLE_REGISTER_STATUSES
from publishing.rules import Status as PublicStatus
from requests_register import rules as register_rules
from requests_register.models import Entry


def elections_to_choose(today: date) -> tuple[list[Election], Election | None]:
    """Return every election, newest poll first, and the current one (the default)."""
    return list(Election.objects.select_related("closure").order_by("-poll_date", "pk")), (
        current_election(today)
    )


def closure_for(election: Election) -> Closure | None:
    return Closure.objects.filter(election=election).first()


def is_frozen(election_id: int | None) -> bool:
    """Return True if the election's register is frozen (the election is read-only)."""
    if election_id is None:
        return False
    return Closure.objects.filter(election_id=election_id, frozen_at__isnull=False).exists()


def open_entries(election: Election):
    return Entry.objects.filter(
        election=election, status__in=[s.value for s in register_rules.OPEN]
    ).order_by("number")


def awaiting_publication(election: Election) -> int:
    """Return how many answers still await publication: public versions prepared but not yet
    approved, and answers sent (or closed with an answer) with no public version at all
    (publishing.rules.PUBLISHABLE_REGISTER_STATUSES; Cumbria 11)."""
    pending = PublicEntry.objects.filter(
        election=election, status__in=[PublicStatus.DRAFT, PublicStatus.AWAITING_APPROVAL]
    ).count()
    unprepared = (
        Entry.objects.filter(
            election=election,
            status__in=PUBLISHABLE_REGISTER_STATUSES,
            public_entry__isnull=True,
        )
        .exclude(answer="")
        .count()
    )
    return pending + unprepared


def facts(election: Election, now: datetime) -> rules.Facts:
    closure = closure_for(election)
    tt = election.timetable
    return rules.Facts(
        now=now,
        poll_closes=tt.poll_closes,
        takes_office=tt.takes_office,
        results_recorded=Candidate.objects.filter(
            election=election, status=CandidateStatus.ELECTED
        ).exists(),
        awaiting_publication=awaiting_publication(election),
        explanation=closure.publication_explanation if closure else "",
        open_entries=open_entries(election).count(),
        frozen=bool(closure and closure.frozen_at),
        archived=bool(closure and closure.archived_at),
        reported=bool(closure and closure.report_at),
        retention_started=bool(closure and closure.retention_started_at),
    )
