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


def test_each_running_demo_election_has_its_own_public_page(
    db, client, tmp_path, settings, _public_site_in_tmp, time_machine, debug_urls
):
    """Issue 15: the by-election's page at /election/<prefix>/ with its published answer, the
    current election's still at /election/, the past one only in its archive (any case)."""
    from django.contrib.auth import get_user_model

    time_machine.move_to(NOW, tick=False)
    settings.VAR_DIR = tmp_path
    current = seed_demo(NOW).election
    past = Election.objects.get(area=current.area, poll_date__lt=current.poll_date)
    by_election = Election.objects.get(office=Office.MAYOR)
    assert by_election.by_election and "by-election" in str(by_election)
    folder = by_election.reference_prefix.lower()

    def page(url):
        response = client.get(url)
        assert response.status_code == 200, url
        return b"".join(response.streaming_content).decode()

    own = page(f"/election/{folder}/")
    assert "Mayor with PCC functions by-election, Westvale" in own
    assert "The new mayor takes office" in own
    register = page(f"/election/{folder}/register/index.html")
    assert "Nominations" in register
    assert "Jo Fenwick" not in page(f"/election/{folder}/register.csv")
    main = page("/election/")
    assert "Northshire" in main and "Westvale" not in main
    assert "Nominations close" not in page("/election/register.csv")
    # The past election: no live page of its own, its archive in either case.
    assert client.get(f"/election/{past.reference_prefix.lower()}/").status_code == 404
    upper = client.get(f"/election/archive/{past.reference_prefix}/")
    assert upper.status_code == 302
    assert upper.url == f"/election/archive/{past.reference_prefix.lower()}/"
    assert "This election is over" in page(upper.url)

    # Staff: the switcher says by-election and links each page; the dashboard of the past
    # election says it is over, not "the new commissioner takes office".
    client.force_login(get_user_model().objects.get(username="spoc"))
    switcher = client.get(reverse("lifecycle:elections")).content.decode()
    assert "Mayor with PCC functions by-election, Westvale" in switcher
    assert f'href="/election/{folder}/"' in switcher and 'href="/election/"' in switcher
    client.post(reverse("lifecycle:elections"), {"election": by_election.pk})
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert f'href="/election/{folder}/"' in dashboard
    runs = client.get(reverse("publishing:runs")).content.decode()
    assert f'href="/election/{folder}/"' in runs
    client.post(reverse("lifecycle:elections"), {"election": past.pk})
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert 'id="election-over"' in dashboard and "Over: closed down" in dashboard
    assert "app-timetable__row--current" not in dashboard
    assert f'href="/election/archive/{past.reference_prefix.lower()}/"' in dashboard
