"""The statutory PCC timetable (PCC Elections Order 2012, Sch 3 r 1), the election's phases and
the pre-election period (Cumbria 11.1). Pure: "now" is an argument."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from election_protocol.calendar.working_days import (
    LONDON,
    WorkingDays,
    _election_calendar,
    _require_aware,
    _require_date,
    local_midnight,
)

# Rows of the Timetable in PCC Elections Order 2012, Sch 3 r 1, as working days before the poll.
NOTICE_OF_ELECTION_DAYS = 25
CLOSE_OF_NOMINATIONS_DAYS = 19
SOPN_DAYS = 18
NOTICE_OF_POLL_DAYS = 6
# Police Reform and Social Responsibility Act 2011, s.50(7)(a): the term of office of a PCC
# returned at an ordinary election begins on the seventh (calendar) day after the poll.
TAKES_OFFICE_CALENDAR_DAYS = 7

CLOSE_OF_NOMINATIONS_TIME = time(16, 0)
SOPN_TIME = time(16, 0)
POLL_OPENS_TIME = time(7, 0)
POLL_CLOSES_TIME = time(22, 0)


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
