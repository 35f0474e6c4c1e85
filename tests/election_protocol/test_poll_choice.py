"""Choosing a poll date for demo, benchmark and test data (issue 16, item 4)."""

from __future__ import annotations

from datetime import date

import pytest

from election_protocol.calendar import first_possible_poll, statutory_timetable


@pytest.mark.parametrize(
    ("on_or_after", "expected"),
    [
        # Poll 2 May 2024 (a reference election) is itself a Thursday and a working day.
        pytest.param(date(2024, 5, 2), date(2024, 5, 2), id="reference-poll-2024"),
        pytest.param(date(2024, 4, 27), date(2024, 5, 2), id="saturday-before-2024-poll"),
        # 4 Dec 2026 + 21 days is Christmas Day, a Friday: the next Thursday is 31 December.
        pytest.param(date(2026, 12, 25), date(2026, 12, 31), id="christmas-day-2026"),
        # Thursday 24 Dec 2026 is Christmas Eve, not a working day of the election calendar.
        pytest.param(date(2026, 12, 24), date(2026, 12, 31), id="christmas-eve-thursday"),
        # Thursday 1 Jan 2026 is New Year's Day.
        pytest.param(date(2026, 1, 1), date(2026, 1, 8), id="new-year-thursday"),
        # Maundy Thursday 2027 (25 March) is a working day; Good Friday is not a Thursday.
        pytest.param(date(2027, 3, 25), date(2027, 3, 25), id="maundy-thursday-2027"),
    ],
)
def test_first_possible_poll_is_a_working_thursday(on_or_after: date, expected: date) -> None:
    poll = first_possible_poll(on_or_after)
    assert poll == expected
    assert statutory_timetable(poll).poll == poll


def test_first_possible_poll_skips_a_thursday_of_mourning() -> None:
    assert first_possible_poll(date(2024, 5, 2), extra_non_working=[date(2024, 5, 2)]) == date(
        2024, 5, 9
    )


def test_first_possible_poll_refuses_a_datetime() -> None:
    from datetime import datetime

    with pytest.raises(TypeError, match="on_or_after"):
        first_possible_poll(datetime(2024, 5, 2, 9))  # type: ignore[arg-type]
