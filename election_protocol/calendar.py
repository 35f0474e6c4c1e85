"""The election calendar: working days, the statutory PCC timetable, FOI due dates and phases.

Pure functions only: no ORM, no clock. Every function that needs "now" takes it as an argument,
so the same code answers "which phase were we in when this request arrived?" and "which phase
are we in now?".

Two different calendars of working days are in play and must never be mixed up:

* the election timetable (PCC Elections Order 2012, SI 2012/1917) disregards Saturdays, Sundays,
  Christmas Eve, Christmas Day, Good Friday, bank holidays in England and Wales and days appointed
  for public thanksgiving or mourning;
* FOI deadlines (Freedom of Information Act 2000, s.10(6)) disregard Saturdays, Sundays,
  Christmas Day, Good Friday and bank holidays in *any* part of the United Kingdom, and count
  Christmas Eve as a working day.

Bank holidays come from the ``holidays`` package (never typed in by hand); days of thanksgiving
or mourning are announced ad hoc, so staff enter them and they arrive here as
``extra_non_working``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")

# Rows of the Timetable in PCC Elections Order 2012, Sch 3 r 1, as working days before the poll.
NOTICE_OF_ELECTION_DAYS = 25
CLOSE_OF_NOMINATIONS_DAYS = 19
SOPN_DAYS = 18
NOTICE_OF_POLL_DAYS = 6
# Police Reform and Social Responsibility Act 2011, s.50(7)(a): the term of office of a PCC
# returned at an ordinary election begins on the seventh (calendar) day after the poll.
TAKES_OFFICE_CALENDAR_DAYS = 7
FOI_WORKING_DAYS = 20

CLOSE_OF_NOMINATIONS_TIME = time(16, 0)
SOPN_TIME = time(16, 0)
POLL_OPENS_TIME = time(7, 0)
POLL_CLOSES_TIME = time(22, 0)


class CalendarKind(StrEnum):
    """Which statutory definition of "working day" a calendar follows."""

    ELECTION = "election"
    FOI = "foi"


# England and Wales for the election timetable (the Order's definition of "bank holiday" is a
# bank holiday under the Banking and Financial Dealings Act 1971 in England and Wales); every
# part of the UK for FOIA s.10(6). Wales has the same bank holidays as England today, but asking
# for both keeps us right if that ever changes.
_SUBDIVISIONS: dict[CalendarKind, tuple[str, ...]] = {
    CalendarKind.ELECTION: ("ENG", "WLS"),
    CalendarKind.FOI: ("ENG", "WLS", "SCT", "NIR"),
}


@functools.cache
def _bank_holidays(kind: CalendarKind, year: int) -> frozenset[date]:
    """Return the bank holidays of `year` in the parts of the UK that `kind` counts.

    Includes substitute days (e.g. 27 Dec 2021) and one-off days proclaimed under s.1(3) of the
    Banking and Financial Dealings Act 1971 (e.g. 3 Jun 2022, 19 Sep 2022, 8 May 2023), as
    published by the ``holidays`` package. Cached per (kind, year) so ``WorkingDays`` can stay a
    small frozen value.
    """
    days: set[date] = set()
    for subdiv in _SUBDIVISIONS[kind]:
        days.update(holidays.country_holidays("GB", subdiv=subdiv, years=year))
    return frozenset(days)


def _require_date(value: object, name: str) -> date:
    """Return `value` if it is a plain date; raise TypeError otherwise.

    A datetime is a date subclass but never equals a date, so a datetime slipping in would
    silently miss every holiday lookup; refuse it loudly instead.
    """
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a datetime.date (not {type(value).__name__}): {value!r}")
    return value


def _require_aware(at: object) -> datetime:
    """Return the timezone-aware datetime `at` converted to UTC; raise for anything else.

    Comparing in UTC keeps the boundaries exact whatever zone the caller used (two datetimes
    sharing a tzinfo compare by wall-clock time, which is ambiguous in the autumn clock change).
    """
    if not isinstance(at, datetime):
        raise TypeError(f"`at` must be a datetime, not {type(at).__name__}: {at!r}")
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(
            f"`at` must be timezone-aware (e.g. tzinfo=LONDON or UTC); got naive {at!r}"
        )
    return at.astimezone(UTC)


def _extra_days(extra_non_working: Iterable[date]) -> frozenset[date]:
    """Return the extra non-working days as a frozenset, checking each is a plain date."""
    return frozenset(_require_date(d, "extra non-working day") for d in extra_non_working)


@dataclass(frozen=True)
class WorkingDays:
    """A calendar of working days: the statutory definition (`kind`) plus days added by staff.

    Build it with ``for_election_timetable()`` or ``for_foi()``. It holds no holiday data itself
    (that is cached per year by ``_bank_holidays``), so it is hashable and cheap to pass around.
    """

    kind: CalendarKind
    extra_non_working: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def for_election_timetable(cls, extra_non_working: Iterable[date] = ()) -> WorkingDays:
        """Return the PCC election timetable calendar (PCC Elections Order 2012, Sch 3 r 2).

        Disregarded: Saturday, Sunday, Christmas Eve, Christmas Day, Good Friday, a bank
        holiday in England and Wales, and a day appointed for public thanksgiving or mourning
        (pass those as `extra_non_working`; they are proclaimed ad hoc).
        """
        return cls(CalendarKind.ELECTION, _extra_days(extra_non_working))

    @classmethod
    def for_foi(cls, extra_non_working: Iterable[date] = ()) -> WorkingDays:
        """Return the FOI calendar (Freedom of Information Act 2000, s.10(6)).

        Not working days: Saturday, Sunday, Christmas Day, Good Friday, and a bank holiday under
        the Banking and Financial Dealings Act 1971 in any part of the United Kingdom (so St
        Andrew's Day, 2 January and the first Monday in August in Scotland, and St Patrick's Day
        and 12 July in Northern Ireland, all count). Christmas Eve IS a working day.
        """
        return cls(CalendarKind.FOI, _extra_days(extra_non_working))

    def is_working_day(self, d: date) -> bool:
        """Return True if `d` counts as a working day in this calendar."""
        _require_date(d, "d")
        if d.weekday() >= 5:  # Saturday or Sunday
            return False
        # Christmas Day and Good Friday are named in both statutes in their own right (they are
        # common-law holidays in England and Wales, not bank holidays); the holiday data has
        # them too, but the explicit check does not depend on it.
        if (d.month, d.day) == (12, 25):
            return False
        if self.kind is CalendarKind.ELECTION and (d.month, d.day) == (12, 24):
            return False
        if d in self.extra_non_working:
            return False
        return d not in _bank_holidays(self.kind, d.year)

    def add(self, d: date, n: int) -> date:
        """Return the `n`th working day after `d` (`d` itself is not counted; n >= 1)."""
        return self._step(d, n, timedelta(days=1))

    def back(self, d: date, n: int) -> date:
        """Return the `n`th working day before `d` (`d` itself is not counted; n >= 1)."""
        return self._step(d, n, timedelta(days=-1))

    def _step(self, d: date, n: int, step: timedelta) -> date:
        """Return the date `n` working days from `d` moving by `step`, `d` not counted."""
        _require_date(d, "d")
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"n must be a whole number of working days >= 1, got {n!r}")
        counted = 0
        while counted < n:
            d += step
            if self.is_working_day(d):
                counted += 1
        return d

    def non_working_reason(self, d: date) -> str | None:
        """Return None if `d` is a working day, else a short reason for staff: "Saturday",
        "Sunday", "Christmas Eve", "Christmas Day", the bank holiday's name from the ``holidays``
        package (e.g. "Good Friday", "May Day", "Battle of the Boyne (Northern Ireland)") or
        "Added by staff" for an extra non-working day.
        """
        return _non_working_reason(self, d)


def local_midnight(d: date) -> datetime:
    """Return 00:00 Europe/London at the start of `d` (UK clocks change at 01:00, never 00:00)."""
    return datetime.combine(d, time(0), tzinfo=LONDON)


def _election_calendar(calendar: WorkingDays) -> WorkingDays:
    """Return `calendar` if it is an election-timetable calendar; raise ValueError otherwise.

    The FOI calendar counts Christmas Eve and Scottish/NI bank holidays differently; using it for
    the election timetable would give plausible but unlawful deadlines.
    """
    if calendar.kind is not CalendarKind.ELECTION:
        raise ValueError(
            "The PCC election timetable must be computed with "
            "WorkingDays.for_election_timetable(), not a "
            f"{calendar.kind} calendar"
        )
    return calendar


def notice_of_election_latest(poll: date, calendar: WorkingDays) -> date:
    """Return the last day for publishing the notice of election: the 25th working day before
    the poll (PCC Elections Order 2012 (SI 2012/1917), Sch 3 r 1, row "Publication of notice of
    election"; Cumbria protocol 11.1).
    """
    return _election_calendar(calendar).back(poll, NOTICE_OF_ELECTION_DAYS)


def close_of_nominations(poll: date, calendar: WorkingDays) -> datetime:
    """Return 4pm London time on the 19th working day before the poll: the deadline for
    delivering nomination papers and for withdrawals (PCC Elections Order 2012 (SI 2012/1917),
    Sch 3 r 1, rows "Delivery of nomination papers" and "Delivery of notices of withdrawals of
    candidature").
    """
    day = _election_calendar(calendar).back(poll, CLOSE_OF_NOMINATIONS_DAYS)
    return datetime.combine(day, CLOSE_OF_NOMINATIONS_TIME, tzinfo=LONDON)


def sopn_latest(poll: date, calendar: WorkingDays) -> date:
    """Return the last day for publishing the statement of persons nominated (by 4pm): the 18th
    working day before the poll (PCC Elections Order 2012 (SI 2012/1917), Sch 3 r 1, row
    "Publication of statement of persons nominated", as amended by SI 2014/921).
    """
    return _election_calendar(calendar).back(poll, SOPN_DAYS)


def notice_of_poll_latest(poll: date, calendar: WorkingDays) -> date:
    """Return the last day for publishing the notice of poll: the 6th working day before the
    poll (PCC Elections Order 2012 (SI 2012/1917), Sch 3 r 1, row "Notice of poll").
    """
    return _election_calendar(calendar).back(poll, NOTICE_OF_POLL_DAYS)


def poll_opens(poll: date) -> datetime:
    """Return 7am London time on polling day (PCC Elections Order 2012 (SI 2012/1917), Sch 3
    r 1, row "Polling": between 7 in the morning and 10 at night).
    """
    return datetime.combine(poll, POLL_OPENS_TIME, tzinfo=LONDON)


def poll_closes(poll: date) -> datetime:
    """Return 10pm London time on polling day, when the poll closes (PCC Elections Order 2012
    (SI 2012/1917), Sch 3 r 1, row "Polling"; Cleveland protocol 1.3 ends the pre-election
    period then).
    """
    return datetime.combine(poll, POLL_CLOSES_TIME, tzinfo=LONDON)


def takes_office(poll: date) -> date:
    """Return the day the PCC elected at an ordinary election takes office: the 7th calendar day
    after the poll (Police Reform and Social Responsibility Act 2011, s.50(7)(a); Leicestershire
    protocol "Significant Dates" ends the pre-election period then).

    Calendar days, not working days: a Thursday poll gives a Thursday a week later.
    """
    _require_date(poll, "poll")
    return poll + timedelta(days=TAKES_OFFICE_CALENDAR_DAYS)


@dataclass(frozen=True)
class Timetable:
    """The statutory timetable of one PCC poll (PCC Elections Order 2012, Sch 3 r 1).

    Dates marked "latest" are the last day the law allows; the PARO may act earlier (the notice
    of election in particular: Cumbria 2024 was published on 20 March, six days early).
    """

    poll: date
    notice_of_election: date
    close_of_nominations: datetime
    sopn: date
    notice_of_poll: date
    poll_opens: datetime
    poll_closes: datetime
    takes_office: date


def statutory_timetable(poll: date, extra_non_working: Iterable[date] = ()) -> Timetable:
    """Return the statutory timetable for a PCC poll on `poll` (PCC Elections Order 2012
    (SI 2012/1917), Sch 3 r 1, counted under Sch 3 r 2; takes office under Police Reform and
    Social Responsibility Act 2011, s.50(7)(a)).

    `extra_non_working` are days appointed for public thanksgiving or mourning. The poll need
    not be a Thursday (a by-election may fall on another day) but it must be a working day:
    the Order does not treat a disregarded day as a day for any proceedings up to the poll, so
    a poll date on a weekend, bank holiday or day of mourning is a data-entry mistake.
    """
    _require_date(poll, "poll")
    calendar = WorkingDays.for_election_timetable(extra_non_working)
    if not calendar.is_working_day(poll):
        raise ValueError(
            f"Poll date {poll:%A %d %B %Y} is not a working day in the election calendar "
            "(a weekend, Christmas Eve, Christmas Day, Good Friday, an England and Wales bank "
            "holiday or a day of thanksgiving or mourning)"
        )
    return Timetable(
        poll=poll,
        notice_of_election=notice_of_election_latest(poll, calendar),
        close_of_nominations=close_of_nominations(poll, calendar),
        sopn=sopn_latest(poll, calendar),
        notice_of_poll=notice_of_poll_latest(poll, calendar),
        poll_opens=poll_opens(poll),
        poll_closes=poll_closes(poll),
        takes_office=takes_office(poll),
    )


def first_possible_poll(on_or_after: date, extra_non_working: Iterable[date] = ()) -> date:
    """Return the first Thursday on or after `on_or_after` that can be polling day.

    Ordinary PCC polls are on a Thursday (Police Reform and Social Responsibility Act 2011,
    s.50(2)); the day must also be a working day of the election calendar, or
    `statutory_timetable` refuses it (a Thursday Christmas Day, say). Demo, benchmark and test
    data take their poll from here rather than "today + n days", which lands on Christmas Day or
    a Saturday on some days of the year.
    """
    _require_date(on_or_after, "on_or_after")
    calendar = WorkingDays.for_election_timetable(extra_non_working)
    day = on_or_after + timedelta(days=(3 - on_or_after.weekday()) % 7)
    while not calendar.is_working_day(day):
        day += timedelta(days=7)
    return day


def foi_due_date(received: date, extra_non_working: Iterable[date] = ()) -> date:
    """Return the FOI response deadline: the 20th working day following the date of receipt
    (Freedom of Information Act 2000, s.10(1); working day as defined in s.10(6)).

    The day of receipt is never counted. A request received on a non-working day keeps that
    date of receipt (ICO line to take LTT47), so the first working day after it is day 1.
    """
    return WorkingDays.for_foi(extra_non_working).add(received, FOI_WORKING_DAYS)


class Phase(StrEnum):
    """Where an election stands at a given moment, for the dashboard and the rules."""

    BEFORE_NOTICE = "before_notice"
    PRE_ELECTION = "pre_election"
    NOMINATIONS_CLOSED = "nominations_closed"
    POLLING_DAY = "polling_day"
    AFTER_POLL = "after_poll"

    @property
    def label(self) -> str:
        """Return the human label of the phase."""
        return _PHASE_LABELS[self]


_PHASE_LABELS: dict[Phase, str] = {
    Phase.BEFORE_NOTICE: "Before the notice of election",
    Phase.PRE_ELECTION: "Pre-election period",
    Phase.NOMINATIONS_CLOSED: "Nominations closed",
    Phase.POLLING_DAY: "Polling day",
    Phase.AFTER_POLL: "After the poll",
}


class PreElectionEnd(StrEnum):
    """When the local protocol ends the pre-election period (a local choice, not statute)."""

    CLOSE_OF_POLL = "close_of_poll"  # Cleveland protocol 1.3: 10pm on polling day
    TAKES_OFFICE = "takes_office"  # Leicestershire protocol "Significant Dates"

    @property
    def label(self) -> str:
        """Return the human label of the policy."""
        return _PRE_ELECTION_END_LABELS[self]


_PRE_ELECTION_END_LABELS: dict[PreElectionEnd, str] = {
    PreElectionEnd.CLOSE_OF_POLL: "At the close of poll (10pm on polling day)",
    PreElectionEnd.TAKES_OFFICE: "When the newly elected PCC takes office",
}


def validate_notice_date(timetable: Timetable, notice_published: date) -> None:
    """Return None if the PARO's actual notice date is lawful; raise ValueError if it falls
    after the statutory latest date (PCC Elections Order 2012, Sch 3 r 1: the notice must be
    published not later than the 25th working day before the poll).

    An earlier notice is normal (Cumbria 2024: 20 March against a 26 March latest; Avon and
    Somerset 2021: 22 March against 29 March).
    """
    _require_date(notice_published, "notice_published")
    if notice_published > timetable.notice_of_election:
        raise ValueError(
            f"The notice of election cannot be published on {notice_published:%d %B %Y}: for a "
            f"poll on {timetable.poll:%d %B %Y} the latest lawful date is "
            f"{timetable.notice_of_election:%A %d %B %Y} (25th working day before the poll)"
        )


def notice_start(timetable: Timetable, notice_published: date | None) -> datetime:
    """Return the moment the pre-election period starts: 00:00 London on the day the notice of
    election was published, or on the statutory latest notice date while the actual date is
    not yet known (Cumbria protocol 11.1: the sensitive period follows the notice of election;
    Leicestershire "Significant Dates": it commences when the PARO publishes the notice).

    Callers should check `notice_published` with ``validate_notice_date`` when it is entered.
    """
    if notice_published is None:
        return local_midnight(timetable.notice_of_election)
    return local_midnight(_require_date(notice_published, "notice_published"))


def election_phase(
    at: datetime, timetable: Timetable, notice_published: date | None = None
) -> Phase:
    """Return the phase of the election at the aware moment `at`.

    Boundaries (each the first instant of the next phase): the notice of election
    (``notice_start``; Cumbria protocol 11.1), close of nominations at 4pm (PCC Elections Order
    2012, Sch 3 r 1), 00:00 London on polling day, and close of poll at 10pm.
    """
    at = _require_aware(at)
    if at < notice_start(timetable, notice_published):
        return Phase.BEFORE_NOTICE
    if at < timetable.close_of_nominations:
        return Phase.PRE_ELECTION
    if at < local_midnight(timetable.poll):
        return Phase.NOMINATIONS_CLOSED
    if at < timetable.poll_closes:
        return Phase.POLLING_DAY
    return Phase.AFTER_POLL


def pre_election_period(
    timetable: Timetable, notice_published: date | None, ends: PreElectionEnd
) -> tuple[datetime, datetime]:
    """Return the (start, end) of the pre-election period, start inclusive and end exclusive.

    Start: the notice of election (Cumbria protocol 11.1; see ``notice_start``). End, by local
    policy: CLOSE_OF_POLL is 10pm on polling day (Cleveland protocol 1.3); TAKES_OFFICE is
    00:00 London on the day the new PCC takes office (Leicestershire protocol "Significant
    Dates": it ends when the newly elected PCC takes office; PRSRA 2011 s.50(7)(a)).
    """
    start = notice_start(timetable, notice_published)
    if PreElectionEnd(ends) is PreElectionEnd.CLOSE_OF_POLL:
        return start, timetable.poll_closes
    return start, local_midnight(timetable.takes_office)


def in_pre_election_period(
    at: datetime, timetable: Timetable, notice_published: date | None, ends: PreElectionEnd
) -> bool:
    """Return True if the aware moment `at` falls in the pre-election period (start inclusive,
    end exclusive; Cumbria protocol 11.1, Cleveland protocol 1.3, Leicestershire "Significant
    Dates").
    """
    at = _require_aware(at)
    start, end = pre_election_period(timetable, notice_published, ends)
    return start <= at < end


# --- explaining working-day counts ----------------------------------------------------------
# Staff must be able to see how a target date was computed ("which days were skipped"). The
# reasons below are derived from the same sources as ``WorkingDays.is_working_day`` and a test
# checks the two agree on every day of a year for both calendars.

_SUBDIVISION_NAMES: dict[str, str] = {
    "ENG": "England",
    "WLS": "Wales",
    "SCT": "Scotland",
    "NIR": "Northern Ireland",
}
ADDED_BY_STAFF = "Added by staff"


def _join_english(items: list[str]) -> str:
    """Return `items` joined as an English list: "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


@functools.cache
def _bank_holiday_names(kind: CalendarKind, year: int) -> dict[date, str]:
    """Return {day: name} for the bank holidays of `year` that `kind` counts.

    A holiday kept in only some of the parts of the UK that `kind` counts is followed by them,
    e.g. "Battle of the Boyne (Northern Ireland)" or "Easter Monday (England, Wales and
    Northern Ireland)" on the FOI calendar. The ``holidays`` package joins two holidays on one
    day with "; " and may name the same day differently per part of the UK (2 Jan 2023 is
    "New Year's Day (observed)" everywhere and also "New Year Holiday" in Scotland), so each
    name is matched to its parts separately. Same source and calls as ``_bank_holidays``, so
    the keys are exactly that set; the language is pinned so names never depend on a locale.
    """
    subdivisions = _SUBDIVISIONS[kind]
    parts_by_name: dict[date, dict[str, list[str]]] = {}
    for subdiv in subdivisions:
        calendar = holidays.country_holidays("GB", subdiv=subdiv, years=year, language="en_GB")
        for day, names in calendar.items():
            for name in names.split("; "):
                parts_by_name.setdefault(day, {}).setdefault(name, []).append(subdiv)
    labels: dict[date, str] = {}
    for day, parts in parts_by_name.items():
        described = []
        for name, where in parts.items():
            if len(where) == len(subdivisions):
                described.append(name)
            else:
                places = _join_english([_SUBDIVISION_NAMES[s] for s in where])
                described.append(f"{name} ({places})")
        labels[day] = "; ".join(described)
    return labels


def _non_working_reason(calendar: WorkingDays, d: date) -> str | None:
    """Return why `d` is not a working day in `calendar`, or None if it is one (see
    ``WorkingDays.non_working_reason``)."""
    if calendar.is_working_day(d):
        return None
    # Same order of checks as is_working_day. Weekends first: Christmas Day on a Saturday is
    # explained as "Saturday" (the weekday alone disregards it; the substitute Monday is then
    # named by the holiday data).
    if d.weekday() == 5:
        return "Saturday"
    if d.weekday() == 6:
        return "Sunday"
    if (d.month, d.day) == (12, 25):
        return "Christmas Day"
    if (d.month, d.day) == (12, 24):  # only reached on the election calendar
        return "Christmas Eve"
    # A statutory reason beats "Added by staff": a closure entered on a bank holiday changes
    # nothing, and the holiday's name is what staff need to see.
    name = _bank_holiday_names(calendar.kind, d.year).get(d)
    if name is not None:
        return name
    # Not a weekend, Christmas or bank holiday, yet not a working day: is_working_day leaves
    # only the staff-entered days.
    return ADDED_BY_STAFF


def _short_date(d: date, *, with_year: bool = True) -> str:
    """Return `d` as "Mon 1 Jul 2024" (or "Mon 1 Jul"): no zero padding, English names."""
    text = f"{d:%a} {d.day} {d:%b}"
    return f"{text} {d.year}" if with_year else text


@dataclass(frozen=True)
class DueDate:
    """A date `working_days` working days after `start`, with the non-working days skipped on
    the way (after `start`, up to and including `due`) and why each was skipped.
    """

    start: date
    working_days: int
    due: date
    skipped: tuple[tuple[date, str], ...]

    @property
    def explanation(self) -> str:
        """Return one English sentence saying how `due` was reached, e.g. "20 working days
        after Mon 1 Jul 2024, skipping Sat 6 Jul (Saturday), ... and Sun 28 Jul (Sunday): due
        Tue 30 Jul 2024."
        """
        unit = "working day" if self.working_days == 1 else "working days"
        # The year is repeated only where it changes (a count across New Year), so the
        # sentence stays short but never ambiguous.
        skipped = [
            f"{_short_date(d, with_year=d.year != self.start.year)} ({reason})"
            for d, reason in self.skipped
        ]
        skipping = f"skipping {_join_english(skipped)}" if skipped else "with no days skipped"
        return (
            f"{self.working_days} {unit} after {_short_date(self.start)}, {skipping}: "
            f"due {_short_date(self.due)}."
        )


def explain_due_date(start: date, n: int, calendar: WorkingDays) -> DueDate:
    """Return the `n`th working day after `start` in `calendar` (``calendar.add``), with every
    non-working day after `start` up to the due date and the reason it was skipped.
    """
    due = calendar.add(start, n)
    skipped = []
    day = start + timedelta(days=1)
    while day <= due:
        reason = calendar.non_working_reason(day)
        if reason is not None:
            skipped.append((day, reason))
        day += timedelta(days=1)
    return DueDate(start=start, working_days=n, due=due, skipped=tuple(skipped))


def foi_due(received: date, extra_non_working: Iterable[date] = ()) -> DueDate:
    """Return the FOI response deadline with its explanation: the 20th working day following
    the date of receipt (Freedom of Information Act 2000, s.10(1); working day as defined in
    s.10(6): weekends, Christmas Day, Good Friday and bank holidays in any part of the UK are
    skipped). Always equal to ``foi_due_date(received, extra_non_working)`` in its `due`.
    """
    return explain_due_date(received, FOI_WORKING_DAYS, WorkingDays.for_foi(extra_non_working))


def office_target(
    received: date, working_days: int, extra_non_working: Iterable[date] = ()
) -> DueDate:
    """Return the office's own target for answering a routine request, with its explanation:
    `working_days` working days after receipt (Norfolk protocol 10: "respond to straightforward
    / routine requests as soon as possible, during normal Monday to Friday office hours").

    Counted on the election timetable calendar (England and Wales bank holidays; Christmas Eve
    off), which is the office's own working week, not the wider FOI calendar. Pass office
    closures and days of mourning as `extra_non_working`.
    """
    calendar = WorkingDays.for_election_timetable(extra_non_working)
    return explain_due_date(received, working_days, calendar)


def working_days_between(start: date, end: date, calendar: WorkingDays) -> int:
    """Return the number of working days in `calendar` after `start` up to and including `end`
    (0 if `end` is on or before `start`): the inverse of ``calendar.add``, used for "median
    working days to answer".
    """
    _require_date(start, "start")
    _require_date(end, "end")
    count = 0
    day = start + timedelta(days=1)
    while day <= end:
        if calendar.is_working_day(day):
            count += 1
        day += timedelta(days=1)
    return count
