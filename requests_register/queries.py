"""Reusable reads of the register. "Today" is always a parameter."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection
from django.db.models import Count, Q, QuerySet

from candidates.models import Candidate
from election_protocol import calendar
from election_protocol.models import Election
from requests_register import rules
from requests_register.models import Entry

OPEN_VALUES = [s.value for s in rules.OPEN]
DUE_SOON_WORKING_DAYS = 2


def office_calendar(election: Election) -> calendar.WorkingDays:
    """Return the office's working days: the election calendar plus every non-working day."""
    return calendar.WorkingDays.for_election_timetable([d.date for d in election.days_off()])


def due_soon_cutoff(election: Election, today: date) -> date:
    """Return the last target date that counts as due soon at `today` (two working days on)."""
    return office_calendar(election).add(today, DUE_SOON_WORKING_DAYS)


def overdue(entries: QuerySet[Entry], today: date) -> QuerySet[Entry]:
    """Return the open entries whose target date has passed."""
    return entries.filter(status__in=OPEN_VALUES, target_date__lt=today)


def due_soon(entries: QuerySet[Entry], today: date, cutoff: date) -> QuerySet[Entry]:
    """Return the open entries due from `today` to `cutoff`."""
    return entries.filter(status__in=OPEN_VALUES, target_date__gte=today, target_date__lte=cutoff)


def deadline_counts(entries: QuerySet[Entry], today: date, cutoff: date) -> dict[str, int]:
    """Return {"overdue": n, "due_soon": n} for `entries` in one query (every staff page shows
    them): both are open entries due by `cutoff`, so one range of the (election, status,
    target_date) index answers both."""
    return entries.filter(status__in=OPEN_VALUES, target_date__lte=cutoff).aggregate(
        overdue=Count("pk", filter=Q(target_date__lt=today)),
        due_soon=Count("pk", filter=Q(target_date__gte=today)),
    )


def topics(election: Election, entries: QuerySet[Entry] | None = None) -> list[str]:
    """Return the topics used on `election`'s register, in order: of every entry, or of
    `entries` only (what a colleague may see: they learn nothing of the other topics).

    The whole register's topics are read by a "loose index scan" on the (election, topic)
    index: one probe per distinct topic, so a register of 100,000 entries on 40 topics costs
    40 index lookups instead of reading and sorting every row (SELECT DISTINCT does that).
    """
    if entries is not None:
        return list(
            entries.filter(election=election)
            .order_by("topic")
            .values_list("topic", flat=True)
            .distinct()
        )
    table = connection.ops.quote_name(Entry._meta.db_table)
    sql = f"""
        WITH RECURSIVE t(topic) AS (
            SELECT (SELECT topic FROM {table} WHERE election_id = %s ORDER BY topic LIMIT 1)
            UNION ALL
            SELECT (SELECT topic FROM {table} WHERE election_id = %s AND topic > t.topic
                    ORDER BY topic LIMIT 1)
            FROM t WHERE t.topic IS NOT NULL
        )
        SELECT topic FROM t WHERE topic IS NOT NULL
    """  # noqa: S608 - only the table name is formatted in; values are parameters  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, [election.pk, election.pk])
        return [row[0] for row in cursor.fetchall()]


def deadline_state(entry: Entry, today: date, cutoff: date) -> str:
    """Return "overdue", "due_soon" or "" for an entry at `today`."""
    if not entry.is_open:
        return ""
    if entry.target_date < today:
        return "overdue"
    if entry.target_date <= cutoff:
        return "due_soon"
    return ""


def register_rows(entries: QuerySet[Entry]) -> QuerySet[Entry]:
    """Return entries with what the list pages show, in a constant number of queries."""
    return entries.select_related("candidate", "party", "election").order_by(
        "-received_at", "-number"
    )


# The columns the register list shows (templatetags/register_rows.py) and its deadline tag
# needs: not the question, answer or the other long texts of fifty entries a page.
LIST_FIELDS = (
    "id",
    "number",
    "reference",
    "received_at",
    "requester_type",
    "requester_name",
    "treated_as",
    "topic",
    "kind",
    "status",
    "target_date",
    "candidate__id",
    "candidate__name",
)


def register_list_rows(entries: QuerySet[Entry]) -> QuerySet[Entry]:
    """Return entries for the register list: its columns only, the candidate's name joined,
    in a constant number of queries (issue 16, item 3)."""
    return (
        entries.select_related("candidate").only(*LIST_FIELDS).order_by("-received_at", "-number")
    )


def search(entries: QuerySet[Entry], text: str, vendor: str) -> QuerySet[Entry]:
    """Return entries matching `text`: PostgreSQL full-text search, or a simple fallback."""
    text = text.strip()
    if not text:
        return entries
    if vendor == "postgresql":
        # PostgreSQL only (the tests also run on SQLite): loaded on the path that uses it.
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector(
            "reference", "topic", "question", "answer", "requester_name", config="english"
        )
        return entries.annotate(search=vector).filter(
            Q(search=SearchQuery(text, config="english", search_type="websearch"))
            | Q(reference__iexact=text)
        )
    query = Q()
    for word in text.split():
        query &= (
            Q(reference__icontains=word)
            | Q(topic__icontains=word)
            | Q(question__icontains=word)
            | Q(answer__icontains=word)
            | Q(requester_name__icontains=word)
        )
    return entries.filter(query)


def my_work(
    user, entries: QuerySet[Entry], *, may_manage: bool, may_approve: bool
) -> dict[str, QuerySet[Entry]]:
    """Return the groups of entries waiting for `user`, by what they need to do."""
    groups: dict[str, QuerySet[Entry]] = {}
    if may_approve:
        groups["To approve"] = entries.filter(status=rules.Status.ANSWER_DRAFTED).exclude(
            drafted_by=user
        )
        # Refusals, referrals and closures the SPOC proposed (signoff.py, issue 13).
        groups["To sign off"] = entries.filter(proposals__decision="").distinct()
    if may_manage:
        groups["To confirm in writing"] = entries.filter(
            status=rules.Status.LOGGED,
            channel__in=[c.value for c in rules.NEEDS_WRITTEN_CONFIRMATION],
        )
        groups["Awaiting the requester's confirmation"] = entries.filter(
            status=rules.Status.AWAITING_CONFIRMATION
        )
        groups["To answer"] = entries.filter(
            status__in=[rules.Status.LOGGED, rules.Status.IN_PROGRESS]
        ).exclude(
            status=rules.Status.LOGGED,
            channel__in=[c.value for c in rules.NEEDS_WRITTEN_CONFIRMATION],
        )
        groups["Approved, to send"] = entries.filter(status=rules.Status.APPROVED)
        # The open entries this SPOC officer owns (handover.py, issue 13).
        groups["Owned by me, open"] = entries.filter(owner=user, status__in=OPEN_VALUES)
    groups["Assigned to me, no contribution yet"] = (
        entries.filter(assignments__assignee=user, status__in=OPEN_VALUES)
        .exclude(contributions__author=user)
        .distinct()
    )
    return {name: register_rows(qs) for name, qs in groups.items()}


@dataclass
class ParityRow:
    candidate: Candidate
    requests: int = 0
    answered: int = 0
    overdue: int = 0
    duplicates: int = 0
    days_to_answer: list[int] = field(default_factory=list)

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days_to_answer) if self.days_to_answer else None


def parity(election: Election, today: date) -> list[ParityRow]:
    """Return, for each candidate, requests made, answered, median working days to answer,
    overdue and duplicates: the picture behind Cumbria 3.3.1 ("does it appear to favour one
    candidate against another?"). Two queries whatever the number of entries."""
    cal = office_calendar(election)
    rows = {
        c.pk: ParityRow(c)
        for c in Candidate.objects.filter(election=election).select_related("party")
    }
    # A contact the office started is no request (issue 13): not counted here.
    entries = Entry.objects.filter(
        election=election, candidate__isnull=False, initiated_by_office=False
    ).only("candidate_id", "status", "received_at", "answered_at", "target_date")
    for entry in entries:
        row = rows.get(entry.candidate_id)
        if row is None:
            continue
        row.requests += 1
        status = rules.Status(entry.status)
        if status == rules.Status.DUPLICATE:
            row.duplicates += 1
        if entry.answered_at:
            row.answered += 1
            row.days_to_answer.append(
                calendar.working_days_between(
                    _local(entry.received_at), _local(entry.answered_at), cal
                )
            )
        elif status in rules.OPEN and entry.target_date < today:
            row.overdue += 1
    return sorted(rows.values(), key=lambda r: r.candidate.name)


def _local(moment: datetime) -> date:
    return moment.astimezone(calendar.LONDON).date()


def match_sender(election: Election, email: str) -> tuple[str, Candidate | None]:
    """Return (requester type, candidate) for an e-mail sender: a known candidate's address,
    a known agent's, or ("public", None). Case-insensitive; in Python, since candidates are few."""
    email = email.strip().casefold()
    if not email:
        return ("public", None)
    for candidate in Candidate.objects.filter(election=election):
        if email in (e.casefold() for e in candidate.emails):
            return ("candidate", candidate)
        if candidate.agent_email and candidate.agent_email.casefold() == email:
            return ("agent", candidate)
    return ("public", None)
