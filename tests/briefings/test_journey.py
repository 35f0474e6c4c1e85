"""The issue's "done when" for organised meetings, through the browser's requests."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from briefings.models import Booking, CandidateOffer, OfferItem
from candidates.services import create_candidate
from election_protocol.calendar import LONDON
from election_protocol.roles import Role
from tests.builders import declared_candidate, from_candidate, logged
from tests.factories import ElectionFactory

NOW = datetime(2024, 4, 10, 11, 0, tzinfo=LONDON)  # in the pre-election period of the 2024 poll


@pytest.fixture
def office(make_user):
    users = {
        "spoc": make_user(Role.SPOC, username="spoc-b", email="spoc@example.org"),
        "ce": make_user(Role.CHIEF_EXECUTIVE, username="ce-b", email="ce@example.org"),
        "cc": make_user(Role.CHIEF_CONSTABLE, username="cc-b", email="cc@example.org"),
        "cfo": make_user(Role.CHIEF_FIRE_OFFICER, username="cfo-b", email="cfo@example.org"),
    }
    election = ElectionFactory(fire_service_name="Testshire Fire and Rescue Service")
    return election, users


def _request(election, spoc, candidate, kind="meeting", question="May I meet the Chief Constable?"):
    return logged(
        election,
        spoc,
        received_at=datetime(2024, 4, 9, 9, 0, tzinfo=LONDON),
        kind=kind,
        topic="Meeting",
        question=question,
        **from_candidate(candidate),
    )


def _declared(election, users, name: str):
    """Return `name` declared by the SPOC on Mon 8 Apr 2024, at <first name>@example.org."""
    email = f"{name.split()[0].lower()}@example.org"
    at = datetime(2024, 4, 8, 9, 0, tzinfo=LONDON)
    return declared_candidate(election, users["spoc"], at=at, name=name, emails=[email])


@time_machine.travel(NOW, tick=False)
def test_meeting_request_flows_to_a_confirmation_letter_with_the_conditions(
    client, office, smtp_server, django_capture_on_commit_callbacks
):
    election, users = office
    priya = _declared(election, users, "Priya Castellane")
    _declared(election, users, "Tomasz Everleigh")
    entry = _request(election, users["spoc"], priya)

    # The SPOC prepares the booking from the register entry.
    client.force_login(users["spoc"])
    html = client.get(reverse("requests_register:detail", args=[entry.pk])).content.decode()
    assert reverse("briefings:prepare", args=[entry.pk]) in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("briefings:prepare", args=[entry.pk]),
            {
                "kind": "meeting_cc",
                "advance_questions": "How is rural crime policed?",
                "material_check_note": "The police and crime plan does not cover rural patrols.",
            },
        )
    booking = Booking.objects.get()
    assert response.url == reverse("briefings:booking", args=[booking.pk])
    assert smtp_server.messages[-1]["To"] == "ce@example.org"
    assert (
        client.post(
            reverse("briefings:step", args=[booking.pk]), {"status": "approved"}
        ).status_code
        == 400
    )

    # The Chief Executive approves: a 1:1 for one candidate raises the parity warning.
    client.force_login(users["ce"])
    page = client.get(reverse("briefings:booking", args=[booking.pk]))
    assert page.context["parity_gap"] == 1
    assert "Norfolk protocol 19" in page.content.decode()
    refused = client.post(reverse("briefings:step", args=[booking.pk]), {"status": "approved"})
    assert refused.status_code == 400 and "Norfolk protocol 19" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("briefings:step", args=[booking.pk]),
            {"status": "approved", "parity_acknowledged": "on"},
        )
    booking.refresh_from_db()
    assert booking.status == "approved" and "Norfolk 19" in booking.parity_note
    assert smtp_server.messages[-1]["To"] == "cc@example.org"

    # Only the Chief Constable confirms: not the fire officer, who cannot even see it.
    client.force_login(users["cfo"])
    assert client.get(reverse("briefings:booking", args=[booking.pk])).status_code == 404
    client.force_login(users["cc"])
    dashboard = client.get(reverse("briefings:dashboard"))
    assert [b.pk for b in dashboard.context["awaiting"]] == [booking.pk]
    client.post(reverse("briefings:step", args=[booking.pk]), {"status": "confirmed"})
    booking.refresh_from_db()
    assert booking.status == "confirmed"

    # The SPOC schedules it; the confirmation letter arrives with the pre-election conditions.
    from briefings import letters

    sent_letters = []
    original_render = letters.render_letter_pdf

    def recording_render(letter, **kwargs):
        sent_letters.append(letter)
        return original_render(letter, **kwargs)

    client.force_login(users["spoc"])
    # The letter is rendered by a task after commit (never under the booking's row lock).
    with (
        pytest.MonkeyPatch.context() as patch,
        django_capture_on_commit_callbacks(execute=True),
    ):
        patch.setattr(letters, "render_letter_pdf", recording_render)
        client.post(
            reverse("briefings:step", args=[booking.pk]),
            {
                "status": "scheduled",
                "starts_at": "2024-04-16T10:00",
                "ends_at": "2024-04-16T11:00",
                "place": "Police headquarters, Northtown",
                "host": "The Chief Constable",
            },
        )
    booking.refresh_from_db()
    assert booking.status == "scheduled"
    [letter_mail] = [m for m in smtp_server.messages if m["To"] == "priya@example.org"]
    [pdf] = [part for part in letter_mail.iter_attachments()]
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_filename() == f"{entry.reference}-confirmation.pdf"
    assert pdf.get_content().startswith(b"%PDF")
    [letter] = sent_letters
    assert letter.kind == "confirmation"
    assert letter.where == "Police headquarters, Northtown" and letter.host == "The Chief Constable"
    # In the pre-election period: no filming or photographs (Cumbria 9.1), no imagery (10.1).
    assert any("must not be filmed or photographed" in c and "9.1" in c for c in letter.conditions)
    assert any("10.1" in c for c in letter.conditions)
    # The story is on the register entry.
    notes = list(entry.notes.values_list("body", flat=True))
    assert [n.split(".")[0] for n in notes] == [
        "Booking prepared: One-to-one meeting with the Chief Constable",
        "Booking: Approved, awaiting the chief",
        "Booking: Confirmed, to schedule",
        "Booking: Scheduled",
    ]


@time_machine.travel(NOW, tick=False)
def test_a_prospective_candidates_request_for_a_one_to_one_is_refused_naming_the_rule(
    client, office
):
    election, users = office
    prospective = create_candidate(
        election=election, by=users["spoc"], name="Ada Example", emails=["ada@example.org"]
    )
    entry = _request(election, users["spoc"], prospective)
    client.force_login(users["spoc"])
    response = client.post(
        reverse("briefings:prepare", args=[entry.pk]),
        {
            "kind": "meeting_ce",
            "advance_questions": "Budget?",
            "material_check_note": "Checked",
        },
    )
    html = response.content.decode()
    assert (
        "only for candidates who have formally declared" in html and "Cumbria protocol 8.3" in html
    )
    assert "Budget?" in html  # what was typed is kept
    assert not Booking.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_declaring_a_candidate_sends_the_equal_offer_and_fills_the_matrix(client, office):
    election, users = office
    OfferItem.objects.create(
        election=election, title="1:1 with the Chief Executive", kind="meeting_ce"
    )
    OfferItem.objects.create(election=election, title="Custody suite tour", kind="visit")
    ada = create_candidate(
        election=election,
        by=users["spoc"],
        name="Ada Example",
        emails=["ada@example.org"],
        at=datetime(2024, 3, 1, tzinfo=LONDON),
    )
    from candidates.services import set_candidate_status
    from requests_register.models import OutboundEmail

    set_candidate_status(ada.pk, "declared", by=users["spoc"])
    offers = CandidateOffer.objects.filter(candidate=ada)
    assert sorted(offers.values_list("item__title", "state")) == [
        ("1:1 with the Chief Executive", "offered"),
        ("Custody suite tour", "offered"),
    ]
    mail = OutboundEmail.objects.get(purpose="equal_offer")
    assert mail.to == ["ada@example.org"] and "Custody suite tour" in mail.body
    client.force_login(users["ce"])
    matrix = client.get(reverse("briefings:offer"))
    [(candidate, cells)] = matrix.context["rows"]
    assert candidate == ada and [c.state for c in cells] == ["offered", "offered"]


@time_machine.travel(NOW, tick=False)
def test_briefing_event_invites_everyone_at_once_and_tells_the_paro(
    client, office, smtp_server, django_capture_on_commit_callbacks
):
    election, users = office
    a = _declared(election, users, "Ada Example")
    _declared(election, users, "Bea Example")
    create_candidate(
        election=election, by=users["spoc"], name="Cal Prospect", emails=["cal@example.org"]
    )
    client.force_login(users["spoc"])
    client.post(
        reverse("briefings:events"),
        {
            "title": "Policing in Testshire",
            "starts_at": "2024-04-18T18:00",
            "ends_at": "2024-04-18T20:00",
            "place": "Town hall, Northtown",
            "audience": "declared",
            "capacity": "30",
        },
    )
    event = election.events.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("briefings:event_action", args=[event.pk, "invite"]))
    bodies = {m["To"]: m.get_content() for m in smtp_server.messages}
    assert set(bodies) == {"ada@example.org", "bea@example.org", election.paro_email}
    assert bodies["ada@example.org"] == bodies["bea@example.org"]  # the same text to all
    event.refresh_from_db()
    assert event.invited_at is not None and event.paro_notified_at is not None
    question = _request(election, users["spoc"], a, kind="information", question="Response times?")
    client.post(
        reverse("briefings:event_action", args=[event.pk, "question"]),
        {"reference": question.reference},
    )
    client.post(
        reverse("briefings:event_action", args=[event.pk, "attendance"]), {"attended": [a.pk]}
    )
    page = client.get(reverse("briefings:event", args=[event.pk]))
    assert [q.entry for q in page.context["questions"]] == [question]
    assert {r.candidate.name: r.attended for r in page.context["attendance"]} == {
        "Ada Example": True,
        "Bea Example": False,
    }


@time_machine.travel(NOW, tick=False)
def test_the_calendar_feed_needs_a_valid_token_and_shows_the_events(client, office):
    from briefings.models import BriefingEvent

    election, users = office
    BriefingEvent.objects.create(
        election=election,
        title="Policing in Testshire",
        place="Town hall",
        starts_at=datetime(2024, 4, 18, 18, 0, tzinfo=LONDON),
        ends_at=datetime(2024, 4, 18, 20, 0, tzinfo=LONDON),
        created_by=users["spoc"],
    )
    client.force_login(users["spoc"])
    feed_url = client.get(reverse("briefings:dashboard")).context["feed_url"]
    client.logout()
    path = feed_url.split("testserver", 1)[1]
    response = client.get(path)
    assert response["Content-Type"].startswith("text/calendar")
    assert response.content.startswith(b"BEGIN:VCALENDAR")
    assert b"SUMMARY:Candidate briefing: Policing in Testshire" in response.content
    assert b"DTSTART:20240418T170000Z" in response.content  # 6pm BST
    assert client.get(reverse("briefings:calendar") + "?token=forged").status_code == 404
    token = re.search(r"token=(.+)$", path).group(1)
    users["spoc"].is_active = False
    users["spoc"].save()
    assert client.get(reverse("briefings:calendar") + f"?token={token}").status_code == 404
