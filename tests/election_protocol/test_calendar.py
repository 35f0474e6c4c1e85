"""Tests for election_protocol.calendar: working days, the PCC timetable, FOI dates, phases.

Reference elections (every pinned date is from a published timetable, not from this code):
* poll 2 May 2024: Electoral Commission PCC/PFCC media handbook 2024 (notice by Tue 26 Mar,
  nominations close 4pm Fri 5 Apr, candidate list by 4pm Mon 8 Apr, notice of poll by Wed 24 Apr);
  PRODUCT.md; Cumbria protocol (notice published 20 Mar 2024); Leicestershire protocol
  "Significant Dates" (notice Tue 26 Mar 2024).
* poll 6 May 2021: Nottinghamshire PCC election portal key dates (notice by Mon 29 Mar, 4pm Thu
  8 Apr, SoPN by 4pm Fri 9 Apr); PRODUCT.md; Cleveland protocol 1.3 (notice 22 Mar 2021, ends
  10pm on polling day); Avon and Somerset protocol 12.1.1 (notice 22 Mar 2021).
* poll 5 May 2016: Lancashire PARO candidates' briefing (notice not later than 30 Mar, 4pm 7 Apr,
  SoPN 4pm 8 Apr, notice of poll not later than 26 Apr); Reigate and Banstead timetable (4pm
  Thu 7 Apr); Gwent OPCC (SoPN Fri 8 Apr; new PCC in office Thu 12 May 2016).
* planned poll 7 May 2020 (postponed to 2021 by the Coronavirus Act 2020): Leicestershire PCC
  election site (SoPN no later than 4pm on 9 Apr 2020; new PCC in office 14 May 2020).
"""

from dataclasses import FrozenInstanceError
from datetime import UTC, date, datetime, timedelta

import pytest

from election_protocol.calendar import (
    FOI_WORKING_DAYS,
    LONDON,
    DueDate,
    Phase,
    PreElectionEnd,
    Timetable,
    WorkingDays,
    close_of_nominations,
    election_phase,
    explain_due_date,
    foi_due,
    in_pre_election_period,
    notice_of_election_latest,
    notice_start,
    office_target,
    pre_election_period,
    sopn_latest,
    statutory_timetable,
    takes_office,
    validate_notice_date,
    working_days_between,
)

POLL_2024 = date(2024, 5, 2)
POLL_2021 = date(2021, 5, 6)
CUMBRIA_2024_NOTICE = date(2024, 3, 20)
CLEVELAND_2021_NOTICE = date(2021, 3, 22)


def london(*args: int) -> datetime:
    """Return an aware Europe/London datetime (wall-clock time as the protocols state it)."""
    return datetime(*args, tzinfo=LONDON)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- the statutory timetable ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("poll", "expected"),
    [
        pytest.param(
            POLL_2024,
            Timetable(
                poll=POLL_2024,
                notice_of_election=date(2024, 3, 26),
                close_of_nominations=london(2024, 4, 5, 16, 0),
                sopn=date(2024, 4, 8),
                notice_of_poll=date(2024, 4, 24),
                poll_opens=london(2024, 5, 2, 7, 0),
                poll_closes=london(2024, 5, 2, 22, 0),
                takes_office=date(2024, 5, 9),
            ),
            id="2024",
        ),
        pytest.param(
            POLL_2021,
            Timetable(
                poll=POLL_2021,
                notice_of_election=date(2021, 3, 29),
                close_of_nominations=london(2021, 4, 8, 16, 0),
                sopn=date(2021, 4, 9),
                notice_of_poll=date(2021, 4, 27),
                poll_opens=london(2021, 5, 6, 7, 0),
                poll_closes=london(2021, 5, 6, 22, 0),
                takes_office=date(2021, 5, 13),
            ),
            id="2021",
        ),
        pytest.param(
            date(2016, 5, 5),
            Timetable(
                poll=date(2016, 5, 5),
                # Easter 2016 (Good Friday 25 Mar, Easter Monday 28 Mar) puts the 25th working
                # day on Wed 30 Mar, not Tue 29 Mar.
                notice_of_election=date(2016, 3, 30),
                close_of_nominations=london(2016, 4, 7, 16, 0),
                sopn=date(2016, 4, 8),
                notice_of_poll=date(2016, 4, 26),
                poll_opens=london(2016, 5, 5, 7, 0),
                poll_closes=london(2016, 5, 5, 22, 0),
                takes_office=date(2016, 5, 12),
            ),
            id="2016",
        ),
    ],
)
def test_statutory_timetable_matches_reference_election(poll: date, expected: Timetable) -> None:
    assert statutory_timetable(poll) == expected


def test_sopn_latest_matches_planned_2020_poll() -> None:
    calendar = WorkingDays.for_election_timetable()

    assert sopn_latest(date(2020, 5, 7), calendar) == date(2020, 4, 9)
    assert takes_office(date(2020, 5, 7)) == date(2020, 5, 14)


@pytest.mark.parametrize(
    ("moment", "expected_utc"),
    [
        # Clocks went forward on 31 Mar 2024: 4pm on 5 Apr is 4pm BST, i.e. 15:00 UTC.
        pytest.param("close_of_nominations", utc(2024, 4, 5, 15, 0), id="nominations-bst"),
        pytest.param("poll_opens", utc(2024, 5, 2, 6, 0), id="opens-bst"),
        pytest.param("poll_closes", utc(2024, 5, 2, 21, 0), id="closes-bst"),
    ],
)
def test_statutory_timetable_times_are_london_local_time(
    moment: str, expected_utc: datetime
) -> None:
    value = getattr(statutory_timetable(POLL_2024), moment)

    assert value.astimezone(UTC) == expected_utc


@pytest.mark.parametrize(
    ("mourning", "notice", "nominations", "sopn", "notice_of_poll"),
    [
        # A day of mourning on Wed 10 Apr 2024, between close of nominations and the notice of
        # poll: everything counted across it moves one working day earlier; the notice of poll
        # (counted back only from 1 May to 24 Apr) does not.
        pytest.param(
            date(2024, 4, 10),
            date(2024, 3, 25),
            london(2024, 4, 4, 16, 0),
            date(2024, 4, 5),
            date(2024, 4, 24),
            id="between-sopn-and-notice-of-poll",
        ),
        # A day of mourning on Mon 29 Apr 2024, inside the last six working days: all four move.
        pytest.param(
            date(2024, 4, 29),
            date(2024, 3, 25),
            london(2024, 4, 4, 16, 0),
            date(2024, 4, 5),
            date(2024, 4, 23),
            id="inside-notice-of-poll-window",
        ),
    ],
)
def test_statutory_timetable_day_of_mourning_moves_deadlines_earlier(
    mourning: date, notice: date, nominations: datetime, sopn: date, notice_of_poll: date
) -> None:
    timetable = statutory_timetable(POLL_2024, extra_non_working=[mourning])

    assert (
        timetable.notice_of_election,
        timetable.close_of_nominations,
        timetable.sopn,
        timetable.notice_of_poll,
    ) == (notice, nominations, sopn, notice_of_poll)


@pytest.mark.parametrize(
    ("poll", "extra"),
    [
        pytest.param(date(2024, 5, 4), (), id="saturday"),
        pytest.param(date(2024, 5, 6), (), id="early-may-bank-holiday"),
        pytest.param(date(2024, 12, 24), (), id="christmas-eve"),
        pytest.param(POLL_2024, (POLL_2024,), id="day-of-mourning"),
    ],
)
def test_statutory_timetable_poll_on_non_working_day_raises(
    poll: date, extra: tuple[date, ...]
) -> None:
    with pytest.raises(ValueError, match="not a working day"):
        statutory_timetable(poll, extra_non_working=extra)


def test_statutory_timetable_poll_not_on_thursday_is_allowed() -> None:
    # Hypothetical by-election poll on Tuesday 14 May 2024 (not a reference election). Counting
    # back six working days: 13, 10, 9, 8, 7 May, then Mon 6 May is a bank holiday, so the
    # notice of poll is due by Fri 3 May.
    timetable = statutory_timetable(date(2024, 5, 14))

    assert (timetable.notice_of_poll, timetable.takes_office) == (
        date(2024, 5, 3),
        date(2024, 5, 21),
    )


@pytest.mark.parametrize(
    "poll",
    [
        pytest.param(datetime(2024, 5, 2, 7, 0, tzinfo=LONDON), id="datetime"),
        pytest.param("2024-05-02", id="string"),
    ],
)
def test_statutory_timetable_poll_not_a_date_raises(poll: object) -> None:
    with pytest.raises(TypeError, match=r"poll must be a datetime\.date"):
        statutory_timetable(poll)  # type: ignore[arg-type]


def test_timetable_rule_with_foi_calendar_raises() -> None:
    with pytest.raises(ValueError, match="for_election_timetable"):
        notice_of_election_latest(POLL_2024, WorkingDays.for_foi())
    with pytest.raises(ValueError, match="for_election_timetable"):
        close_of_nominations(POLL_2024, WorkingDays.for_foi())


# --- working days ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "election", "foi"),
    [
        pytest.param(date(2024, 3, 27), True, True, id="ordinary-wednesday"),
        pytest.param(date(2024, 3, 30), False, False, id="saturday"),
        pytest.param(date(2024, 3, 31), False, False, id="sunday"),
        pytest.param(date(2024, 12, 24), False, True, id="christmas-eve"),
        pytest.param(date(2024, 12, 25), False, False, id="christmas-day"),
        pytest.param(date(2024, 12, 26), False, False, id="boxing-day"),
        pytest.param(date(2021, 12, 27), False, False, id="christmas-substitute-2021"),
        pytest.param(date(2021, 12, 28), False, False, id="boxing-day-substitute-2021"),
        pytest.param(date(2024, 3, 29), False, False, id="good-friday"),
        pytest.param(date(2024, 4, 1), False, False, id="easter-monday"),
        pytest.param(date(2024, 5, 6), False, False, id="early-may-bank-holiday"),
        pytest.param(date(2022, 6, 3), False, False, id="platinum-jubilee"),
        pytest.param(date(2022, 9, 19), False, False, id="queens-state-funeral"),
        pytest.param(date(2023, 5, 8), False, False, id="coronation"),
        # Scotland only: disregarded for FOI, working days for the election timetable.
        pytest.param(date(2025, 1, 2), True, False, id="scotland-2-january"),
        pytest.param(date(2024, 8, 5), True, False, id="scotland-first-monday-august"),
        pytest.param(date(2026, 11, 30), True, False, id="scotland-st-andrews-day"),
        pytest.param(date(2024, 12, 2), True, False, id="scotland-st-andrews-substitute"),
        # Northern Ireland only.
        pytest.param(date(2024, 7, 12), True, False, id="ni-12-july"),
        pytest.param(date(2025, 7, 14), True, False, id="ni-12-july-substitute"),
        pytest.param(date(2025, 3, 17), True, False, id="ni-st-patricks-day"),
        pytest.param(date(2024, 3, 18), True, False, id="ni-st-patricks-substitute"),
    ],
)
def test_is_working_day_follows_each_statute(day: date, election: bool, foi: bool) -> None:
    assert (
        WorkingDays.for_election_timetable().is_working_day(day),
        WorkingDays.for_foi().is_working_day(day),
    ) == (election, foi)


def test_is_working_day_extra_non_working_day_is_disregarded() -> None:
    mourning = date(2024, 4, 10)

    assert (
        WorkingDays.for_election_timetable([mourning]).is_working_day(mourning),
        WorkingDays.for_foi([mourning]).is_working_day(mourning),
        WorkingDays.for_election_timetable().is_working_day(mourning),
    ) == (False, False, True)


@pytest.mark.parametrize(
    ("start", "n", "expected_add", "expected_back"),
    [
        # Easter 2024: Good Friday 29 Mar and Easter Monday 1 Apr are skipped both ways.
        pytest.param(date(2024, 3, 28), 1, date(2024, 4, 2), date(2024, 3, 27), id="easter"),
        pytest.param(date(2024, 4, 2), 1, date(2024, 4, 3), date(2024, 3, 28), id="after-easter"),
        # A non-working start day is never counted itself.
        pytest.param(date(2024, 3, 30), 1, date(2024, 4, 2), date(2024, 3, 28), id="saturday"),
        pytest.param(POLL_2024, 6, date(2024, 5, 13), date(2024, 4, 24), id="six-days"),
    ],
)
def test_working_days_add_and_back_skip_non_working_days(
    start: date, n: int, expected_add: date, expected_back: date
) -> None:
    calendar = WorkingDays.for_election_timetable()

    assert (calendar.add(start, n), calendar.back(start, n)) == (expected_add, expected_back)


@pytest.mark.parametrize("n", [0, -1, True])
def test_working_days_add_non_positive_count_raises(n: int) -> None:
    with pytest.raises(ValueError, match="n must be"):
        WorkingDays.for_election_timetable().add(POLL_2024, n)


def test_is_working_day_datetime_raises() -> None:
    # A datetime never equals a holiday date; accepting it would silently count bank holidays.
    with pytest.raises(TypeError, match=r"must be a datetime\.date"):
        WorkingDays.for_foi().is_working_day(datetime(2024, 12, 25, 9, 0))


def test_working_days_extra_datetime_raises() -> None:
    with pytest.raises(TypeError, match="extra non-working day"):
        WorkingDays.for_election_timetable([datetime(2024, 4, 10, 0, 0)])


def test_working_days_is_frozen_and_hashable_value() -> None:
    first = WorkingDays.for_election_timetable([date(2024, 4, 10), date(2024, 4, 11)])
    second = WorkingDays.for_election_timetable((date(2024, 4, 11), date(2024, 4, 10)))

    assert (first == second, hash(first) == hash(second)) == (True, True)
    assert first != WorkingDays.for_foi([date(2024, 4, 10), date(2024, 4, 11)])
    with pytest.raises(FrozenInstanceError):
        first.extra_non_working = frozenset()  # type: ignore[misc]


# --- FOI due dates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        # Mon 1 Jul 2024: day 1 is Tue 2 Jul. 2-5 Jul are days 1-4, 8-11 Jul days 5-8; Fri 12 Jul
        # (Northern Ireland bank holiday) is skipped; 15-19 Jul days 9-13, 22-26 Jul days 14-18,
        # Mon 29 Jul day 19, Tue 30 Jul day 20. (An England-only count would give 29 Jul.)
        pytest.param(date(2024, 7, 1), date(2024, 7, 30), id="ni-12-july"),
        # Sat 6 Jul 2024: receipt on a non-working day, so Mon 8 Jul is day 1. 8-11 Jul days
        # 1-4, 12 Jul skipped, 15-19 days 5-9, 22-26 days 10-14, 29 Jul-2 Aug days 15-19,
        # Mon 5 Aug (Scotland's summer bank holiday) skipped, Tue 6 Aug day 20.
        pytest.param(date(2024, 7, 6), date(2024, 8, 6), id="saturday-then-scotland-august"),
        # Fri 20 Dec 2024: Mon 23 Dec day 1, Tue 24 Dec (Christmas Eve counts for FOI) day 2,
        # 25-26 Dec skipped, 27 Dec day 3, 30-31 Dec days 4-5, 1 Jan and 2 Jan (Scotland)
        # skipped, Fri 3 Jan day 6, 6-10 Jan days 7-11, 13-17 Jan days 12-16, 20-23 Jan
        # days 17-20.
        pytest.param(date(2024, 12, 20), date(2025, 1, 23), id="christmas"),
        # Mon 10 Mar 2025: 11-14 Mar days 1-4, Mon 17 Mar (St Patrick's Day) skipped, 18-21
        # days 5-8, 24-28 days 9-13, 31 Mar-4 Apr days 14-18, 7-8 Apr days 19-20.
        pytest.param(date(2025, 3, 10), date(2025, 4, 8), id="ni-st-patricks-day"),
        # Mon 16 Nov 2026: 17-20 Nov days 1-4, 23-27 days 5-9, Mon 30 Nov (St Andrew's Day)
        # skipped, 1-4 Dec days 10-13, 7-11 Dec days 14-18, 14-15 Dec days 19-20.
        pytest.param(date(2026, 11, 16), date(2026, 12, 15), id="scotland-st-andrews-day"),
    ],
)
def test_foi_due_is_20th_uk_working_day_after_receipt(received: date, expected: date) -> None:
    assert foi_due(received).due == expected


def test_foi_due_extra_non_working_day_adds_a_day() -> None:
    assert foi_due(date(2024, 7, 1), extra_non_working=[date(2024, 7, 3)]).due == date(2024, 7, 31)


def test_foi_due_differs_from_election_calendar_count() -> None:
    # The same 20-working-day count over 12 Jul 2024 on the election calendar lands a day
    # earlier: the two calendars must not be mixed up.
    assert WorkingDays.for_election_timetable().add(date(2024, 7, 1), 20) == date(2024, 7, 29)


# --- the notice of election and phases ------------------------------------------------------


@pytest.mark.parametrize(
    ("notice_published", "expected"),
    [
        pytest.param(CUMBRIA_2024_NOTICE, london(2024, 3, 20, 0, 0), id="cumbria-actual"),
        pytest.param(None, london(2024, 3, 26, 0, 0), id="unknown-uses-statutory-latest"),
    ],
)
def test_notice_start_uses_actual_notice_date_when_known(
    notice_published: date | None, expected: datetime
) -> None:
    assert notice_start(statutory_timetable(POLL_2024), notice_published) == expected


@pytest.mark.parametrize(
    ("poll", "notice_published"),
    [
        pytest.param(POLL_2024, CUMBRIA_2024_NOTICE, id="cumbria-2024"),
        pytest.param(POLL_2024, date(2024, 3, 26), id="leicestershire-2024-on-latest-day"),
        pytest.param(POLL_2021, date(2021, 3, 22), id="avon-and-somerset-2021"),
    ],
)
def test_validate_notice_date_accepts_notice_on_or_before_latest(
    poll: date, notice_published: date
) -> None:
    assert validate_notice_date(statutory_timetable(poll), notice_published) is None


def test_validate_notice_date_after_latest_raises() -> None:
    with pytest.raises(ValueError, match="latest lawful date is Tuesday 26 March 2024"):
        validate_notice_date(statutory_timetable(POLL_2024), date(2024, 3, 27))


@pytest.mark.parametrize(
    ("at", "notice_published", "expected"),
    [
        pytest.param(london(2024, 3, 19, 23, 59, 59), CUMBRIA_2024_NOTICE, Phase.BEFORE_NOTICE),
        pytest.param(london(2024, 3, 20, 0, 0), CUMBRIA_2024_NOTICE, Phase.PRE_ELECTION),
        # Cumbria 2024: 9am on 20 Mar is pre-election once the actual notice date is entered,
        # but before the notice while only the statutory latest (26 Mar) is known.
        pytest.param(london(2024, 3, 20, 9, 0), CUMBRIA_2024_NOTICE, Phase.PRE_ELECTION),
        pytest.param(london(2024, 3, 20, 9, 0), None, Phase.BEFORE_NOTICE),
        pytest.param(london(2024, 3, 25, 23, 59, 59), None, Phase.BEFORE_NOTICE),
        pytest.param(london(2024, 3, 26, 0, 0), None, Phase.PRE_ELECTION),
        pytest.param(london(2024, 4, 5, 15, 59), None, Phase.PRE_ELECTION),
        pytest.param(london(2024, 4, 5, 16, 0), None, Phase.NOMINATIONS_CLOSED),
        # After the 31 Mar 2024 clock change, 4pm London is 15:00 UTC.
        pytest.param(utc(2024, 4, 5, 14, 59, 59), None, Phase.PRE_ELECTION),
        pytest.param(utc(2024, 4, 5, 15, 0), None, Phase.NOMINATIONS_CLOSED),
        pytest.param(london(2024, 5, 1, 23, 59, 59), None, Phase.NOMINATIONS_CLOSED),
        pytest.param(london(2024, 5, 2, 0, 0), None, Phase.POLLING_DAY),
        pytest.param(utc(2024, 5, 1, 23, 0), None, Phase.POLLING_DAY),
        pytest.param(london(2024, 5, 2, 21, 59), None, Phase.POLLING_DAY),
        pytest.param(london(2024, 5, 2, 22, 0), None, Phase.AFTER_POLL),
        pytest.param(utc(2024, 5, 2, 21, 0), None, Phase.AFTER_POLL),
        pytest.param(london(2024, 5, 9, 0, 0), None, Phase.AFTER_POLL),
    ],
)
def test_election_phase_at_boundaries_of_2024_poll(
    at: datetime, notice_published: date | None, expected: Phase
) -> None:
    assert election_phase(at, statutory_timetable(POLL_2024), notice_published) == expected


def test_election_phase_naive_datetime_raises() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        election_phase(datetime(2024, 4, 5, 16, 0), statutory_timetable(POLL_2024))


def test_election_phase_date_instead_of_datetime_raises() -> None:
    with pytest.raises(TypeError, match="must be a datetime"):
        election_phase(date(2024, 4, 5), statutory_timetable(POLL_2024))  # type: ignore[arg-type]


def test_phase_labels_are_human_readable() -> None:
    assert {phase.value: phase.label for phase in Phase} == {
        "before_notice": "Before the notice of election",
        "pre_election": "Pre-election period",
        "nominations_closed": "Nominations closed",
        "polling_day": "Polling day",
        "after_poll": "After the poll",
    }


def test_pre_election_end_labels_are_human_readable() -> None:
    assert {end.value: end.label for end in PreElectionEnd} == {
        "close_of_poll": "At the close of poll (10pm on polling day)",
        "takes_office": "When the newly elected PCC takes office",
    }


# --- the pre-election period ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("poll", "notice_published", "ends", "expected"),
    [
        # Cleveland protocol 1.3: begins with the notice on 22 Mar 2021, ends 10pm on 6 May 2021.
        pytest.param(
            POLL_2021,
            CLEVELAND_2021_NOTICE,
            PreElectionEnd.CLOSE_OF_POLL,
            (london(2021, 3, 22, 0, 0), london(2021, 5, 6, 22, 0)),
            id="cleveland-2021",
        ),
        # Leicestershire 2024 "Significant Dates": notice Tue 26 Mar 2024, ends when the new
        # PCC takes office (Thu 9 May 2024).
        pytest.param(
            POLL_2024,
            date(2024, 3, 26),
            PreElectionEnd.TAKES_OFFICE,
            (london(2024, 3, 26, 0, 0), london(2024, 5, 9, 0, 0)),
            id="leicestershire-2024",
        ),
        # Cumbria 2024 (notice 20 Mar), both policies; the stored choice may be a plain string.
        pytest.param(
            POLL_2024,
            CUMBRIA_2024_NOTICE,
            "close_of_poll",
            (london(2024, 3, 20, 0, 0), london(2024, 5, 2, 22, 0)),
            id="cumbria-2024-close-of-poll",
        ),
        pytest.param(
            POLL_2024,
            CUMBRIA_2024_NOTICE,
            PreElectionEnd.TAKES_OFFICE,
            (london(2024, 3, 20, 0, 0), london(2024, 5, 9, 0, 0)),
            id="cumbria-2024-takes-office",
        ),
    ],
)
def test_pre_election_period_start_and_end_follow_local_policy(
    poll: date,
    notice_published: date,
    ends: PreElectionEnd,
    expected: tuple[datetime, datetime],
) -> None:
    assert pre_election_period(statutory_timetable(poll), notice_published, ends) == expected


def test_pre_election_period_start_is_gmt_midnight_before_clock_change() -> None:
    start, end = pre_election_period(
        statutory_timetable(POLL_2024), CUMBRIA_2024_NOTICE, PreElectionEnd.CLOSE_OF_POLL
    )

    # 20 Mar 2024 is before the 31 Mar clock change (GMT); 2 May 2024 is BST.
    assert (start.astimezone(UTC), end.astimezone(UTC)) == (
        utc(2024, 3, 20, 0, 0),
        utc(2024, 5, 2, 21, 0),
    )


@pytest.mark.parametrize(
    ("at", "poll", "notice_published", "ends", "expected"),
    [
        # Cleveland 2021: start inclusive at the notice, end exclusive at 10pm on polling day.
        (london(2021, 3, 21, 23, 59, 59), POLL_2021, CLEVELAND_2021_NOTICE, "close_of_poll", False),
        (london(2021, 3, 22, 0, 0), POLL_2021, CLEVELAND_2021_NOTICE, "close_of_poll", True),
        (london(2021, 5, 6, 21, 59, 59), POLL_2021, CLEVELAND_2021_NOTICE, "close_of_poll", True),
        (london(2021, 5, 6, 22, 0), POLL_2021, CLEVELAND_2021_NOTICE, "close_of_poll", False),
        (london(2021, 5, 7, 10, 0), POLL_2021, CLEVELAND_2021_NOTICE, "close_of_poll", False),
        # Leicestershire 2024: the day after the poll is still pre-election until 9 May.
        (london(2024, 5, 3, 10, 0), POLL_2024, date(2024, 3, 26), "takes_office", True),
        (london(2024, 5, 8, 23, 59, 59), POLL_2024, date(2024, 3, 26), "takes_office", True),
        (london(2024, 5, 9, 0, 0), POLL_2024, date(2024, 3, 26), "takes_office", False),
        (utc(2024, 5, 8, 22, 59, 59), POLL_2024, date(2024, 3, 26), "takes_office", True),
        (utc(2024, 5, 8, 23, 0), POLL_2024, date(2024, 3, 26), "takes_office", False),
    ],
)
def test_in_pre_election_period_start_inclusive_end_exclusive(
    at: datetime, poll: date, notice_published: date, ends: str, expected: bool
) -> None:
    timetable = statutory_timetable(poll)

    assert in_pre_election_period(at, timetable, notice_published, PreElectionEnd(ends)) is (
        expected
    )


def test_in_pre_election_period_naive_datetime_raises() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        in_pre_election_period(
            datetime(2024, 4, 1, 12, 0),
            statutory_timetable(POLL_2024),
            None,
            PreElectionEnd.CLOSE_OF_POLL,
        )


# --- explaining working-day counts ----------------------------------------------------------

ELECTION = WorkingDays.for_election_timetable
FOI = WorkingDays.for_foi


def _every_day(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


@pytest.mark.parametrize(
    ("calendar", "day", "expected"),
    [
        pytest.param(ELECTION(), date(2024, 3, 27), None, id="working-day"),
        pytest.param(FOI(), date(2024, 3, 30), "Saturday", id="saturday"),
        pytest.param(ELECTION(), date(2024, 3, 31), "Sunday", id="sunday"),
        pytest.param(ELECTION(), date(2024, 12, 24), "Christmas Eve", id="christmas-eve-election"),
        pytest.param(FOI(), date(2024, 12, 24), None, id="christmas-eve-foi-works"),
        pytest.param(FOI(), date(2024, 12, 25), "Christmas Day", id="christmas-day"),
        # Christmas Day 2021 was a Saturday; the substitute Monday is named by the holiday data.
        pytest.param(FOI(), date(2021, 12, 25), "Saturday", id="christmas-on-saturday"),
        pytest.param(
            ELECTION(), date(2021, 12, 27), "Christmas Day (observed)", id="christmas-substitute"
        ),
        pytest.param(ELECTION(), date(2024, 3, 29), "Good Friday", id="good-friday"),
        # The ``holidays`` package calls the early May bank holiday "May Day".
        pytest.param(ELECTION(), date(2024, 5, 6), "May Day", id="early-may-bank-holiday"),
        pytest.param(ELECTION(), date(2024, 4, 1), "Easter Monday", id="easter-monday-election"),
        pytest.param(
            FOI(),
            date(2024, 4, 1),
            "Easter Monday (England, Wales and Northern Ireland)",
            id="easter-monday-foi-not-scotland",
        ),
        pytest.param(
            FOI(), date(2024, 7, 12), "Battle of the Boyne (Northern Ireland)", id="ni-12-july"
        ),
        pytest.param(ELECTION(), date(2024, 7, 12), None, id="ni-12-july-election-works"),
        pytest.param(
            FOI(), date(2024, 8, 5), "Summer Bank Holiday (Scotland)", id="scotland-august"
        ),
        pytest.param(
            FOI(),
            date(2024, 12, 2),
            "Saint Andrew's Day (observed) (Scotland)",
            id="scotland-st-andrews-substitute",
        ),
        # Two holidays on one day, one of them Scotland only.
        pytest.param(
            FOI(),
            date(2023, 1, 2),
            "New Year's Day (observed); New Year Holiday (Scotland)",
            id="two-holidays-one-day-foi",
        ),
        pytest.param(
            ELECTION(), date(2023, 1, 2), "New Year's Day (observed)", id="two-holidays-election"
        ),
        pytest.param(
            ELECTION(),
            date(2022, 9, 19),
            "State Funeral of Queen Elizabeth II",
            id="queens-state-funeral",
        ),
        pytest.param(
            ELECTION([date(2024, 4, 10)]), date(2024, 4, 10), "Added by staff", id="staff-day"
        ),
        pytest.param(
            FOI([date(2024, 4, 10)]), date(2024, 4, 10), "Added by staff", id="staff-day-foi"
        ),
        # A closure entered on a day that is off anyway keeps the statutory reason.
        pytest.param(
            ELECTION([date(2024, 5, 6)]), date(2024, 5, 6), "May Day", id="staff-on-bank-holiday"
        ),
        pytest.param(
            ELECTION([date(2024, 4, 13)]), date(2024, 4, 13), "Saturday", id="staff-on-saturday"
        ),
    ],
)
def test_non_working_reason_names_the_kind_of_day(
    calendar: WorkingDays, day: date, expected: str | None
) -> None:
    assert calendar.non_working_reason(day) == expected


@pytest.mark.parametrize(
    "calendar",
    [
        pytest.param(ELECTION(), id="election"),
        pytest.param(FOI(), id="foi"),
        pytest.param(ELECTION([date(2024, 4, 10), date(2024, 12, 27)]), id="election-extra"),
        pytest.param(FOI([date(2024, 4, 10), date(2024, 12, 27)]), id="foi-extra"),
    ],
)
@pytest.mark.parametrize("year", [2023, 2024])
def test_non_working_reason_agrees_with_is_working_day_every_day_of_year(
    calendar: WorkingDays, year: int
) -> None:
    days = _every_day(year)
    reasons = {d: calendar.non_working_reason(d) for d in days}

    assert [d for d in days if reasons[d] is None] == [
        d for d in days if calendar.is_working_day(d)
    ]
    assert [d for d, reason in reasons.items() if reason == ""] == []


def test_non_working_reason_datetime_raises() -> None:
    with pytest.raises(TypeError, match=r"must be a datetime\.date"):
        FOI().non_working_reason(datetime(2024, 12, 25, 9, 0))


def test_foi_due_lists_every_skipped_day_with_its_reason() -> None:
    # Received Mon 1 Jul 2024: see test_foi_due_is_20th_uk_working_day_after_receipt.
    assert foi_due(date(2024, 7, 1)) == DueDate(
        start=date(2024, 7, 1),
        working_days=20,
        due=date(2024, 7, 30),
        skipped=(
            (date(2024, 7, 6), "Saturday"),
            (date(2024, 7, 7), "Sunday"),
            (date(2024, 7, 12), "Battle of the Boyne (Northern Ireland)"),
            (date(2024, 7, 13), "Saturday"),
            (date(2024, 7, 14), "Sunday"),
            (date(2024, 7, 20), "Saturday"),
            (date(2024, 7, 21), "Sunday"),
            (date(2024, 7, 27), "Saturday"),
            (date(2024, 7, 28), "Sunday"),
        ),
    )


def test_foi_due_explanation_is_one_sentence() -> None:
    assert foi_due(date(2024, 7, 1)).explanation == (
        "20 working days after Mon 1 Jul 2024, skipping Sat 6 Jul (Saturday), Sun 7 Jul "
        "(Sunday), Fri 12 Jul (Battle of the Boyne (Northern Ireland)), Sat 13 Jul (Saturday), "
        "Sun 14 Jul (Sunday), Sat 20 Jul (Saturday), Sun 21 Jul (Sunday), Sat 27 Jul "
        "(Saturday) and Sun 28 Jul (Sunday): due Tue 30 Jul 2024."
    )


@pytest.mark.parametrize(
    ("received", "extra"),
    [
        pytest.param(date(2024, 7, 1), (), id="ni-12-july"),
        pytest.param(date(2024, 7, 6), (), id="saturday-receipt"),
        pytest.param(date(2024, 12, 20), (), id="christmas"),
        pytest.param(date(2025, 3, 10), (), id="st-patricks-day"),
        pytest.param(date(2026, 11, 16), (), id="st-andrews-day"),
        pytest.param(date(2024, 7, 1), (date(2024, 7, 3),), id="extra-day"),
        pytest.param(date(2024, 4, 8), (), id="pcc-2024-sopn-day"),
    ],
)
def test_foi_due_agrees_with_the_foi_calendar_count(
    received: date, extra: tuple[date, ...]
) -> None:
    assert foi_due(received, extra).due == WorkingDays.for_foi(extra).add(
        received, FOI_WORKING_DAYS
    )


@pytest.mark.parametrize(
    ("received", "working_days", "extra", "expected"),
    [
        # A routine request received on Thu 28 Mar 2024, in the pre-election period of the
        # 2 May 2024 PCC poll (Cumbria notice 20 Mar): Easter is skipped.
        pytest.param(
            date(2024, 3, 28),
            5,
            (),
            DueDate(
                start=date(2024, 3, 28),
                working_days=5,
                due=date(2024, 4, 8),
                skipped=(
                    (date(2024, 3, 29), "Good Friday"),
                    (date(2024, 3, 30), "Saturday"),
                    (date(2024, 3, 31), "Sunday"),
                    (date(2024, 4, 1), "Easter Monday"),
                    (date(2024, 4, 6), "Saturday"),
                    (date(2024, 4, 7), "Sunday"),
                ),
            ),
            id="easter-2024",
        ),
        # Christmas Eve is off for the office (unlike FOI); 2 Jan (Scotland only) is worked.
        pytest.param(
            date(2024, 12, 20),
            5,
            (),
            DueDate(
                start=date(2024, 12, 20),
                working_days=5,
                due=date(2025, 1, 2),
                skipped=(
                    (date(2024, 12, 21), "Saturday"),
                    (date(2024, 12, 22), "Sunday"),
                    (date(2024, 12, 24), "Christmas Eve"),
                    (date(2024, 12, 25), "Christmas Day"),
                    (date(2024, 12, 26), "Boxing Day"),
                    (date(2024, 12, 28), "Saturday"),
                    (date(2024, 12, 29), "Sunday"),
                    (date(2025, 1, 1), "New Year's Day"),
                ),
            ),
            id="christmas-2024",
        ),
        # An office closure on Wed 10 Apr 2024 (between the 2024 SoPN and notice of poll).
        pytest.param(
            date(2024, 4, 8),
            3,
            (date(2024, 4, 10),),
            DueDate(
                start=date(2024, 4, 8),
                working_days=3,
                due=date(2024, 4, 12),
                skipped=((date(2024, 4, 10), "Added by staff"),),
            ),
            id="office-closure",
        ),
    ],
)
def test_office_target_counts_office_working_days(
    received: date, working_days: int, extra: tuple[date, ...], expected: DueDate
) -> None:
    assert office_target(received, working_days, extra) == expected


@pytest.mark.parametrize(
    ("due_date", "expected"),
    [
        pytest.param(
            office_target(date(2024, 4, 8), 1),
            "1 working day after Mon 8 Apr 2024, with no days skipped: due Tue 9 Apr 2024.",
            id="singular-no-skips",
        ),
        pytest.param(
            office_target(date(2024, 4, 8), 3, [date(2024, 4, 10)]),
            "3 working days after Mon 8 Apr 2024, skipping Wed 10 Apr (Added by staff): "
            "due Fri 12 Apr 2024.",
            id="one-skip",
        ),
        pytest.param(
            office_target(date(2024, 12, 30), 2),
            "2 working days after Mon 30 Dec 2024, skipping Wed 1 Jan 2025 (New Year's Day): "
            "due Thu 2 Jan 2025.",
            id="year-shown-after-new-year",
        ),
        pytest.param(
            office_target(date(2024, 3, 28), 1),
            "1 working day after Thu 28 Mar 2024, skipping Fri 29 Mar (Good Friday), Sat 30 "
            "Mar (Saturday), Sun 31 Mar (Sunday) and Mon 1 Apr (Easter Monday): due Tue 2 Apr "
            "2024.",
            id="easter",
        ),
    ],
)
def test_due_date_explanation_reads_as_one_sentence(due_date: DueDate, expected: str) -> None:
    assert due_date.explanation == expected


def test_explain_due_date_due_is_calendar_add() -> None:
    calendar = FOI([date(2024, 4, 10)])

    assert explain_due_date(POLL_2024, 25, calendar).due == calendar.add(POLL_2024, 25)


@pytest.mark.parametrize("n", [0, -3])
def test_explain_due_date_non_positive_count_raises(n: int) -> None:
    with pytest.raises(ValueError, match="n must be"):
        explain_due_date(POLL_2024, n, ELECTION())


@pytest.mark.parametrize("calendar", [ELECTION(), FOI(), ELECTION([date(2024, 4, 10)])])
@pytest.mark.parametrize(
    "start",
    [
        date(2024, 3, 26),  # 2024 notice of election (latest)
        date(2024, 3, 30),  # a Saturday before Easter Monday
        date(2024, 7, 11),  # the day before 12 July
        date(2024, 12, 23),
    ],
)
@pytest.mark.parametrize("n", [1, 5, 20, 60])
def test_working_days_between_inverts_add(calendar: WorkingDays, start: date, n: int) -> None:
    assert working_days_between(start, calendar.add(start, n), calendar) == n


@pytest.mark.parametrize(
    ("start", "end", "calendar", "expected"),
    [
        pytest.param(POLL_2024, POLL_2024, ELECTION(), 0, id="same-day"),
        pytest.param(POLL_2024, date(2024, 4, 24), ELECTION(), 0, id="end-before-start"),
        # Over Easter 2024 only Tue 2 Apr counts.
        pytest.param(date(2024, 3, 28), date(2024, 4, 2), ELECTION(), 1, id="easter"),
        # End on a non-working day: Fri 12 Jul 2024 counts for the office, not for FOI.
        pytest.param(date(2024, 7, 11), date(2024, 7, 12), ELECTION(), 1, id="12-july-election"),
        pytest.param(date(2024, 7, 11), date(2024, 7, 12), FOI(), 0, id="12-july-foi"),
        # The start day itself is never counted, even when it is a working day.
        pytest.param(date(2024, 4, 8), date(2024, 4, 12), ELECTION(), 4, id="start-not-counted"),
    ],
)
def test_working_days_between_counts_after_start_up_to_end(
    start: date, end: date, calendar: WorkingDays, expected: int
) -> None:
    assert working_days_between(start, end, calendar) == expected


def test_working_days_between_datetime_raises() -> None:
    with pytest.raises(TypeError, match=r"end must be a datetime\.date"):
        working_days_between(POLL_2024, datetime(2024, 5, 9, 9, 0), ELECTION())
