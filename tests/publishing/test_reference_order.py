"""The register's order: by topic (case ignored), then by reference, numbers as numbers
(pages.reference_order); found without working out every reference's key when the gate's
order is already the references' (pages.data.in_reference_order; issue 16)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from publishing.site import pages
from publishing.site.pages.data import SiteData, in_reference_order

# References as offices write them, and shapes that trip a character-by-character comparison:
# numbers of different widths (NS26-9999, NS26-10000), a letter where another has a digit.
REFERENCES = st.builds(
    lambda prefix, number, width: f"{prefix}-{number:0{width}d}",
    # Also a letter of two bytes in UTF-8, and a line break (the shapes worked out one by one).
    st.sampled_from(["NS26", "NS2A", "NS", "B10000", "NS26-M", "ns26", "N\u015a26", "N\nS2"]),
    st.integers(min_value=0, max_value=120_000),
    st.sampled_from([1, 4, 5]),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(REFERENCES, unique=True, max_size=12))
def test_in_reference_order_says_what_sorting_by_the_key_says(references):
    expected = references == sorted(references, key=pages.reference_order)
    assert in_reference_order(references) is expected


def test_numbers_of_a_new_width_are_compared_as_numbers():
    assert in_reference_order(["NS26-9998", "NS26-9999", "NS26-10000", "NS26-10001"])
    assert not in_reference_order(["NS26-10000", "NS26-9999"])
    # "NS26" comes before "NS2A" character by character, but 26 is after 2.
    assert "NS26-0001" < "NS2A-0001"
    assert not in_reference_order(["NS26-0001", "NS2A-0001"])
    assert in_reference_order(["NS2A-0001", "NS26-0001"])


def _register(references: list[str], topics: list[str]) -> list[str]:
    entries = [
        # As data._entry makes a row: with the key it is grouped by.
        {
            "reference": reference,
            "topic": topic,
            "topic_key": topic.casefold(),
            "kind": "register_answer",
        }
        for reference, topic in zip(references, topics, strict=True)
    ]
    data = SiteData(None, entries, [], [], [], [], {})
    return [(row["topic"], row["reference"]) for row in data.register]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(REFERENCES, st.sampled_from(["Road safety", "road Safety", "Custody", "B"])),
        unique_by=lambda pair: pair[0],
        max_size=15,
    ),
    st.booleans(),
)
def test_the_register_is_by_topic_then_reference_in_any_order_given(pairs, presorted):
    if presorted:  # as the gate gives them: the stable sort by topic alone
        pairs = sorted(pairs, key=lambda pair: pages.reference_order(pair[0]))
    references, topics = [p[0] for p in pairs], [p[1] for p in pairs]
    expected = sorted(
        zip(topics, references, strict=True),
        key=lambda pair: (pair[0].casefold(), pages.reference_order(pair[1])),
    )
    assert _register(references, topics) == expected
