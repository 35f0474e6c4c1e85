"""The report's pure rules: figures, pooling, and which differences are highlighted."""

from __future__ import annotations

import pytest

from reports import rules
from reports.rules import Check, Figures, combine, differences


def _answers(*days: int, refused: int = 0) -> Figures:
    f = Figures()
    for d in days:
        f.add_request("information", "sent", d)
    for _ in range(refused):
        f.add_request("information", "refused", 1)
    return f


def test_outcomes_are_the_endings_then_open():
    assert rules.outcome_of("in_progress") == "open"
    assert rules.outcome_of("refused") == "refused"
    columns = rules.outcome_columns()
    assert columns[-1] == "open" and "sent" in columns and "logged" not in columns


def test_combine_pools_counts_and_days():
    a, b = _answers(1, 3), _answers(10, refused=1)
    b.offers_made, b.events_invited = 2, 1
    total = combine([a, b])
    assert (total.requests, total.answer_days, total.refused) == (4, [1, 3, 10, 1], 1)
    assert (total.offers_made, total.events_invited, total.median_answer_days) == (2, 1, 2)


def test_withdrawn_and_duplicates_are_not_decisions_of_the_office():
    f = _answers(1, refused=1)
    f.add_request("general", "withdrawn", None)
    f.add_request("general", "duplicate", 1)
    f.add_request("general", "logged", None)
    assert (f.finished, f.refusal_rate) == (2, 0.5)


def test_nobody_to_compare_with_flags_nothing():
    assert differences({"a": _answers(30)}) == {"a": []}


@pytest.mark.parametrize(("slow", "flagged"), [(3, False), (4, True)])
def test_answer_time_is_flagged_from_two_working_days_either_way(slow, flagged):
    result = differences({"a": _answers(2, 2), "b": _answers(slow), "c": _answers(2)})
    assert (Check.ANSWER_TIME in [f.check for f in result["b"]]) is flagged


@pytest.mark.parametrize(("refused", "flagged"), [(0, False), (1, False), (2, True)])
def test_refusal_rate_gap_of_a_quarter(refused, flagged):
    # b: 8 finished, `refused` refused (2 of 8 is the quarter, flagged); the others: none.
    rows = {"a": _answers(1, 1, 1, 1), "b": _answers(*[1] * (8 - refused), refused=refused)}
    assert (Check.REFUSAL_RATE in [f.check for f in differences(rows)["b"]]) is flagged


def test_too_few_finished_requests_say_nothing_about_a_rate():
    rows = {"a": _answers(1, 1, 1), "b": _answers(refused=1)}
    assert differences(rows)["b"] == []


def test_offers_meetings_and_events():
    a, b = Figures(offers_made=3, bookings_approved=2, events_invited=2), Figures(offers_made=2)
    result = differences({"a": a, "b": b}, offer_items=3)
    assert [f.check for f in result["a"]] == [Check.MEETINGS]
    assert [f.check for f in result["b"]] == [Check.OFFERS, Check.EVENTS]


def test_parties_are_only_checked_on_requests():
    a, b = Figures(offers_made=3, bookings_approved=5), Figures()
    assert differences({"a": a, "b": b}, checks=rules.PARTY_CHECKS, offer_items=3) == {
        "a": [],
        "b": [],
    }


def test_a_flag_reads_with_its_clauses():
    result = differences({"a": _answers(1), "b": _answers(5)})
    assert str(result["b"][0]) == (
        "Median working days to answer: 5, against 1 for the others "
        "(Cumbria 3.3.1, 3.3.4; Norfolk 7, 10)"
    )
