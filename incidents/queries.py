"""Reusable reads of incidents: deadline counts, what awaits someone, earlier decisions on
similar cases, the parity page's decisions and the digest's lines. "Now" is a parameter."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Case, Count, IntegerField, Min, Q, QuerySet, Value, When
from django.utils import timezone

from election_protocol.models import Election
from incidents import rules
from incidents.models import Incident
from incidents.permissions import incidents_for_user

OPEN_VALUES = [s.value for s in rules.OPEN]


def open_incidents(incidents: QuerySet[Incident]) -> QuerySet[Incident]:
    """Return the incidents not yet decided (recorded, awaiting a decision or the PARO)."""
    return incidents.filter(status__in=OPEN_VALUES)


def deadline_counts(incidents: QuerySet[Incident], now: datetime) -> dict[str, int]:
    """Return {"overdue": n, "due_soon": n} for open `incidents`, in one query (shown on
    every staff page beside the register's)."""
    return open_incidents(incidents).aggregate(
        overdue=Count("pk", filter=Q(due_at__lt=now)),
        due_soon=Count("pk", filter=Q(due_at__gte=now, due_at__lte=now + rules.DUE_SOON)),
    )


def deadline_counts_until(incidents: QuerySet[Incident], now: datetime) -> dict[str, object]:
    """Return deadline_counts(incidents, now) and, as "until", the first moment they may
    differ (a target passes, or comes within DUE_SOON), or None if no open incident's target
    lies ahead: counts kept at `now` hold while the clock is before it (staff_counts). One
    query."""
    soon = now + rules.DUE_SOON
    found = open_incidents(incidents).aggregate(
        overdue=Count("pk", filter=Q(due_at__lt=now)),
        due_soon=Count("pk", filter=Q(due_at__gte=now, due_at__lte=soon)),
        next_overdue=Min("due_at", filter=Q(due_at__gte=now)),
        next_due_soon=Min("due_at", filter=Q(due_at__gt=soon)),
    )
    moments = [found.pop("next_overdue")]
    next_due_soon = found.pop("next_due_soon")
    if next_due_soon is not None:
        moments.append(next_due_soon - rules.DUE_SOON)
    moments = [m for m in moments if m is not None]
    found["until"] = min(moments) if moments else None
    return found


def similar_decisions(incident: Incident, limit: int = 10) -> QuerySet[Incident]:
    """Return earlier decisions on the same kind of incident in the same election, the same
    service's first, latest first: the same material from two candidates must meet the same
    decision (Cumbria 3.3.1), so the decider sees them while deciding."""
    return (
        Incident.objects.filter(
            election_id=incident.election_id,
            kind=incident.kind,
            decided_at__isnull=False,
        )
        .exclude(pk=incident.pk)
        .prefetch_related("candidates")
        .order_by(
            Case(
                When(service=incident.service, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "-decided_at",
        )[:limit]
    )


def parity_decisions(election: Election) -> QuerySet[Incident]:
    """Return the decisions that are evidence of equal treatment: imagery decisions and
    breach complaints, with their candidates (the parity page links to them)."""
    return (
        Incident.objects.filter(election=election, kind__in=[rules.Kind.IMAGERY, rules.Kind.BREACH])
        .prefetch_related("candidates")
        .order_by("kind", "raised_at")
    )


def digest_lines(incidents: QuerySet[Incident], now: datetime) -> list[str]:
    """Return one line per open incident for the daily digest, overdue first, then by target
    (reference, kind, status and target: no names of anyone who raised it)."""
    lines = []
    for incident in open_incidents(incidents).order_by("due_at", "number"):
        state = rules.deadline_state(rules.Status(incident.status), incident.due_at, now)
        due = timezone.localtime(incident.due_at)
        when = "OVERDUE" if state == "overdue" else f"due {due:%a %-d %b %H:%M}"
        lines.append(
            f"- {incident.reference} {incident.kind_label} ({incident.status_label}, {when})"
        )
    return lines


def digest_lines_for(user, election: Election, now: datetime) -> list[str]:
    """Return the digest lines of the open incidents `user` may see in `election`."""

    return digest_lines(incidents_for_user(user).filter(election=election), now)
