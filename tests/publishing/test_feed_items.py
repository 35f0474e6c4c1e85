"""The Atom feed carries the FEED_ITEMS latest changes, oldest first: entries by when they
were published or last corrected, withdrawal notices by when they were withdrawn, ties by
reference (pages.opendata._feed_items; picked with a heap, and after the first from what was
picked before and the rows new since, issue 16)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from election_protocol import calendar
from publishing.site.pages import opendata
from publishing.site.pages.data import SiteData

START = datetime(2026, 4, 1, 9, tzinfo=UTC)
MOMENTS = st.integers(min_value=0, max_value=6).map(lambda d: START + timedelta(days=d))
CORRECTIONS = st.lists(
    st.integers(min_value=0, max_value=8).map(lambda d: {"corrected_on": date(2026, 4, 1 + d)}),
    max_size=2,
)


def _expected(data: SiteData, size: int) -> tuple[list[dict], list[dict]]:
    """The definition: every change sorted by (when, reference), the last `size` kept."""

    def updated(e):
        moments = [datetime.combine(c["corrected_on"], time(0), calendar.LONDON)
                   for c in e["corrections"]]  # fmt: skip
        return max([e["published_at"], *moments])

    items = [(updated(e), e["reference"], "entry", e) for e in data.entries if e["published_at"]]
    items += [(n["withdrawn_at"], n["reference"], "notice", n) for n in data.withdrawn]
    latest = sorted(items, key=lambda i: (i[0], i[1]))[-size:]
    return [i[3] for i in latest if i[2] == "entry"], [i[3] for i in latest if i[2] == "notice"]


def _digested(row: dict) -> dict:
    """The row with its digest: as pages.data's, it changes with any of its values."""
    return {**row, "digest": repr(sorted(row.items()))}


REGISTERS = st.tuples(
    st.lists(st.tuples(MOMENTS, CORRECTIONS, st.booleans()), max_size=12),
    st.lists(MOMENTS, max_size=5),
)


@settings(max_examples=300, deadline=None)
@given(registers=st.lists(REGISTERS, min_size=1, max_size=3), size=st.integers(1, 6))
def test_the_feed_is_the_latest_changes_oldest_first(registers, size):
    """Each of a run of registers (answers added, corrected, gone; notices added, gone), picked
    after the one before as a worker does: the latest changes are those the definition gives."""
    saved = opendata.FEED_ITEMS
    opendata.FEED_ITEMS = size
    opendata._LATEST.clear()
    try:
        for entries, notices in registers:
            rows = [
                _digested(
                    {
                        "reference": f"NS26-{number:04d}",
                        "published_at": moment if published else None,
                        "corrections": corrections,
                    }
                )
                for number, (moment, corrections, published) in enumerate(entries, start=1)
            ]
            withdrawn = [
                _digested({"reference": f"NS26-{900 + number:04d}", "withdrawn_at": moment})
                for number, moment in enumerate(notices)
            ]
            data = SiteData(None, rows, withdrawn, [], [], [], {})
            assert opendata._feed_items(data) == _expected(data, size)
    finally:
        opendata.FEED_ITEMS = saved
        opendata._LATEST.clear()


ADDED = st.lists(st.tuples(MOMENTS, CORRECTIONS, st.booleans()), min_size=1, max_size=3)


@settings(max_examples=200, deadline=None)
@given(
    first=st.lists(st.tuples(MOMENTS, CORRECTIONS, st.booleans()), max_size=8),
    steps=st.lists(st.one_of(ADDED, st.tuples(st.integers(0, 20), MOMENTS)), max_size=5),
    notices=st.lists(MOMENTS, max_size=3),
    size=st.integers(1, 6),
)
def test_rows_added_after_those_picked_from_are_picked_among_with_those_picked(
    first, steps, notices, size
):
    """Rows added at the end (approvals, some never published), the rows before them the
    very ones picked from and the notices the same: only the picked items and the new rows
    are looked at (the last pick's digests extended, not made again); a withdrawal between
    (a row gone, a notice added) looks at every row again. The feed is always the
    definition's."""
    saved = opendata.FEED_ITEMS
    opendata.FEED_ITEMS = size
    opendata._LATEST.clear()
    where = (None, size)
    number = 0

    def row(moment, corrections, published):
        nonlocal number
        number += 1
        return _digested(
            {
                "reference": f"NS26-{number:04d}",
                "published_at": moment if published else None,
                "corrections": corrections,
            }
        )

    try:
        rows = [row(*values) for values in first]
        withdrawn = [
            _digested({"reference": f"NS26-{900 + n:04d}", "withdrawn_at": moment})
            for n, moment in enumerate(notices)
        ]
        data = SiteData(None, rows, withdrawn, [], [], [], {})
        assert opendata._feed_items(data) == _expected(data, size)
        for step in steps:
            digests = opendata._LATEST[where].digests
            if isinstance(step, list):  # approvals
                rows = rows + [row(*values) for values in step]
            elif rows:  # a withdrawal
                gone = rows[step[0] % len(rows)]
                rows = [r for r in rows if r is not gone]
                notice = {"reference": gone["reference"], "withdrawn_at": step[1]}
                withdrawn = [*withdrawn, _digested(notice)]
            data = SiteData(None, rows, list(withdrawn), [], [], [], {})
            assert opendata._feed_items(data) == _expected(data, size)
            if isinstance(step, list):
                assert opendata._LATEST[where].digests is digests  # extended: the quick way
            assert opendata._LATEST[where].digests >= {r["digest"] for r in rows}
    finally:
        opendata.FEED_ITEMS = saved
        opendata._LATEST.clear()
