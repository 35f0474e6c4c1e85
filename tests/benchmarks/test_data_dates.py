"""The benchmark and demo data builders on awkward days of the year (issue 16, item 4).

`make bench` crashed on 4 December 2026 because its poll, 21 days ahead, was Christmas Day.
Each builder runs here with the clock frozen on days that once broke such arithmetic.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from benchmarks import data
from benchmarks import publish as publish_bench
from election_protocol.calendar import statutory_timetable
from election_protocol.demo import demo_poll_date

AWKWARD_DAYS = [
    pytest.param(datetime(2026, 12, 4, 9, tzinfo=UTC), id="4-dec-2026-poll-on-christmas"),
    pytest.param(datetime(2026, 12, 25, 9, tzinfo=UTC), id="christmas-day"),
    pytest.param(datetime(2026, 12, 31, 9, tzinfo=UTC), id="new-years-eve"),
    pytest.param(datetime(2027, 1, 1, 9, tzinfo=UTC), id="new-years-day"),
    pytest.param(datetime(2027, 3, 26, 9, tzinfo=UTC), id="good-friday-2027"),
    pytest.param(datetime(2027, 3, 29, 9, tzinfo=UTC), id="easter-monday-2027"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("now", AWKWARD_DAYS)
def test_the_benchmark_world_has_a_lawful_poll_on_any_day(now):
    with time_machine.travel(now, tick=False):
        world = data.make_world()
        timetable = world.election.timetable
        assert timetable.poll.weekday() == 3
        assert (timetable.poll - now.date()).days >= 21


@pytest.mark.django_db
@pytest.mark.parametrize("now", AWKWARD_DAYS)
def test_the_publish_benchmark_election_has_a_lawful_poll_on_any_day(now):
    with time_machine.travel(now, tick=False):
        election = publish_bench._make_election(100)
        assert election.timetable.poll.weekday() == 3
        assert (election.poll_date - now.date()).days >= 21


@pytest.mark.parametrize("now", AWKWARD_DAYS)
def test_the_demo_poll_is_ahead_with_nominations_closed_on_any_day(now):
    poll = demo_poll_date(now)
    assert poll > now.date()
    assert statutory_timetable(poll).close_of_nominations < now
