"""The deadline counts and the register list's size, topics and candidates kept between writes
(election_protocol.staff_counts, issue 16 item 3): fewer queries, never stale after a write or
once the clock passes an incident's target, and never another user's view."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from election_protocol.calendar import LONDON
from election_protocol.roles import Role
from incidents import services as incident_services
from requests_register import rules
from tests.builders import declared_candidate
from tests.factories import CandidateFactory, NonWorkingDayFactory

NOW = datetime(2024, 4, 10, 12, 0, tzinfo=LONDON)


@pytest.fixture
def kept(settings):
    """Counts kept, as with Redis (one process here, so local memory is shared)."""
    settings.STAFF_COUNTS_CACHE = True
    cache.clear()
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
    cache.clear()


def _banner(html: str) -> str:
    found = re.search(r'<p class="govuk-body-s app-deadlines" id="deadlines">(.*?)</p>', html, re.S)
    return " ".join(found.group(1).split()) if found else ""


def _page(client) -> str:
    response = client.get(reverse("requests_register:list"))
    assert response.status_code == 200
    return response.content.decode()


def test_kept_values_save_queries_and_follow_every_write(
    kept, spoc_client, election, make_entry, count_queries
):
    first = make_entry(target_date=date(2024, 4, 9), topic="Roads")  # overdue
    url = reverse("requests_register:list")
    cold = count_queries(lambda: spoc_client.get(url))
    warm = count_queries(lambda: spoc_client.get(url))
    # Deadline counts (register, incidents, publication), the register's size, its topics
    # and the candidates: kept, not read again.
    assert warm <= cold - 6
    html = _page(spoc_client)
    assert "1 entry" in html and "1 overdue" in _banner(html)

    make_entry(target_date=date(2024, 4, 8), topic="Custody")  # a second overdue entry
    html = _page(spoc_client)
    assert "2 entries" in html and "2 overdue" in _banner(html)
    assert '<option value="Custody">' in html

    first.status = rules.Status.CLOSED
    first.save()
    assert "1 overdue" in _banner(_page(spoc_client))

    CandidateFactory(election=election, name="Bea Newcomer")
    assert "Bea Newcomer" in _page(spoc_client)

    first.delete()
    assert "1 entry" in _page(spoc_client)


def test_a_non_working_day_moves_the_kept_due_soon_count(kept, spoc_client, election, make_entry):
    # Due on Monday 15 April: not due soon on Wednesday 10 April (two working days on is
    # Friday 12th) ...
    make_entry(target_date=date(2024, 4, 15))
    assert "due soon" not in _banner(_page(spoc_client))
    # ... until Thursday and Friday are non-working days: then the cutoff is Tuesday 16th.
    NonWorkingDayFactory(election=election, date=date(2024, 4, 11))
    NonWorkingDayFactory(election=election, date=date(2024, 4, 12))
    assert "1 due soon" in _banner(_page(spoc_client))


def test_kept_incident_counts_move_when_a_target_passes(kept, client, election, make_user):
    spoc = make_user(Role.SPOC, username="s", email="s@example.org")
    ada = declared_candidate(
        election, spoc, at=NOW - timedelta(days=2), name="Ada Lovelock", emails=["ada@example.org"]
    )
    incident = incident_services.record_incident(
        election=election,
        by=spoc,
        kind="imagery",
        service="police",
        title="Crest on a leaflet",
        description="The crest is on the leaflet.",
        raised_at=NOW - timedelta(hours=20),  # due in four hours: the same day
        candidates=[ada],
    )
    assert incident.due_at.astimezone(LONDON).date() == NOW.date()
    client.force_login(spoc)
    before = _banner(_page(client))
    assert "1 due soon" in before.partition("Incidents:")[2]
    assert "overdue" not in before.partition("Incidents:")[2]
    # No write: only the clock moves past the target.
    kept.move_to(incident.due_at + timedelta(minutes=1))
    client.force_login(spoc)  # the session's absolute age may have run out meanwhile
    after = _banner(_page(client))
    assert "1 overdue" in after.partition("Incidents:")[2]


def test_a_colleague_never_gets_the_whole_registers_kept_counts(
    kept, spoc_client, client, election, make_entry, make_user
):
    make_entry(target_date=date(2024, 4, 9))
    assert "1 overdue" in _banner(_page(spoc_client))
    colleague = make_user(Role.POLICE_LIAISON, username="liaison", email="l@example.org")
    client.force_login(colleague)
    html = _page(client)
    assert "overdue" not in _banner(html)
    assert "No entries match." in html


def _rows(html: str) -> str:
    found = re.search(r'<tbody class="govuk-table__body">(.*?)</tbody>', html, re.S)
    return found.group(1) if found else ""


def test_kept_rows_follow_every_write_the_day_and_the_language(
    kept, spoc, spoc_client, election, make_entry, count_queries
):
    entry = make_entry(requester_name="Ada Example", topic="Roads", target_date=date(2024, 4, 16))
    url = reverse("requests_register:list")
    spoc_client.get(url)
    warm = count_queries(lambda: spoc_client.get(url))
    entry_reads = count_queries(lambda: spoc_client.get(url + "?topic=Roads")) - warm
    assert entry_reads >= 1  # a filtered page reads its rows; the kept first page reads none
    rows = _rows(_page(spoc_client))
    assert "Ada Example" in rows and "Due soon" not in rows

    entry.requester_name = "Ada Renamed"
    entry.save()
    rows = _rows(_page(spoc_client))
    assert "Ada Renamed" in rows and "Ada Example" not in rows

    candidate = CandidateFactory(election=election, name="Bea Standing")
    entry.candidate = candidate
    entry.save()
    assert "Bea Standing" in _rows(_page(spoc_client))
    candidate.name = "Bea Renamed"
    candidate.save()
    assert "Bea Renamed" in _rows(_page(spoc_client))

    # No write: on Friday the target (Tuesday) is within two working days.
    kept.move_to(NOW + timedelta(days=2))
    spoc_client.force_login(spoc)  # the session's absolute age may have run out meanwhile
    assert "Due soon" in _rows(_page(spoc_client))

    # The Welsh page never gets the English rows kept for the same day.
    english = _rows(_page(spoc_client))
    welsh = _rows(spoc_client.get(url, HTTP_ACCEPT_LANGUAGE="cy").content.decode())
    assert "Apr 2024" in english
    assert "Apr 2024" not in welsh and "Ebr 2024" in welsh


def test_the_kept_election_follows_its_edits_and_each_persons_choice(
    kept, spoc_client, election, make_entry
):
    from election_protocol.queries import SESSION_KEY
    from tests.factories import ElectionFactory

    make_entry()
    assert election.area in _page(spoc_client)
    election.area = "Renamedshire"
    election.save()
    assert "Renamedshire" in _page(spoc_client)

    other = ElectionFactory(area="Othershire", reference_prefix="OT24")
    current = _page(spoc_client)  # kept for those who chose no election
    assert "Renamedshire" in current and "Othershire" not in current
    session = spoc_client.session
    session[SESSION_KEY] = other.pk
    session.save()
    html = _page(spoc_client)  # no write since: the choice alone must change the election
    assert "Othershire" in html and "Renamedshire" not in html


def test_the_version_is_read_once_a_request_and_again_after_a_write(kept, db):
    from election_protocol import staff_counts

    computed = []

    def compute():
        computed.append(1)
        return {"n": len(computed)}

    today = NOW.date()
    with staff_counts.request_scope():
        assert staff_counts.get("t", 1, today, compute) == {"n": 1}
        # Another process writes: this request keeps the version it started with...
        cache.set(staff_counts.VERSION_KEY, "elsewhere", None)
        assert staff_counts.get("t", 1, today, compute) == {"n": 1}
        # ...but its own write is seen at once.
        staff_counts.bump()
        assert staff_counts.get("t", 1, today, compute) == {"n": 2}
    # Outside a request (a worker), every read sees the latest version.
    cache.set(staff_counts.VERSION_KEY, "later", None)
    assert staff_counts.get("t", 1, today, compute) == {"n": 3}
    assert staff_counts.get("t", 1, today, compute) == {"n": 3}
