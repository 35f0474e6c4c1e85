"""The demo's elections (issue 15, "done when"): a past election closed down (read-only, its
archived public page with the banner), the current one with its protocol on the public page
(version 2), and a mayoral by-election beside it with its own timetable, references and
candidates."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse

from candidates.models import Candidate
from election_protocol.calendar import LONDON
from election_protocol.demo import seed_demo
from election_protocol.models import Election, Office
from election_protocol.queries import SESSION_KEY
from lifecycle import queries, rules
from protocol.models import ProtocolVersion
from requests_register.models import Entry

NOW = datetime(2026, 11, 26, 11, 0, tzinfo=LONDON)


def test_the_demo_has_a_past_election_and_a_by_election(
    db, client, tmp_path, settings, _public_site_in_tmp, time_machine
):
    time_machine.move_to(NOW, tick=False)
    settings.VAR_DIR = tmp_path
    current = seed_demo(NOW).election
    past = Election.objects.get(area=current.area, poll_date__lt=current.poll_date)
    by_election = Election.objects.get(office=Office.MAYOR)

    # The past election: closed down, every step done, its snapshot on disk with the banner.
    facts = queries.facts(past, NOW)
    assert rules.is_complete(facts) and queries.is_frozen(past.pk)
    snapshot = _public_site_in_tmp / "archive" / past.reference_prefix.lower() / "index.html"
    assert "This election is over" in snapshot.read_text()
    assert Entry.objects.filter(election=past).count() == 2

    # The by-election: its own timetable, references and candidates; the words of a mayor.
    assert by_election.poll_date > current.poll_date
    assert by_election.timetable.poll == by_election.poll_date
    assert Entry.objects.get(election=by_election).reference.startswith(
        by_election.reference_prefix + "-"
    )
    assert Candidate.objects.filter(election=by_election).count() == 2
    assert str(by_election.takes_office_label) == "The new mayor takes office"

    # The current election's protocol is on its public page, with its version.
    assert ProtocolVersion.objects.filter(election=current).count() == 2
    page = (_public_site_in_tmp / "current" / "protocol" / "index.html").read_text()
    assert "Version 2" in page and "Adds oral requests" in page

    # The SPOC chooses the past election: read, not changed.
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="spoc"))
    client.post(reverse("lifecycle:elections"), {"election": past.pk})
    assert client.session[SESSION_KEY] == past.pk
    html = client.get(reverse("requests_register:list")).content.decode()
    assert f"{past.reference_prefix}-0001" in html and 'id="read-only-warning"' in html
    before = Entry.objects.count()
    client.post(reverse("requests_register:log"), {"topic": "Late"})
    assert Entry.objects.count() == before
