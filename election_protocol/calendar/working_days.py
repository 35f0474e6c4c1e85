"""Working days: the two calendars (the election timetable's and FOI's), their bank holidays
from the ``holidays`` package, and why a day is not a working day (shown to staff). Pure."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")


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
