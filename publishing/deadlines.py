"""Reads for the publication deadline (issue 13, item 1): which sent answers have a target, when
each is due, how many are overdue or due soon (beside the register's counts, in the digest,
on the parity page). Staff reads only: nothing here feeds the public site (publishing.queries).

"Today" is always a parameter. The rules are publishing.rules (publication_due,
latest_answer_day_due_by, publication_state).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from election_protocol import calendar
from election_protocol.models import Election
from publishing import rules
from publishing.models import NotForPublication
from requests_register.models import Entry
from requests_register.queries import DUE_SOON_WORKING_DAYS, office_calendar


def targeted_answers(election: Election) -> QuerySet[Entry]:
    """Return the election's sent answers that have a publication target
    (rules.has_publication_target): every sent answer, or only those to candidates and agents,
    as the election says."""
    entries = Entry.objects.filter(
        election=election,
        status__in=rules.PUBLISHABLE_REGISTER_STATUSES,
        answered_at__isnull=False,
    ).exclude(answer="")
    if not election.publication_target_for_all_answers:
        entries = entries.filter(requester_type__in=rules.CANDIDATE_REQUESTER_TYPES)
    return entries


def _decided_not_to_publish(election: Election) -> QuerySet[NotForPublication]:
    return NotForPublication.objects.filter(election=election, status=rules.DecisionStatus.APPROVED)


def awaiting_publication(election: Election) -> QuerySet[Entry]:
    """Return the targeted answers whose target still runs: never published and not signed
    off as not for publication."""
    return targeted_answers(election).exclude(
        Q(public_entry__published_at__isnull=False)
        | Q(pk__in=_decided_not_to_publish(election).values("entry_id"))
    )


def publication_counts(election: Election, today: date) -> dict[str, int]:
    """Return {"overdue": n, "due_soon": n} of answers awaiting publication, in one query.

    An answer's due date only moves forward with the day it was sent, so "due before today"
    and "due by the due-soon cutoff" are ranges of the day sent
    (rules.latest_answer_day_due_by), counted in the database.
    """
    n = election.publication_target_working_days
    working = office_calendar(election)
    overdue_by = rules.latest_answer_day_due_by(today - timedelta(days=1), n, working)
    cutoff = working.add(today, DUE_SOON_WORKING_DAYS)
    soon_by = rules.latest_answer_day_due_by(cutoff, n, working)
    return awaiting_publication(election).aggregate(
        overdue=Count("pk", filter=Q(answered_at__date__lte=overdue_by)),
        due_soon=Count(
            "pk", filter=Q(answered_at__date__gt=overdue_by, answered_at__date__lte=soon_by)
        ),
    )


@dataclass(frozen=True)
class PublicationRow:
    entry: Entry
    due: calendar.DueDate
    state: rules.PublicationState
    decision: NotForPublication | None

    @property
    def state_label(self) -> str:
        return str(rules.PUBLICATION_STATE_LABELS[self.state])


def publication_rows(
    election: Election, today: date, *, entry_id: int | None = None
) -> list[PublicationRow]:
    """Return every targeted answer (or only `entry_id`) with its publication due date and
    state, the ones whose target still runs first (overdue first), then the ended ones, latest
    first."""
    n = election.publication_target_working_days
    working = office_calendar(election)
    cutoff = working.add(today, DUE_SOON_WORKING_DAYS)
    decisions: dict[int, NotForPublication] = {}
    found = NotForPublication.objects.filter(election=election)
    entries = targeted_answers(election)
    if entry_id is not None:
        found, entries = found.filter(entry_id=entry_id), entries.filter(pk=entry_id)
    for d in found.select_related("proposed_by", "decided_by"):
        # The live decision (proposed or approved) wins over a rejected one.
        if d.entry_id not in decisions or d.status != rules.DecisionStatus.REJECTED:
            decisions[d.entry_id] = d
    rows = []
    entries = entries.select_related("public_entry", "candidate").order_by("answered_at")
    for entry in entries:
        public = getattr(entry, "public_entry", None)
        decision = decisions.get(entry.pk)
        due = rules.publication_due(timezone.localdate(entry.answered_at), n, working)
        state = rules.publication_state(
            due.due,
            today=today,
            due_soon_cutoff=cutoff,
            published=public is not None and public.published_at is not None,
            not_for_publication=decision is not None
            and decision.status == rules.DecisionStatus.APPROVED,
        )
        rows.append(PublicationRow(entry, due, state, decision))
    running = {
        rules.PublicationState.OVERDUE,
        rules.PublicationState.DUE_SOON,
        rules.PublicationState.ON_TRACK,
    }
    return sorted(
        rows,
        key=lambda r: (
            r.state not in running,
            r.due.due if r.state in running else -r.due.due.toordinal(),
            r.entry.number,
        ),
    )


def digest_lines(election: Election, today: date) -> list[str]:
    """Return the daily digest's lines for answers awaiting publication that are overdue or
    due soon (no requester details: reference, topic, due date)."""
    lines = []
    for row in publication_rows(election, today):
        if row.state == rules.PublicationState.OVERDUE:
            lines.append(
                f"- {row.entry.reference} {row.entry.topic} "
                f"(publication OVERDUE, due {row.due.due:%a %-d %b})"
            )
        elif row.state == rules.PublicationState.DUE_SOON:
            lines.append(
                f"- {row.entry.reference} {row.entry.topic} "
                f"(publication due {row.due.due:%a %-d %b})"
            )
    return lines


@dataclass
class PublicationParity:
    name: str
    sent: int = 0
    published: int = 0
    not_for_publication: int = 0
    overdue: int = 0
    days: list[int] | None = None

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days) if self.days else None


def parity(election: Election, today: date) -> list[PublicationParity]:
    """Return, per candidate whose requests were answered, answers sent, published, not for
    publication, overdue now, and the median working days from sending to publication."""
    working = office_calendar(election)
    rows: dict[int, PublicationParity] = {}
    by_entry = {
        r.entry.pk: r for r in publication_rows(election, today) if r.entry.candidate_id is not None
    }
    for row in by_entry.values():
        entry = row.entry
        line = rows.setdefault(entry.candidate_id, PublicationParity(entry.candidate.name, days=[]))
        line.sent += 1
        if row.state == rules.PublicationState.PUBLISHED:
            line.published += 1
            line.days.append(
                calendar.working_days_between(
                    timezone.localdate(entry.answered_at),
                    timezone.localdate(entry.public_entry.published_at),
                    working,
                )
            )
        elif row.state == rules.PublicationState.NOT_FOR_PUBLICATION:
            line.not_for_publication += 1
        elif row.state == rules.PublicationState.OVERDUE:
            line.overdue += 1
    return sorted(rows.values(), key=lambda r: r.name.casefold())


def decisions(election: Election) -> QuerySet[NotForPublication]:
    """Return the election's "not for publication" decisions, latest first."""
    return (
        NotForPublication.objects.filter(election=election)
        .select_related("entry", "proposed_by", "decided_by")
        .order_by("-proposed_at", "-pk")
    )
