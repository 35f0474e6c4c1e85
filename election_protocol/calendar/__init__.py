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

A package (issue 17, item 11): working_days.py, timetable.py, due_dates.py, retention.py;
every public name is importable from here, as before.
"""

from __future__ import annotations

from election_protocol.calendar.due_dates import (
    FOI_WORKING_DAYS,
    DueDate,
    explain_due_date,
    foi_due,
    office_target,
    working_days_between,
)
from election_protocol.calendar.retention import (
    HasRetention,
    add_months,
    retention_date,
)
from election_protocol.calendar.timetable import (
    CLOSE_OF_NOMINATIONS_DAYS,
    CLOSE_OF_NOMINATIONS_TIME,
    NOTICE_OF_ELECTION_DAYS,
    NOTICE_OF_POLL_DAYS,
    POLL_CLOSES_TIME,
    POLL_OPENS_TIME,
    SOPN_DAYS,
    SOPN_TIME,
    TAKES_OFFICE_CALENDAR_DAYS,
    Phase,
    PreElectionEnd,
    Timetable,
    close_of_nominations,
    election_phase,
    first_possible_poll,
    in_pre_election_period,
    notice_of_election_latest,
    notice_of_poll_latest,
    notice_start,
    poll_closes,
    poll_opens,
    pre_election_period,
    sopn_latest,
    statutory_timetable,
    takes_office,
    validate_notice_date,
)
from election_protocol.calendar.working_days import (
    ADDED_BY_STAFF,
    LONDON,
    CalendarKind,
    WorkingDays,
    local_midnight,
)

__all__ = [
    "ADDED_BY_STAFF",
    "CLOSE_OF_NOMINATIONS_DAYS",
    "CLOSE_OF_NOMINATIONS_TIME",
    "FOI_WORKING_DAYS",
    "LONDON",
    "NOTICE_OF_ELECTION_DAYS",
    "NOTICE_OF_POLL_DAYS",
    "POLL_CLOSES_TIME",
    "POLL_OPENS_TIME",
    "SOPN_DAYS",
    "SOPN_TIME",
    "TAKES_OFFICE_CALENDAR_DAYS",
    "CalendarKind",
    "DueDate",
    "HasRetention",
    "Phase",
    "PreElectionEnd",
    "Timetable",
    "WorkingDays",
    "add_months",
    "close_of_nominations",
    "election_phase",
    "explain_due_date",
    "first_possible_poll",
    "foi_due",
    "in_pre_election_period",
    "local_midnight",
    "notice_of_election_latest",
    "notice_of_poll_latest",
    "notice_start",
    "office_target",
    "poll_closes",
    "poll_opens",
    "pre_election_period",
    "retention_date",
    "sopn_latest",
    "statutory_timetable",
    "takes_office",
    "validate_notice_date",
    "working_days_between",
]
