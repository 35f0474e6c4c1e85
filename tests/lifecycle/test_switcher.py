"""Several elections (issue 15, item 1): the switcher keeps the choice in the session, every
page and export reads the chosen election through election_or_setup, the current election is
the default, and the words follow the office (Commissioner or Mayor)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from election_protocol.calendar import LONDON
from election_protocol.queries import SESSION_KEY
from tests.builders import logged
from tests.factories import ElectionFactory

NOW = datetime(2024, 4, 10, 11, 0, tzinfo=LONDON)


@pytest.fixture
def two(db, cast):
    """A PCC election (current: the soonest poll) and a mayoral by-election three weeks later,
    each with an entry of its own."""
    pcc = ElectionFactory(area="Testshire", reference_prefix="TS24")
    mayor = ElectionFactory(
        area="Westvale",
        office="mayor",
        office_name="Office of the Mayor of Westvale",
        reference_prefix="WV24",
        poll_date=date(2024, 5, 23),
    )
    for election, topic in ((pcc, "Testshire topic"), (mayor, "Westvale topic")):
        logged(
            election,
            cast["spoc"],
            received_at=NOW,
            topic=topic,
            question="A question?",
            requester_name="Jo Public",
            requester_email="jo@example.org",
            now=NOW,
        )
    return pcc, mayor


def test_the_current_election_is_the_default_and_the_choice_is_kept(
    two, cast, client, time_machine
):
    time_machine.move_to(NOW)
    _pcc, mayor = two
    client.force_login(cast["spoc"])
    page = client.get(reverse("requests_register:list")).content.decode()
    assert "TS24-0001" in page and "WV24-0001" not in page
    assert "Testshire" in page and 'id="election-line"' in page

    response = client.post(reverse("lifecycle:elections"), {"election": mayor.pk})
    assert response.status_code == 302 and client.session[SESSION_KEY] == mayor.pk
    assert any("Westvale" in str(m) for m in get_messages(response.wsgi_request))
    page = client.get(reverse("requests_register:list")).content.decode()
    assert "WV24-0001" in page and "TS24-0001" not in page
    # Exports follow the choice.
    csv = client.get(reverse("requests_register:export_csv"))
    content = b"".join(csv.streaming_content) if csv.streaming else csv.content
    assert b"WV24-0001" in content and b"TS24-0001" not in content
    # The words follow the office: a mayor, not a commissioner.
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "The new mayor takes office" in dashboard
    assert "commissioner takes office" not in dashboard
    # A new entry goes on the chosen election's register, with its own references.
    client.get(reverse("lifecycle:elections"))  # the choice survives other pages
    assert client.session[SESSION_KEY] == mayor.pk


def test_a_choice_that_is_not_an_election_is_refused_with_a_message(two, cast, client):
    client.force_login(cast["spoc"])
    for value in ("999999", "x", "", "9" * 40):
        response = client.post(reverse("lifecycle:elections"), {"election": value})
        assert response.status_code == 200
        html = response.content.decode()
        assert "govuk-error-summary" in html
        assert SESSION_KEY not in client.session


def test_an_election_deleted_after_being_chosen_falls_back_to_the_current(
    two, cast, client, time_machine
):
    time_machine.move_to(NOW)
    client.force_login(cast["spoc"])
    session = client.session
    session[SESSION_KEY] = 10**9  # gone
    session.save()
    page = client.get(reverse("requests_register:list")).content.decode()
    assert "TS24-0001" in page


def test_the_list_marks_current_and_read_only_elections(two, cast, client, time_machine):
    from lifecycle.models import Closure

    time_machine.move_to(NOW)
    assert len(two) == 2
    past = ElectionFactory(area="Testshire", reference_prefix="TS20", poll_date=date(2021, 5, 6))
    Closure.objects.create(election=past, frozen_at=NOW)
    client.force_login(cast["auditor"])
    html = client.get(reverse("lifecycle:elections")).content.decode()
    assert html.count("govuk-radios__item") == 3
    assert "Current" in html and "Over: read-only" in html
