"""The report's figures, computed from the world of conftest.py (built through the services),
asserted exactly; which candidates are compared under each setting (Cumbria 1.1 / Norfolk 6);
and the number of queries, which does not grow with candidates."""

from __future__ import annotations

import pytest

from election_protocol.models import UndeclaredTreatment
from reports import queries, rules
from tests.reports.conftest import NOW, add_answered_candidates

pytestmark = pytest.mark.django_db


def _figures(row: queries.Row) -> dict:
    f = row.figures
    return {
        "requests": f.requests,
        "by_kind": {k: n for k, n in f.by_kind.items() if n},
        "by_outcome": {k: n for k, n in f.by_outcome.items() if n},
        "answered": f.answered,
        "median_answer": f.median_answer_days,
        "published": f.published,
        "median_publish": f.median_publish_days,
        "offers": (f.offers_made, f.offers_taken_up),
        "bookings": (
            f.bookings_requested,
            f.bookings_approved,
            f.bookings_declined,
            f.bookings_held,
        ),
        "events": (f.events_invited, f.events_attended),
        "incidents_decided": f.incidents_decided,
    }


def _by_name(rows) -> dict[str, queries.Row]:
    return {row.name: row for row in rows}


def test_every_figure_per_candidate(election, world):
    report = queries.equal_treatment_report(election, NOW)
    rows = _by_name(report.candidates)
    assert list(rows) == ["Ada Example", "Bea Sample", "Cal Prospect"]
    assert _figures(rows["Ada Example"]) == {
        "requests": 5,
        "by_kind": {"information": 2, "foi": 1, "meeting": 2},
        "by_outcome": {"sent": 2, "refused": 1, "booked": 2},
        "answered": 3,
        "median_answer": 1,  # 2, 1 and 1 working days
        "published": 1,
        "median_publish": 2,  # answered Wednesday 10, published Friday 12 April
        "offers": (2, 1),
        "bookings": (2, 2, 0, 0),
        "events": (1, 1),
        "incidents_decided": 0,
    }
    assert _figures(rows["Bea Sample"]) == {
        "requests": 3,
        "by_kind": {"information": 1, "general": 1, "meeting": 1},
        "by_outcome": {"sent": 1, "open": 1, "booked": 1},
        "answered": 2,
        # Tuesday 2 to Wednesday 10 April: 6; the meeting declined on the 10th (the decline
        # letter is the reply): 1.
        "median_answer": 3.5,
        "published": 0,
        "median_publish": None,
        "offers": (2, 0),
        "bookings": (1, 0, 1, 0),
        "events": (1, 0),
        "incidents_decided": 1,
    }
    assert _figures(rows["Cal Prospect"])["requests"] == 1
    assert _figures(rows["Cal Prospect"])["median_answer"] == 2
    assert report.offer_items == 2


def test_parties_pool_their_own_requests_and_their_counted_candidates(election, world):
    report = queries.equal_treatment_report(election, NOW)
    parties = _by_name(report.parties)
    assert list(parties) == ["Northshire First", "Southshire Voice"]
    first = _figures(parties["Northshire First"])
    # Ada's five and the party's own; Cal is prospective and, here, not compared (Cumbria 1.1).
    assert (first["requests"], first["answered"], first["median_answer"]) == (6, 4, 1)
    assert first["by_outcome"] == {"sent": 3, "refused": 1, "booked": 2}
    assert _figures(parties["Southshire Voice"])["requests"] == 3


def test_differences_under_cumbria_compare_the_declared_only(election, world):
    report = queries.equal_treatment_report(election, NOW)
    rows = _by_name(report.candidates)
    assert not report.undeclared_as_candidates
    assert (rows["Ada Example"].counted, rows["Cal Prospect"].counted) == (True, False)
    assert [str(f) for f in rows["Ada Example"].flags] == [
        "Median working days to answer: 1, against 3.5 for the others "
        "(Cumbria 3.3.1, 3.3.4; Norfolk 7, 10)",
        "2 meetings or visits approved, against 0 for another candidate "
        "(Norfolk 19; Cumbria 3.3.1)",
        "0% of meeting and visit requests declined, against 100% for the others "
        "(Cumbria 3.3.1, 8.6; Cleveland 4.2)",
    ]
    assert [f.check for f in rows["Bea Sample"].flags] == [
        rules.Check.ANSWER_TIME,
        rules.Check.DECLINES,
    ]
    assert rows["Cal Prospect"].flags == []
    parties = _by_name(report.parties)
    assert [f.check for f in parties["Northshire First"].flags] == [rules.Check.ANSWER_TIME]


def test_norfolk_6_compares_prospective_candidates_too(election, world):
    election.undeclared_treated_as = UndeclaredTreatment.CANDIDATE
    election.save()
    report = queries.equal_treatment_report(election, NOW)
    cal = _by_name(report.candidates)["Cal Prospect"]
    assert report.undeclared_as_candidates and cal.counted
    assert [str(f) for f in cal.flags] == [
        "Offered 0 of the 2 items of the equal offer (Avon and Somerset 8.1.2; Norfolk 19)",
        "Invited to 0 briefing events, another candidate to 1 (Cumbria 8.2, 3.3.4)",
    ]
    first = _figures(_by_name(report.parties)["Northshire First"])
    assert first["requests"] == 7  # Cal's request now counts for the party


def test_queries_do_not_grow_with_candidates(election, cast, world, count_queries):
    def run():
        return queries.equal_treatment_report(election, NOW)

    before = count_queries(run)
    add_answered_candidates(election, cast, 3)
    assert len(run().candidates) == 6
    assert count_queries(run) == before
