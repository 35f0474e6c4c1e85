"""Reads of the register that every list page makes: topics and the deadline counts."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.urls import reverse

from election_protocol.calendar import LONDON
from requests_register import queries, rules
from requests_register.models import Entry
from tests.clock import frozen_clock
from tests.factories import CandidateFactory, ElectionFactory

TODAY = date(2024, 4, 10)


def test_topics_of_the_whole_register_are_its_distinct_topics_in_order(election, make_entry):
    for topic in ["Roads", "Custody", "Roads", "custody", "Stations", "Custody", ""]:
        make_entry(topic=topic)
    other = ElectionFactory()
    make_entry(election=other, reference="OTHER-1", topic="Another election's topic")
    by_distinct = list(
        Entry.objects.filter(election=election)
        .order_by("topic")
        .values_list("topic", flat=True)
        .distinct()
    )
    assert queries.topics(election) == by_distinct
    assert sorted(by_distinct) == sorted(["", "Custody", "Roads", "Stations", "custody"])


def test_topics_of_some_entries_only(election, make_entry):
    seen = make_entry(topic="Stations")
    make_entry(topic="Secret subject")
    assert queries.topics(election, Entry.objects.filter(pk=seen.pk)) == ["Stations"]


def test_topics_of_an_empty_register(election):
    assert queries.topics(election) == []


def test_deadline_counts_in_one_query(election, make_entry, count_queries):
    cutoff = date(2024, 4, 12)
    make_entry(target_date=date(2024, 4, 9))  # overdue
    make_entry(target_date=date(2024, 4, 1), status=rules.Status.IN_PROGRESS)  # overdue
    make_entry(target_date=TODAY)  # due soon: due today
    make_entry(target_date=cutoff)  # due soon: the last day of "soon"
    make_entry(target_date=date(2024, 4, 15))  # later
    make_entry(target_date=date(2024, 4, 1), status=rules.Status.SENT)  # answered: neither
    make_entry(target_date=TODAY, status=rules.Status.CLOSED)  # closed: neither
    entries = Entry.objects.filter(election=election)
    counts = {}
    assert (
        count_queries(lambda: counts.update(queries.deadline_counts(entries, TODAY, cutoff))) == 1
    )
    assert counts == {"overdue": 2, "due_soon": 2}
    assert counts["overdue"] == queries.overdue(entries, TODAY).count()
    assert counts["due_soon"] == queries.due_soon(entries, TODAY, cutoff).count()


_frozen = frozen_clock(datetime(2024, 4, 10, 12, 0, tzinfo=LONDON))


@pytest.mark.usefixtures("_frozen")
def test_list_queries_stay_the_same_from_one_entry_to_three_hundred(
    spoc_client, election, make_entry, count_queries
):
    """Topics, candidates and pages grow; the queries of the first page do not (issue 7)."""
    url = reverse("requests_register:list")
    make_entry(target_date=date(2024, 4, 9))
    one = count_queries(lambda: spoc_client.get(url))
    candidates = [CandidateFactory(election=election) for _ in range(5)]
    for n in range(299):
        make_entry(
            topic=f"Topic {n % 30}",
            candidate=candidates[n % 5],
            target_date=date(2024, 4, 9 if n % 3 else 11),
        )
    many = count_queries(lambda: spoc_client.get(url))
    assert many == one
    response = spoc_client.get(url)
    html = response.content.decode()
    assert "300 entries" in html
    # 1 + 199 overdue (9 April), 100 due soon (11 April): once in the summary, once in the banner.
    assert "200 overdue" in html and "100 due soon" in html
    topic_choices = [value for value, _ in response.context["filter"].form["topic"].field.choices]
    assert topic_choices[1:] == queries.topics(election)
    assert len(topic_choices[1:]) == 31  # 30 numbered topics and the first entry's
