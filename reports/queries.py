"""The equal-treatment report's reads: one aggregate query per source, whatever the number of
candidates (a test counts them), then the figures and differences from reports.rules.

It reads the register, meetings and offers, publishing and incidents, so it comes after all
of them in the dependency order (docs/ARCHITECTURE.md); nothing imports it but its own views
and template tag. The figures are staff-only: never give them to a public page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from briefings import rules as briefing_rules
from briefings.models import Attendance, Booking, CandidateOffer, OfferItem
from candidates.models import Candidate
from election_protocol import calendar
from election_protocol.models import Election, UndeclaredTreatment
from incidents.models import Incident
from publishing.models import PublicEntry
from reports import rules
from requests_register import rules as register_rules
from requests_register.models import Entry
from requests_register.queries import office_calendar

# Bookings the Chief Executive approved and nobody has since declined or cancelled (those
# held included): what the candidate was given.
APPROVED_BOOKINGS = [
    s.value
    for s in (
        briefing_rules.Status.APPROVED,
        briefing_rules.Status.CONFIRMED,
        briefing_rules.Status.SCHEDULED,
        briefing_rules.Status.HELD,
    )
]
TAKEN_UP = [CandidateOffer.State.ACCEPTED, CandidateOffer.State.HELD]


@dataclass
class Row:
    """One line of the report: a candidate, or a party with its counted candidates."""

    name: str
    party: str
    status: str
    counted: bool
    figures: rules.Figures
    flags: list[rules.Flag] = field(default_factory=list)

    def kind_counts(self, kinds: list[tuple[str, str]]) -> list[int]:
        return [self.figures.by_kind.get(value, 0) for value, _label in kinds]

    def outcome_counts(self, outcomes: list[tuple[str, str]]) -> list[int]:
        return [self.figures.by_outcome.get(value, 0) for value, _label in outcomes]


@dataclass
class Report:
    election: Election
    produced_at: datetime
    undeclared_as_candidates: bool
    offer_items: int
    kinds: list[tuple[str, str]]
    outcomes: list[tuple[str, str]]
    candidates: list[Row]
    parties: list[Row]

    @property
    def flagged(self) -> list[Row]:
        return [row for row in [*self.candidates, *self.parties] if row.flags]

    def with_counts(self, rows: list[Row] | None = None) -> list[tuple[Row, list[int], list[int]]]:
        """Return `rows` (every row by default) with their counts by kind and by outcome."""
        return [
            (row, row.kind_counts(self.kinds), row.outcome_counts(self.outcomes))
            for row in ([*self.candidates, *self.parties] if rows is None else rows)
        ]

    def sections(self) -> list[tuple[str, list[tuple[Row, list[int], list[int]]]]]:
        """Return the candidates' rows and the parties', each under its title, for templates."""
        return [
            (str(_("Candidates")), self.with_counts(self.candidates)),
            (str(_("Parties")), self.with_counts(self.parties)),
        ]


def _local(moment: datetime) -> date:
    return moment.astimezone(calendar.LONDON).date()


def _days(start: datetime | None, end: datetime | None, cal) -> int | None:
    if start is None or end is None:
        return None
    return calendar.working_days_between(_local(start), _local(end), cal)


def _set_per_candidate(figures: dict, rows, **fields: str) -> None:
    """Copy each aggregate row's counts into its candidate's figures: `field=key` sets
    figures[candidate].field to row[key]; rows of candidates not in `figures` are skipped."""
    for row in rows:
        target = figures.get(row["candidate_id"])
        if target is not None:
            for name, key in fields.items():
                setattr(target, name, row[key])


def equal_treatment_report(election: Election, now: datetime) -> Report:
    """Return the equal-treatment report of `election` at `now`.

    Per candidate: requests (theirs and their agent's) by kind and outcome, median working days
    to answer, answers published and median working days from answer to publication, offers
    made and taken up, meetings and visits requested, approved, declined and held, briefing
    events invited to and attended, incidents decided that name them. Per party: its own
    requests and its counted candidates' figures pooled (independents together, not compared).
    Which candidates are compared follows the election's setting (Norfolk 6 or Cumbria 1.1:
    rules.counts_as_candidate). Nine queries, whatever the number of candidates or entries.
    """
    undeclared = election.undeclared_treated_as == UndeclaredTreatment.CANDIDATE
    cal = office_calendar(election)
    candidates = list(
        Candidate.objects.filter(election=election).select_related("party").order_by("name")
    )
    figures = {c.pk: rules.Figures() for c in candidates}
    party_own: dict[int, rules.Figures] = defaultdict(rules.Figures)
    party_names: dict[int, str] = {}

    entries = Entry.objects.filter(election=election).filter(
        Q(candidate__isnull=False) | Q(party__isnull=False)
    )
    for candidate_id, party_id, party_name, kind, status, received, answered in entries.values_list(
        "candidate_id", "party_id", "party__name", "kind", "status", "received_at", "answered_at"
    ):
        target = figures.get(candidate_id) if candidate_id else party_own[party_id]
        if candidate_id is None:
            party_names[party_id] = party_name
        if target is not None:
            target.add_request(kind, status, _days(received, answered, cal))

    published = PublicEntry.objects.filter(
        election=election, entry__isnull=False, published_at__isnull=False
    ).filter(Q(entry__candidate__isnull=False) | Q(entry__party__isnull=False))
    for candidate_id, party_id, party_name, answered, published_at in published.values_list(
        "entry__candidate_id",
        "entry__party_id",
        "entry__party__name",
        "entry__answered_at",
        "published_at",
    ):
        target = figures.get(candidate_id) if candidate_id else party_own[party_id]
        if candidate_id is None:
            party_names[party_id] = party_name
        if target is not None:
            target.add_publication(_days(answered, published_at, cal))

    offers = (
        CandidateOffer.objects.filter(item__election=election)
        .values("candidate_id")
        .annotate(made=Count("pk"), taken=Count("pk", filter=Q(state__in=TAKEN_UP)))
    )
    _set_per_candidate(figures, offers, offers_made="made", offers_taken_up="taken")

    bookings = (
        Booking.objects.filter(election=election)
        .values("candidate_id")
        .annotate(
            requested=Count("pk"),
            approved=Count("pk", filter=Q(status__in=APPROVED_BOOKINGS)),
            declined=Count("pk", filter=Q(status=briefing_rules.Status.DECLINED)),
            held=Count("pk", filter=Q(status=briefing_rules.Status.HELD)),
        )
    )
    _set_per_candidate(
        figures,
        bookings,
        bookings_requested="requested",
        bookings_approved="approved",
        bookings_declined="declined",
        bookings_held="held",
    )

    attendance = (
        Attendance.objects.filter(event__election=election)
        .values("candidate_id")
        .annotate(invited=Count("pk"), attended=Count("pk", filter=Q(attended=True)))
    )
    _set_per_candidate(figures, attendance, events_invited="invited", events_attended="attended")

    decided = (
        Incident.candidates.through.objects.filter(
            incident__election=election, incident__decided_at__isnull=False
        )
        .values("candidate_id")
        .annotate(n=Count("incident_id"))
    )
    _set_per_candidate(figures, decided, incidents_decided="n")

    offer_items = OfferItem.objects.filter(election=election).count()

    candidate_rows = {
        c.pk: Row(
            name=c.name,
            party=c.party_label,
            status=c.status_label,
            counted=rules.counts_as_candidate(c.status, undeclared),
            figures=figures[c.pk],
        )
        for c in candidates
    }
    compared = {pk: row.figures for pk, row in candidate_rows.items() if row.counted}
    for pk, flags in rules.differences(compared, offer_items=offer_items).items():
        candidate_rows[pk].flags = flags

    party_rows = _party_rows(candidates, candidate_rows, party_own, party_names)
    compared_parties = {key: row.figures for key, row in party_rows.items() if row.counted}
    for key, flags in rules.differences(compared_parties, checks=rules.PARTY_CHECKS).items():
        party_rows[key].flags = flags

    return Report(
        election=election,
        produced_at=now,
        undeclared_as_candidates=undeclared,
        offer_items=offer_items,
        kinds=[(k.value, str(register_rules.KIND_LABELS[k])) for k in register_rules.Kind],
        outcomes=[
            (
                value,
                str(_("Open"))
                if value == rules.OPEN_OUTCOME
                else str(register_rules.STATUS_LABELS[register_rules.Status(value)]),
            )
            for value in rules.outcome_columns()
        ],
        candidates=list(candidate_rows.values()),
        parties=sorted(party_rows.values(), key=lambda r: (r.name == _independents(), r.name)),
    )


def _independents() -> str:
    return str(_("Independent candidates"))


def _party_rows(candidates, candidate_rows, party_own, party_names) -> dict:
    """Return a row per party (its own requests and its counted candidates pooled) and one
    for independent candidates together, which is shown but not compared: independents are
    not a party, and each is compared as a candidate."""
    members: dict[int | None, list[rules.Figures]] = defaultdict(list)
    names: dict[int | None, str] = dict(party_names)
    counted: dict[int | None, bool] = {}
    for c in candidates:
        row = candidate_rows[c.pk]
        if c.party_id is not None:
            names[c.party_id] = c.party.name
        counted.setdefault(c.party_id, False)
        if row.counted:
            members[c.party_id].append(row.figures)
            counted[c.party_id] = True
    rows = {}
    for key in sorted({*members, *party_own, *counted}, key=lambda k: (k is None, k or 0)):
        own = party_own.get(key) if key is not None else None
        parts = [*members.get(key, []), *([own] if own else [])]
        rows[key] = Row(
            name=names[key] if key is not None else _independents(),
            party="",
            status="",
            counted=key is not None and (counted.get(key, False) or own is not None),
            figures=rules.combine(parts),
        )
    return rows
