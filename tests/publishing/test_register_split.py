"""The register split as the site shows it (pages.data._split): a worker extends the last
split by the entries added after it, and the result is always the split of every entry
(issue 16)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publishing import rules
from publishing.site.pages import data as site_data

KINDS = [
    rules.Kind.REGISTER_ANSWER.value,
    rules.Kind.REGISTER_ANSWER.value,
    rules.Kind.REGISTER_ACTION.value,
    rules.Kind.DECLINED_BOOKING.value,
    rules.Kind.MEETING_NOTES.value,
]
# "Road safety" and "road safety" are one topic; "Road-safety" slugs like them (topic_slugs).
TOPICS = ["Road safety", "road safety", "Road-safety", "Custody", "Rural crime", "Ysgolion"]


def _row(number: int, kind: str, topic: str, day: int = 1) -> dict:
    return {
        "reference": f"NS26-{number:04d}" if number < 10_000 else f"NS26-{number}",
        "kind": kind,
        "topic": topic,
        "topic_key": topic.casefold(),
        "answered_on": date(2026, 4, day),
    }


def _shown(split) -> tuple:
    """What the site shows of a split: every list, each topic as its key, name, slug, rows and
    latest answer."""
    return (
        {key: list(rows) for key, rows in split.groups.items()},
        list(split.groups),
        [(t.key, t.name, t.slug, t.rows, t.latest) for t in split.topics.values()],
        split.notes,
        split.actions,
    )


ROWS = st.tuples(st.sampled_from(KINDS), st.sampled_from(TOPICS), st.integers(1, 28))
STEPS = st.lists(
    st.one_of(
        # Added at the end, numbered after every entry so far (an approval), or before one.
        st.tuples(st.just("add"), st.lists(ROWS, min_size=1, max_size=3)),
        st.tuples(st.just("add_earlier"), ROWS),
        st.tuples(st.just("remove"), st.integers(0, 50)),
        # A row changed in place (a correction, a new topic): a new object where it was.
        st.tuples(st.just("change"), st.tuples(st.integers(0, 50), ROWS)),
        st.tuples(st.just("same"), st.none()),
    ),
    min_size=1,
    max_size=6,
)


@pytest.fixture(autouse=True)
def _nothing_kept():
    site_data._SPLITS.clear()
    yield
    site_data._SPLITS.clear()


@settings(max_examples=300, deadline=None)
@given(first=st.lists(ROWS, max_size=8), steps=STEPS)
def test_an_extended_split_is_the_split_of_every_entry(first, steps):
    """Each register of a run of them (entries added at the end, added before others, taken
    out, or none), split after the one before as a worker does: the split is the one made
    from nothing. Kept rows are the same objects, as pages.data._ROWS keeps them."""
    site_data._SPLITS.clear()
    election = SimpleNamespace(pk=7)
    number = 9_990  # across NS26-9999 and NS26-10000: numbers, not text, order them
    entries = []
    for kind, topic, day in first:
        number += 1
        entries.append(_row(number, kind, topic, day))
    assert _shown(site_data._split(election, entries)) == _shown(site_data._split_whole(entries))
    for step, value in steps:
        if step == "add":
            for kind, topic, day in value:
                number += 1
                entries = [*entries, _row(number, kind, topic, day)]
        elif step == "add_earlier":
            kind, topic, day = value
            entries = [*entries, _row(1 + len(entries) % 5, kind, topic, day)]
        elif step == "remove" and entries:
            entries = [row for i, row in enumerate(entries) if i != value % len(entries)]
        elif step == "change" and entries:
            at, (kind, topic, day) = value[0] % len(entries), value[1]
            changed = _row(int(entries[at]["reference"].split("-")[1]), kind, topic, day)
            entries = [changed if i == at else row for i, row in enumerate(entries)]
        made = site_data._split(election, entries)
        assert _shown(made) == _shown(site_data._split_whole(entries))


def test_an_approval_keeps_every_other_topic_and_its_list_as_they_were():
    """One more answer in one topic: every other topic's Topic (and so its list pages' keys
    and Outputs, pages.web) is the last split's; the notes and actions lists too."""
    election = SimpleNamespace(pk=8)
    entries = [
        _row(1, rules.Kind.REGISTER_ANSWER, "Road safety"),
        _row(2, rules.Kind.REGISTER_ANSWER, "Custody"),
        _row(3, rules.Kind.MEETING_NOTES, "A visit"),
        _row(4, rules.Kind.REGISTER_ACTION, "Custody"),
    ]
    before = site_data._split(election, entries)
    after = site_data._split(election, [*entries, _row(5, rules.Kind.REGISTER_ANSWER, "custody")])
    assert after.topics["road safety"] is before.topics["road safety"]
    assert after.topics["custody"] is not before.topics["custody"]
    assert [r["reference"] for r in after.topics["custody"].rows] == ["NS26-0002", "NS26-0005"]
    assert len(before.topics["custody"].rows) == 1  # the last split's list is left as it was
    assert after.notes is before.notes and after.actions is before.actions
    # A new topic: the set of topics changed, so every slug is worked out again.
    third = site_data._split(
        election, [*after.entries, _row(6, rules.Kind.REGISTER_ANSWER, "Road-safety")]
    )
    assert list(third.topics) == ["custody", "road safety", "road-safety"]
    assert third.topics["road safety"].slug == "road-safety"
    assert third.topics["road-safety"].slug.startswith("road-safety-")


def test_an_entry_added_before_another_in_reference_order_is_put_in_its_place():
    """An entry added after the last split's but with an earlier reference (an entry put back)
    is not appended to its topic: every entry is split again, in reference order."""
    election = SimpleNamespace(pk=9)
    entries = [_row(n, rules.Kind.REGISTER_ANSWER, "Custody") for n in (1, 3)]
    site_data._split(election, entries)
    made = site_data._split(election, [*entries, _row(2, rules.Kind.REGISTER_ANSWER, "Custody")])
    assert [r["reference"] for r in made.topics["custody"].rows] == [
        "NS26-0001",
        "NS26-0002",
        "NS26-0003",
    ]
