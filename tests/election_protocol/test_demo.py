from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from candidates.models import Candidate
from election_protocol.calendar import LONDON
from election_protocol.demo import DEMO_USERS, demo_poll_date, seed_demo
from election_protocol.models import Election
from election_protocol.permissions import is_staff_member

NOW = datetime(2026, 11, 26, 11, 0, tzinfo=LONDON)


def test_demo_poll_is_ahead_with_nominations_closed():
    poll = demo_poll_date(NOW)
    from election_protocol.calendar import statutory_timetable

    assert poll > NOW.date()
    assert poll.weekday() == 3
    assert statutory_timetable(poll).close_of_nominations < NOW


def test_seed_demo_is_idempotent_and_complete(db, monkeypatch, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    first = seed_demo(NOW)
    second = seed_demo(NOW)
    assert first.created and not second.created
    assert first.password == second.password
    # The current election, the previous one (closed down) and a by-election (issue 15).
    assert Election.objects.count() == 3
    # Each running election's public page: the current one's at /election/ (the target's
    # root), the by-election's at /election/<prefix>/ (sites/<prefix>/ of the target).
    from publishing.site.target import default_target

    root = default_target().root
    by_election = Election.objects.get(by_election=True)
    assert "Northshire" in (root / "current" / "index.html").read_text()
    own = root / "sites" / by_election.reference_prefix.lower() / "current"
    assert "Westvale" in (own / "index.html").read_text()
    assert "Nominations" in (own / "register" / "index.html").read_text()
    election = first.election
    assert election.poll_date > NOW.date()
    statuses = sorted(Candidate.objects.filter(election=election).values_list("status", flat=True))
    assert statuses == ["declared"] * 4 + ["prospective", "withdrawn"]
    assert (
        Candidate.objects.filter(
            election=election, incumbent_role="commissioner", status="declared"
        ).count()
        == 1
    )
    User = get_user_model()
    for username, role, _ in DEMO_USERS:
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role.value]
        assert user.check_password(first.password)
        assert is_staff_member(user)
    assert not is_staff_member(User.objects.get(username="incumbent-pcc"))


def test_seed_demo_command_prints_the_logins(db, capsys, tmp_path, settings, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("DEMO_PASSWORD", "fictional-demo-pass")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "password for all: fictional-demo-pass" in out
    for username, role, _ in DEMO_USERS:
        assert f"  {username:<20} {role.label}\n" in out


def test_demo_dashboard_shows_timetable_and_candidates(client, db, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    result = seed_demo(NOW)
    # Through the real login page: django-axes's backend needs the request (client.login has none).
    signed_in = client.post(reverse("login"), {"username": "spoc", "password": result.password})
    assert signed_in.status_code == 302 and signed_in.url == reverse("dashboard")
    html = client.get(reverse("dashboard")).content.decode()
    assert "Office of the Police, Fire and Crime Commissioner for Northshire" in html
    assert f"Poll on {result.election.poll_date:%A %-d %B %Y}" in html
    html = client.get(reverse("candidates:list")).content.decode()
    for name in ("Rowan Pettifer", "Priya Castellane", "Callum Drayfield"):
        assert name in html
    client.logout()
    client.post(reverse("login"), {"username": "incumbent-pcc", "password": result.password})
    assert client.get(reverse("dashboard")).status_code == 403


def test_seed_demo_makes_a_new_election_once_the_old_one_is_over(db, tmp_path, settings):
    from datetime import timedelta

    settings.VAR_DIR = tmp_path
    first = seed_demo(NOW)
    later = NOW + timedelta(days=90)
    second = seed_demo(later)
    assert second.created
    assert second.election.poll_date > later.date() > first.election.poll_date
    # The previous election and the by-election are made once (issue 15).
    assert Election.objects.count() == 4


def test_demo_register_shows_every_state_overdue_foi_and_a_phone_request(db, tmp_path, settings):
    from requests_register.models import Entry
    from requests_register.rules import OPEN, Status

    settings.VAR_DIR = tmp_path
    result = seed_demo(NOW)
    entries = Entry.objects.filter(election=result.election)
    assert set(entries.values_list("status", flat=True)) == {s.value for s in Status}
    assert entries.filter(kind="foi").exists()
    assert entries.filter(channel="phone", status="awaiting_confirmation").exists()
    open_values = [s.value for s in OPEN]
    assert entries.filter(status__in=open_values, target_date__lt=NOW.date()).count() >= 2


def test_demo_meetings_show_every_step_for_each_person(db, tmp_path, settings):
    from django.contrib.auth import get_user_model

    from briefings.models import Booking, BriefingEvent, CandidateOffer
    from briefings.services import actors_for

    settings.VAR_DIR = tmp_path
    result = seed_demo(NOW)
    bookings = Booking.objects.filter(election=result.election)
    assert set(bookings.values_list("status", flat=True)) >= {
        "prepared",
        "approved",
        "declined",
        "held",
    }
    users = {u.username: u for u in get_user_model().objects.all()}
    awaiting_chiefs = {
        name
        for name in ("chief-constable", "chief-fire-officer")
        if any("chief" in actors_for(users[name], b) for b in bookings.filter(status="approved"))
    }
    assert awaiting_chiefs == {"chief-constable", "chief-fire-officer"}
    held = bookings.get(status="held", entry__initiated_by_office=False)
    assert held.notes
    # The demo's first briefing (issue 13 added one moved and one cancelled after invitation).
    event = BriefingEvent.objects.get(
        election=result.election, title__startswith="Policing and fire"
    )
    assert event.questions.count() == 2 and event.paro_notified_at is not None
    assert (
        CandidateOffer.objects.filter(item__election=result.election)
        .values("candidate")
        .distinct()
        .count()
        == 4
    )


def test_demo_shows_the_complete_register_of_issue_13(db, tmp_path, settings):
    """A no-reply closure, an office-initiated contact, a media request, a hustings refusal
    in its own wording, and a meeting recorded after it was held, its notes published."""
    from publishing.models import PublicEntry
    from requests_register.models import Entry, OutboundEmail

    settings.VAR_DIR = tmp_path
    result = seed_demo(NOW)
    entries = Entry.objects.filter(election=result.election)
    assert entries.filter(status="closed", no_reply_reason="no_question").exists()
    assert entries.filter(initiated_by_office=True, booking__isnull=True).exists()
    assert entries.filter(requester_type="media").exists()
    hustings = entries.get(kind="hustings")
    assert OutboundEmail.objects.filter(entry=hustings, purpose="refused_hustings").exists()
    recorded = entries.get(initiated_by_office=True, booking__isnull=False)
    assert recorded.booking.status == "held"
    assert PublicEntry.objects.filter(booking=recorded.booking, status="published").exists()
