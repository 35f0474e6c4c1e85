"""The FOI clock and its rules on awkward days: bank holidays in any part of the UK,
Christmas, a clarification pause across a weekend (Freedom of Information Act 2000)."""

from __future__ import annotations

from datetime import date

import pytest

from foi import rules
from foi.rules import Clarification, State


def test_no_clarification_is_the_ordinary_twenty_working_days():
    # Mon 1 Jul 2024: Fri 12 Jul (Battle of the Boyne, Northern Ireland) is skipped.
    clock = rules.foi_clock(date(2024, 7, 1))
    assert clock.target == date(2024, 7, 30)
    assert not clock.paused
    assert (date(2024, 7, 12), "Battle of the Boyne (Northern Ireland)") in clock.statutory.skipped


def test_christmas_eve_counts_and_the_scottish_new_year_holiday_does_not():
    clock = rules.foi_clock(date(2024, 12, 20))
    skipped = dict(clock.statutory.skipped)
    assert date(2024, 12, 24) not in skipped  # a working day for FOI (s.10(6))
    assert skipped[date(2024, 12, 25)] == "Christmas Day"
    assert skipped[date(2024, 12, 26)] == "Boxing Day"
    assert skipped[date(2025, 1, 2)] == "New Year Holiday (Scotland)"
    assert clock.target == date(2025, 1, 23)


def test_a_clarification_across_a_weekend_restarts_the_clock_from_the_answer():
    # Asked Fri 5 Jul 2024, answered Tue 9 Jul: four days (two working) stood still, and the
    # 20 working days run from 9 Jul (s.10(6)(b)), skipping the Boyne and the Scottish August
    # bank holiday.
    clock = rules.foi_clock(date(2024, 7, 1), [Clarification(date(2024, 7, 5), date(2024, 7, 9))])
    assert clock.clock_start == date(2024, 7, 9)
    assert clock.target == date(2024, 8, 8)
    pause = clock.pauses[0]
    assert (pause.calendar_days, pause.working_days) == (4, 2)
    assert clock.lines == [
        "Received Mon 1 Jul 2024 (day 0; FOIA s.10(1)).",
        "Clarification asked Fri 5 Jul 2024, answered Tue 9 Jul 2024: the clock stood still "
        "for 4 days (2 working days) and runs again from the answer, the new date of receipt "
        "(FOIA s.1(3), s.10(6)(b)).",
        "20 working days after Tue 9 Jul 2024, skipping Fri 12 Jul (Battle of the Boyne "
        "(Northern Ireland)), Sat 13 Jul (Saturday), Sun 14 Jul (Sunday), Sat 20 Jul "
        "(Saturday), Sun 21 Jul (Sunday), Sat 27 Jul (Saturday), Sun 28 Jul (Sunday), Sat 3 "
        "Aug (Saturday), Sun 4 Aug (Sunday) and Mon 5 Aug (Summer Bank Holiday (Scotland)): "
        "due Thu 8 Aug 2024.",
    ]


def test_while_paused_there_is_no_due_date_only_the_earliest_one():
    clock = rules.foi_clock(date(2024, 7, 1), [Clarification(date(2024, 7, 5))])
    assert clock.paused and clock.statutory is None
    assert clock.target == date(2024, 8, 6)
    assert "the clock is stopped until the requester answers" in clock.explanation


def test_a_second_clarification_restarts_from_the_latest_answer():
    clock = rules.foi_clock(
        date(2024, 7, 1),
        [
            Clarification(date(2024, 7, 2), date(2024, 7, 3)),
            Clarification(date(2024, 7, 5), date(2024, 7, 9)),
        ],
    )
    assert clock.target == date(2024, 8, 8)
    assert len(clock.pauses) == 2


def test_a_day_of_mourning_is_skipped():
    plain = rules.foi_clock(date(2022, 9, 5))
    # Mon 19 Sep 2022 (the late Queen's funeral) is a bank holiday already; a staff-entered
    # extra day moves the date by one more.
    extra = rules.foi_clock(date(2022, 9, 5), extra_non_working=[date(2022, 9, 20)])
    assert (date(2022, 9, 19), "State Funeral of Queen Elizabeth II") in plain.statutory.skipped
    assert extra.target > plain.target


@pytest.mark.parametrize(
    "clarifications",
    [
        [Clarification(date(2024, 6, 30), date(2024, 7, 2))],  # before the request
        [Clarification(date(2024, 7, 5), date(2024, 7, 4))],  # answered before asked
        [Clarification(date(2024, 7, 2)), Clarification(date(2024, 7, 5))],  # two open
    ],
)
def test_impossible_clarifications_are_refused(clarifications):
    with pytest.raises(rules.FoiError):
        rules.foi_clock(date(2024, 7, 1), clarifications)


def test_an_extension_is_shown_and_becomes_the_target():
    clock = rules.foi_clock(date(2024, 7, 1), extended_to=date(2024, 8, 20))
    assert clock.target == date(2024, 8, 20)
    assert clock.lines[-1].startswith("Extended to Tue 20 Aug 2024")


def test_extension_limits():
    clock = rules.foi_clock(date(2024, 7, 1))  # due Tue 30 Jul 2024
    limit = rules.extension_limit(clock)
    assert limit == date(2024, 8, 29)  # a further 20 working days (Scottish 5 Aug skipped)
    rules.check_extension(State.OPEN, clock, limit, date(2024, 7, 30))
    with pytest.raises(rules.FoiError, match="at most a further 20 working days"):
        rules.check_extension(State.OPEN, clock, date(2024, 8, 30), date(2024, 7, 29))
    with pytest.raises(rules.FoiError, match="after the current due date"):
        rules.check_extension(State.OPEN, clock, date(2024, 7, 30), date(2024, 7, 29))
    with pytest.raises(rules.FoiError, match="too late"):
        rules.check_extension(State.OPEN, clock, date(2024, 8, 20), date(2024, 7, 31))
    with pytest.raises(rules.FoiError, match="only while the clock is running"):
        rules.check_extension(State.EXTENDED, clock, date(2024, 8, 20), date(2024, 7, 29))
    paused = rules.foi_clock(date(2024, 7, 1), [Clarification(date(2024, 7, 5))])
    with pytest.raises(rules.FoiError, match="clock is stopped"):
        rules.check_extension(State.OPEN, paused, date(2024, 8, 20), date(2024, 7, 8))


def test_exemptions_come_from_part_two_and_an_extension_needs_a_qualified_one():
    assert rules.check_exemptions(["43", "31", "31"]) == ["31", "43"]
    assert rules.exemption_label("40") == "Section 40: Personal information"
    assert rules.EXEMPTIONS[0].section == "21"
    assert "25" not in rules.EXEMPTIONS_BY_SECTION  # supplementary, not an exemption
    for bad in ([], ["12"], ["45"], ["<script>"]):
        with pytest.raises(rules.FoiError):
            rules.check_exemptions(bad)
    with pytest.raises(rules.FoiError, match="public interest test"):
        rules.check_exemptions(["21", "41"], for_extension=True)
    assert rules.check_exemptions(["41", "31"], for_extension=True) == ["31", "41"]


def test_refusal_notice_names_each_exemption():
    notice = rules.refusal_notice(["31", "40"], " Disclosure would prejudice an inquiry. ")
    assert "- Section 31: Law enforcement\n- Section 40: Personal information" in notice
    assert notice.endswith("Disclosure would prejudice an inquiry.")


def test_clarification_only_while_the_clock_runs_and_within_the_twenty_days():
    clock = rules.foi_clock(date(2024, 7, 1))
    rules.check_clarification(State.OPEN, date(2024, 7, 30), clock)
    with pytest.raises(rules.FoiError, match="20 working days have passed"):
        rules.check_clarification(State.OPEN, date(2024, 7, 31), clock)
    with pytest.raises(rules.FoiError):
        rules.check_clarification(State.EXTENDED, date(2024, 7, 2), clock)
    with pytest.raises(rules.FoiError):
        rules.check_clarification_answer(date(2024, 7, 5), date(2024, 7, 4), date(2024, 7, 9))
    with pytest.raises(rules.FoiError, match="future"):
        rules.check_clarification_answer(date(2024, 7, 5), date(2024, 7, 10), date(2024, 7, 9))


def test_internal_review_target_over_christmas():
    # Requested Mon 23 Dec 2024: Christmas Day, Boxing Day, New Year's Day and the Scottish
    # 2 January are skipped; at most 40 working days.
    target, latest = rules.review_dates(date(2024, 12, 23))
    assert target.due == date(2025, 1, 24)
    assert latest == date(2025, 2, 21)


@pytest.mark.parametrize(
    ("current", "new", "answered", "allowed"),
    [
        (State.OPEN, State.AWAITING_CLARIFICATION, False, True),
        (State.AWAITING_CLARIFICATION, State.EXTENDED, False, False),
        (State.OPEN, State.UNDER_REVIEW, False, False),
        (State.OPEN, State.UNDER_REVIEW, True, True),
        (State.REFUSED, State.UNDER_REVIEW, False, True),
        (State.DISCLOSED_ELSEWHERE, State.UNDER_REVIEW, True, False),
        (State.UNDER_REVIEW, State.REVIEWED, False, True),
        (State.REVIEWED, State.OPEN, False, False),
    ],
)
def test_transitions(current, new, answered, allowed):
    if allowed:
        rules.check_transition(current, new, answered=answered)
    else:
        with pytest.raises(rules.FoiError):
            rules.check_transition(current, new, answered=answered)


def test_disclosure_elsewhere_needs_another_authority():
    rules.check_disclosure_elsewhere(rules.Authority.POLICE, date(2024, 7, 5), date(2024, 7, 5))
    with pytest.raises(rules.FoiError, match="commissioner's office holds"):
        rules.check_disclosure_elsewhere(rules.Authority.OFFICE, date(2024, 7, 5), date(2024, 7, 5))
    with pytest.raises(rules.FoiError, match="future"):
        rules.check_disclosure_elsewhere(rules.Authority.FIRE, date(2024, 7, 6), date(2024, 7, 5))
