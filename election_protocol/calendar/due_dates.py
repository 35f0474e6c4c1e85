"""Due dates counted in working days and explained ("which days were skipped"): FOI's 20
working days (FOIA s.10(1)), the office's own targets, working days between two dates. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from election_protocol.calendar.working_days import WorkingDays, _join_english, _require_date

# Freedom of Information Act 2000, s.10(1): the twentieth working day following receipt.
FOI_WORKING_DAYS = 20


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
    skipped).

    The day of receipt is never counted. A request received on a non-working day keeps that
    date of receipt (ICO line to take LTT47), so the first working day after it is day 1.
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
