"""Meetings and visits held without the office, recorded afterwards (issue 13, item 3;
Cleveland 4.2, 7.4), and stalled bookings flagged (item 7)."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import reverse

from briefings import held, rules
from briefings.models import Booking, VisitType
from election_protocol.calendar import LONDON
from publishing import services as publishing
from requests_register.models import Entry
from tests.builders import declared_candidate, prepared_booking

pytestmark = pytest.mark.django_db
NOW = datetime(2024, 4, 10, 12, 0, tzinfo=LONDON)
HELD_AT = datetime(2024, 4, 9, 15, 0, tzinfo=LONDON)


def _meeting(candidate, **kw) -> held.HeldMeeting:
    values = dict(
        candidate=candidate,
        kind="meeting_cc",
        held_at=HELD_AT,
        place="Force headquarters",
        host="The Chief Constable",
        notes="Discussed rural crime figures for 2023, as published in the annual report.",
        topics="Rural crime",
    )
    values.update(kw)
    return held.HeldMeeting(**values)


def test_a_chief_records_a_meeting_held_and_its_notes_go_to_publishing(
    election, cast, smtp_server, django_capture_on_commit_callbacks
):
    candidate = declared_candidate(election, cast["spoc"], at=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        booking = held.record_held_meeting(election, _meeting(candidate), by=cast["cc"], now=NOW)
    booking.refresh_from_db()
    assert (booking.status, booking.starts_at, booking.created_by) == ("held", HELD_AT, cast["cc"])
    entry = booking.entry
    assert entry.initiated_by_office and entry.status == "booked"
    assert (entry.candidate, entry.channel, entry.first_reached) == (
        candidate,
        "in_person",
        "police",
    )
    assert entry.requester_email == ""
    assert booking.steps.get().reason.startswith("Held without the office")
    # The SPOC is told, and nothing goes to the candidate.
    [notice] = [m for m in smtp_server.messages if m["To"] == cast["spoc"].email]
    assert entry.reference in notice["Subject"]
    assert not [m for m in smtp_server.messages if m["To"] == candidate.emails[0]]
    # The notes follow the meeting-notes path: prepared by the SPOC, approved by another.
    public = publishing.prepare_meeting_notes(booking, cast["spoc"], now=NOW)
    assert "rural crime" in public.answer.lower()


def test_only_a_meeting_of_ones_own_service_in_the_past_with_notes(election, cast):
    candidate = declared_candidate(election, cast["spoc"], at=NOW)
    with pytest.raises(rules.BookingError, match="your own service"):
        held.record_held_meeting(
            election, _meeting(candidate, kind="meeting_cfo"), by=cast["liaison"], now=NOW
        )
    fire_station = VisitType.objects.get_or_create(
        name="Fire station", defaults={"chief": "chief_fire_officer"}
    )[0]
    with pytest.raises(rules.BookingError, match="own service's premises"):
        held.record_held_meeting(
            election,
            _meeting(candidate, kind="visit", visit_type=fire_station),
            by=cast["liaison"],
            now=NOW,
        )
    with pytest.raises(rules.BookingError, match="future"):
        held.record_held_meeting(
            election,
            _meeting(candidate, held_at=datetime(2024, 4, 11, tzinfo=LONDON)),
            by=cast["cc"],
            now=NOW,
        )
    with pytest.raises(rules.BookingError, match="notes"):
        held.record_held_meeting(election, _meeting(candidate, notes=" "), by=cast["cc"], now=NOW)
    with pytest.raises(rules.BookingError, match="Norfolk"):
        held.record_held_meeting(
            election, _meeting(candidate, kind="hustings"), by=cast["spoc"], now=NOW
        )
    assert not Booking.objects.exists() and not Entry.objects.exists()


def test_a_liaison_records_a_station_visit_from_the_page(client, election, cast):
    candidate = declared_candidate(election, cast["spoc"], at=datetime(2024, 4, 8, tzinfo=LONDON))
    station = VisitType.objects.get_or_create(
        name="Police station", defaults={"chief": "chief_constable"}
    )[0]
    client.force_login(cast["liaison"])
    url = reverse("briefings:record_held")
    form = {
        "candidate": candidate.pk,
        "kind": "visit",
        "visit_type": "",
        "held_at": "2024-04-09T10:00",
        "place": "Northtown police station",
        "host": "Inspector on duty",
        "notes": "Shown the front counter and custody suite.",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    assert "Choose the premises visited." in response.content.decode()
    assert 'value="Northtown police station"' in response.content.decode()  # kept
    response = client.post(url, {**form, "visit_type": station.pk})
    booking = Booking.objects.get()
    assert response.url == reverse("briefings:booking", kwargs={"pk": booking.pk})
    page = client.get(response.url).content.decode()
    assert "Shown the front counter" in page


def test_stalled_bookings_are_flagged_on_the_dashboard(client, election, cast):
    candidate = declared_candidate(election, cast["spoc"], at=datetime(2024, 4, 8, tzinfo=LONDON))
    booking = prepared_booking(election, cast, candidate)
    old = datetime(2024, 4, 8, 9, 0, tzinfo=LONDON)  # Monday
    booking.steps.update(at=old)
    Booking.objects.filter(pk=booking.pk).update(created_at=old)
    today = datetime(2024, 4, 10, tzinfo=LONDON).date()  # Wednesday: two working days on
    assert held.stalled_bookings(election, today) == []
    later = datetime(2024, 4, 11, tzinfo=LONDON).date()
    assert [b.pk for b in held.stalled_bookings(election, later)] == [booking.pk]
    client.force_login(cast["spoc"])
    import time_machine

    with time_machine.travel(datetime(2024, 4, 11, 12, 0, tzinfo=LONDON)):
        page = client.get(reverse("briefings:dashboard")).content.decode()
    assert 'id="stalled"' in page and booking.entry.reference in page
