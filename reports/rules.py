"""Pure rules of the equal-treatment report: the figures kept for each candidate and party,
and which differences need explaining. No ORM and no clock.

The test every figure serves is the protocols' own: "does it appear to favour one candidate
against another, whether in terms of information or public profile?" (Cumbria 3.3.1, 3.4.1;
Avon and Somerset 3.3.1; Norfolk 19), with prospective candidates, candidates and parties
"treated even-handedly and [with] equal access to information" (Cumbria 3.3.4; Avon and
Somerset 3.3.4; Leicestershire "Equal access"; Norfolk 7). A highlighted difference is not a
finding of unfairness: it is a figure the office should be able to explain if challenged.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from candidates.rules import Status as CandidateStatus
from candidates.rules import treated_as_candidate
from requests_register.rules import DONE, Status

# How far a figure must be from the others' before it is highlighted. Small on purpose: the
# report is read by the Chief Executive, who decides what is worth explaining; a missed
# difference is worse than one explained in a line.
ANSWER_DAYS_GAP = 2  # working days between medians: two fifths of the routine target of 5
PUBLISH_DAYS_GAP = 2  # working days between medians of answer-to-publication delays
REFUSAL_RATE_GAP = 0.25  # 25 percentage points between refusal rates
MIN_FINISHED_FOR_RATE = 2  # fewer finished requests than this say nothing about a rate
MEETINGS_GAP = 2  # approved or held meetings and visits more than another candidate's
DECLINE_RATE_GAP = 0.5  # 50 percentage points between shares of bookings declined

# Outcomes that count in the refusal rate's denominator: every finished request but those the
# requester withdrew and duplicates (neither is a decision by the office).
NOT_DECIDED_BY_OFFICE = frozenset({Status.WITHDRAWN, Status.DUPLICATE})
OPEN_OUTCOME = "open"


def counts_as_candidate(status: str, undeclared_as_candidates: bool) -> bool:
    """Return True if someone with candidate `status` is compared with the other candidates.

    Declared candidates always are (and, after the poll, the elected and not elected). A
    prospective candidate is a candidate where the election follows Norfolk 6 ("Candidate"
    includes those expected to stand and those expressing an interest), and a member of the
    public where it follows Cumbria 1.1 and 6.1.1. Someone who withdrew is a member of the
    public again. The same rule decides how a request is treated when it is logged
    (candidates.rules.treated_as_candidate), so the report compares exactly those the office
    was bound to treat alike.
    """
    return treated_as_candidate(CandidateStatus(status), undeclared_as_candidates)


def outcome_of(status: str) -> str:
    """Return the outcome column a request in `status` counts in: its ending, or "open"."""
    status = Status(status)
    return status.value if status in DONE else OPEN_OUTCOME


def outcome_columns() -> list[str]:
    """Return the outcome columns in the register's own order of statuses, then "open"."""
    return [s.value for s in Status if s in DONE] + [OPEN_OUTCOME]


def median(values: Sequence[float]) -> float | None:
    """Return the median of `values`, or None if there are none."""
    return statistics.median(values) if values else None


@dataclass
class Figures:
    """What the report counts for one candidate or party. Lists of days are kept, not their
    medians, so that a party's figures are its candidates' pooled (`combine`)."""

    requests: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_outcome: dict[str, int] = field(default_factory=dict)
    answer_days: list[int] = field(default_factory=list)
    published: int = 0
    publish_days: list[int] = field(default_factory=list)
    offers_made: int = 0
    offers_taken_up: int = 0
    bookings_requested: int = 0
    bookings_approved: int = 0
    bookings_declined: int = 0
    bookings_held: int = 0
    events_invited: int = 0
    events_attended: int = 0
    incidents_decided: int = 0

    def add_request(self, kind: str, status: str, answer_days: int | None) -> None:
        self.requests += 1
        self.by_kind[kind] = self.by_kind.get(kind, 0) + 1
        outcome = outcome_of(status)
        self.by_outcome[outcome] = self.by_outcome.get(outcome, 0) + 1
        if answer_days is not None:
            self.answer_days.append(answer_days)

    def add_publication(self, publish_days: int | None) -> None:
        self.published += 1
        if publish_days is not None:
            self.publish_days.append(publish_days)

    @property
    def answered(self) -> int:
        return len(self.answer_days)

    @property
    def median_answer_days(self) -> float | None:
        return median(self.answer_days)

    @property
    def median_publish_days(self) -> float | None:
        return median(self.publish_days)

    @property
    def refused(self) -> int:
        return self.by_outcome.get(Status.REFUSED.value, 0)

    @property
    def finished(self) -> int:
        """Requests the office decided: every ending but withdrawals and duplicates."""
        skipped = {s.value for s in NOT_DECIDED_BY_OFFICE} | {OPEN_OUTCOME}
        return sum(n for outcome, n in self.by_outcome.items() if outcome not in skipped)

    @property
    def refusal_rate(self) -> float | None:
        return self.refused / self.finished if self.finished else None

    @property
    def bookings_decided(self) -> int:
        return self.bookings_approved + self.bookings_declined

    @property
    def decline_rate(self) -> float | None:
        decided = self.bookings_decided
        return self.bookings_declined / decided if decided else None


def combine(parts: Iterable[Figures]) -> Figures:
    """Return the figures of several candidates (and a party's own requests) pooled: counts
    added, days lists joined, so a party's median is over all its answers."""
    total = Figures()
    for part in parts:
        for name in (
            "requests",
            "published",
            "offers_made",
            "offers_taken_up",
            "bookings_requested",
            "bookings_approved",
            "bookings_declined",
            "bookings_held",
            "events_invited",
            "events_attended",
            "incidents_decided",
        ):
            setattr(total, name, getattr(total, name) + getattr(part, name))
        for name in ("by_kind", "by_outcome"):
            mine = getattr(total, name)
            for key, n in getattr(part, name).items():
                mine[key] = mine.get(key, 0) + n
        total.answer_days += part.answer_days
        total.publish_days += part.publish_days
    return total


class Check(StrEnum):
    ANSWER_TIME = "answer_time"
    PUBLISH_TIME = "publish_time"
    REFUSAL_RATE = "refusal_rate"
    OFFERS = "offers"
    MEETINGS = "meetings"
    DECLINES = "declines"
    EVENTS = "events"


CANDIDATE_CHECKS = frozenset(Check)
# A party is not offered, invited or met: its candidates are. Its own figures are requests.
PARTY_CHECKS = frozenset({Check.ANSWER_TIME, Check.PUBLISH_TIME, Check.REFUSAL_RATE})

CLAUSES = {
    Check.ANSWER_TIME: "Cumbria 3.3.1, 3.3.4; Norfolk 7, 10",
    Check.PUBLISH_TIME: "Cumbria 3.3.4, 6.1.4; Norfolk 11",
    Check.REFUSAL_RATE: "Cumbria 3.3.1, 3.3.4; Leicestershire equal access",
    Check.OFFERS: "Avon and Somerset 8.1.2; Norfolk 19",
    Check.MEETINGS: "Norfolk 19; Cumbria 3.3.1",
    Check.DECLINES: "Cumbria 3.3.1, 8.6; Cleveland 4.2",
    Check.EVENTS: "Cumbria 8.2, 3.3.4",
}


@dataclass(frozen=True)
class Flag:
    """A difference that needs explaining: which check, what was found, the clauses."""

    check: Check
    message: str
    clauses: str

    def __str__(self) -> str:
        return f"{self.message} ({self.clauses})"


def _days(value: float) -> str:
    return f"{value:g}"


def _percent(value: float) -> str:
    return f"{round(value * 100)}%"


def _flag(check: Check, message: str) -> Flag:
    return Flag(check, message, CLAUSES[check])


def differences(
    rows: Mapping[object, Figures],
    *,
    checks: frozenset[Check] = CANDIDATE_CHECKS,
    offer_items: int = 0,
) -> dict[object, list[Flag]]:
    """Return, for each key of `rows` (the candidates, or parties, compared), the differences
    from the others that need explaining. Every row is compared with the others pooled, so
    one slow answer among many does not hide and one candidate does not set the standard.

    - Answer time: the median working days to answer differs from the others' median by
      `ANSWER_DAYS_GAP` or more, either way: slower looks like obstruction, faster like
      favour (Cumbria 3.3.1; Norfolk 10, "as soon as possible" for everyone).
    - Publication: the median working days from answer to publication differs by
      `PUBLISH_DAYS_GAP` or more: what one is told, everyone reads (Norfolk 11; Cumbria 6.1.4).
    - Refusals: with `MIN_FINISHED_FOR_RATE` finished requests or more on both sides, the share
      refused differs from the others' by `REFUSAL_RATE_GAP` or more (Cumbria 3.3.4: equal
      access to information).
    - Offers: offered fewer items than the election's equal offer has (Avon and Somerset
      8.1.2; Norfolk 19).
    - Meetings and visits: approved or held ones exceed another candidate's by `MEETINGS_GAP`
      or more (Norfolk 19: "regular meetings with one candidate would necessitate meeting with
      all candidates with the same frequency"); or the share declined differs from the
      others' by `DECLINE_RATE_GAP` or more (Cumbria 8.6: case by case, alike).
    - Events: invited to fewer briefing events than another candidate (Cumbria 8.2).

    With fewer than two rows there is nobody to compare with, and nothing is flagged.
    """
    result: dict[object, list[Flag]] = {key: [] for key in rows}
    if len(rows) < 2:
        return result
    for key, mine in rows.items():
        others = [f for k, f in rows.items() if k != key]
        pooled = combine(others)
        flags = result[key]
        if Check.ANSWER_TIME in checks:
            flags += _gap_in_days(
                Check.ANSWER_TIME,
                mine.median_answer_days,
                pooled.median_answer_days,
                ANSWER_DAYS_GAP,
                _("Median working days to answer: %(mine)s, against %(theirs)s for the others"),
            )
        if Check.PUBLISH_TIME in checks:
            flags += _gap_in_days(
                Check.PUBLISH_TIME,
                mine.median_publish_days,
                pooled.median_publish_days,
                PUBLISH_DAYS_GAP,
                _(
                    "Median working days from answer to publication: %(mine)s, against "
                    "%(theirs)s for the others"
                ),
            )
        if (
            Check.REFUSAL_RATE in checks
            and mine.finished >= MIN_FINISHED_FOR_RATE
            and pooled.finished >= MIN_FINISHED_FOR_RATE
            and abs(mine.refusal_rate - pooled.refusal_rate) >= REFUSAL_RATE_GAP
        ):
            flags.append(
                _flag(
                    Check.REFUSAL_RATE,
                    _("%(mine)s of requests refused, against %(theirs)s for the others")
                    % {
                        "mine": _percent(mine.refusal_rate),
                        "theirs": _percent(pooled.refusal_rate),
                    },
                )
            )
        if Check.OFFERS in checks and mine.offers_made < offer_items:
            flags.append(
                _flag(
                    Check.OFFERS,
                    _("Offered %(made)s of the %(items)s items of the equal offer")
                    % {"made": mine.offers_made, "items": offer_items},
                )
            )
        if Check.MEETINGS in checks:
            fewest = min(f.bookings_approved for f in others)
            if mine.bookings_approved - fewest >= MEETINGS_GAP:
                flags.append(
                    _flag(
                        Check.MEETINGS,
                        _(
                            "%(mine)s meetings or visits approved, against %(fewest)s for "
                            "another candidate"
                        )
                        % {"mine": mine.bookings_approved, "fewest": fewest},
                    )
                )
        if (
            Check.DECLINES in checks
            and mine.decline_rate is not None
            and pooled.decline_rate is not None
            and abs(mine.decline_rate - pooled.decline_rate) >= DECLINE_RATE_GAP
        ):
            flags.append(
                _flag(
                    Check.DECLINES,
                    _(
                        "%(mine)s of meeting and visit requests declined, against %(theirs)s "
                        "for the others"
                    )
                    % {
                        "mine": _percent(mine.decline_rate),
                        "theirs": _percent(pooled.decline_rate),
                    },
                )
            )
        if Check.EVENTS in checks:
            most = max(f.events_invited for f in others)
            if mine.events_invited < most:
                flags.append(
                    _flag(
                        Check.EVENTS,
                        _("Invited to %(mine)s briefing events, another candidate to %(most)s")
                        % {"mine": mine.events_invited, "most": most},
                    )
                )
    return result


def _gap_in_days(check: Check, mine, theirs, gap: int, message) -> list[Flag]:
    if mine is None or theirs is None or abs(mine - theirs) < gap:
        return []
    return [_flag(check, message % {"mine": _days(mine), "theirs": _days(theirs)})]
