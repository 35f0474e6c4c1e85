"""The equal-treatment report's world, built through the services as the application builds it
(tests/builders.py): poll 2 May 2024, today Wednesday 10 April 2024, in the pre-election period
and after the close of nominations (Friday 5 April, 4pm).

- Ada Example (Northshire First, declared): an information request answered in 2 working days
  and published 2 working days later; an FOI request answered in 1; an information request
  refused in 1; two meetings with the Chief Executive approved (one taken up from the equal
  offer); invited to the briefing and came.
- Bea Sample (Southshire Voice, declared): an information request received on Tuesday 2 April
  and answered on Wednesday 10 April (6 working days: Easter Monday was 1 April, before it);
  a general contact still open; a meeting with the Chief Executive declined on the 10th (the
  decline is the reply to its register entry: answered in 1); invited, did not
  come; named in a breach complaint decided.
- Cal Prospect (Northshire First, prospective): one information request answered in 2.
- Northshire First itself: one information request answered in 1.
- The equal offer has two items; Ada and Bea were offered both on declaring, Cal nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from briefings import services as briefings
from briefings.models import BriefingEvent, CandidateOffer, OfferItem
from candidates.services import create_candidate
from election_protocol.calendar import LONDON
from incidents import services as incidents
from publishing import services as publishing
from requests_register import services as register
from tests.builders import declared_candidate, from_candidate, logged, prepared_booking
from tests.factories import PartyFactory

NOW = datetime(2024, 4, 10, 11, 0, tzinfo=LONDON)
DECLARED_AT = datetime(2024, 4, 8, 8, 0, tzinfo=LONDON)


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2024, 4, day, hour, 0, tzinfo=LONDON)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def log(election, cast, *, kind="information", received, candidate=None, party=None):
    who = (
        from_candidate(candidate)
        if candidate
        else {
            "requester_type": "party",
            "party": party,
            "requester_name": "The party office",
            "requester_email": "office@party.example.org",
        }
    )
    return logged(election, cast["spoc"], received_at=received, kind=kind, now=received, **who)


def send(entry, cast, when):
    register.set_entry_status(entry.pk, "in_progress", by=cast["spoc"], now=when)
    register.draft_answer(entry.pk, answer="Eight patrols.", by=cast["spoc"], now=when)
    register.set_entry_status(entry.pk, "approved", by=cast["ce"], may_approve=True, now=when)
    register.set_entry_status(entry.pk, "sent", by=cast["spoc"], now=when)
    entry.refresh_from_db()
    return entry


def publish(entry, cast, when):
    public_entry = publishing.prepare_public_entry(entry, cast["spoc"])
    publishing.submit_for_approval(public_entry.pk, cast["spoc"])
    return publishing.approve_and_publish(public_entry.pk, cast["ce"], True, when)


def add_answered_candidates(election, cast, count: int) -> None:
    """Declare `count` more candidates ("Extra 0", ...), without a party, each with one request
    answered (for the tests that a report's queries do not grow with the candidates)."""
    for n in range(count):
        extra = declared_candidate(
            election,
            cast["spoc"],
            at=DECLARED_AT,
            name=f"Extra {n}",
            emails=[f"extra{n}@example.org"],
        )
        send(log(election, cast, received=DECLARED_AT, candidate=extra), cast, NOW)


def candidate(election, cast, name, party, *, status="declared"):
    return create_candidate(
        election=election,
        by=cast["spoc"],
        status=status,
        at=DECLARED_AT,
        name=name,
        party=party,
        emails=[f"{name.split()[0].lower()}@example.org"],
    )


@pytest.fixture
def world(election, cast, frozen):
    """Build the world described above and return its people and parties by name."""
    cast["cc"], cast["cfo"]  # both chiefs in post
    first = PartyFactory(name="Northshire First")
    voice = PartyFactory(name="Southshire Voice")
    tour = OfferItem.objects.create(
        election=election, title="1:1 with the Chief Executive", kind="meeting_ce"
    )
    OfferItem.objects.create(election=election, title="Custody suite tour", kind="visit")
    ada = candidate(election, cast, "Ada Example", first)
    bea = candidate(election, cast, "Bea Sample", voice)
    cal = candidate(election, cast, "Cal Prospect", first, status="prospective")

    e1 = send(log(election, cast, received=at(8), candidate=ada), cast, at(10, 9))
    send(log(election, cast, kind="foi", received=at(8), candidate=ada), cast, at(9))
    refused = log(election, cast, received=at(8), candidate=ada)
    register.set_entry_status(
        refused.pk, "refused", by=cast["ce"], may_approve=True, reason="Not public.", now=at(9)
    )
    with time_machine.travel(at(12), tick=False):
        publish(e1, cast, at(12))

    send(log(election, cast, received=at(2), candidate=bea), cast, at(10, 9))
    log(election, cast, kind="general", received=at(9), candidate=bea)
    send(log(election, cast, received=at(8), candidate=cal), cast, at(10, 9))
    send(log(election, cast, received=at(8), party=first), cast, at(9))

    offered = CandidateOffer.objects.get(candidate=ada, item=tour)
    for offer_item in (tour, None):
        booking = prepared_booking(
            election, cast, ada, kind="meeting_ce", received_at=at(9), offer_item=offer_item
        )
        briefings.set_booking_status(
            booking.pk, "approved", by=cast["ce"], parity_acknowledged=True, reason="For all."
        )
    offered.refresh_from_db()
    booking = prepared_booking(election, cast, bea, kind="meeting_ce", received_at=at(9))
    briefings.set_booking_status(booking.pk, "declined", by=cast["ce"], reason="Diary full.")

    event = BriefingEvent.objects.create(
        election=election,
        title="Briefing",
        place="Hall",
        created_by=cast["spoc"],
        starts_at=at(18, 18),
        ends_at=at(18, 20),
    )
    briefings.invite_to_event(event.pk, by=cast["spoc"])
    briefings.record_attendance(event.pk, [ada.pk], by=cast["spoc"])

    breach = incidents.record_incident(
        election=election,
        by=cast["spoc"],
        kind="breach",
        title="Equal time",
        description="A complaint that Bea was given less time.",
        raised_at=NOW - timedelta(hours=1),
        raised_by_type="agent",
        raised_by_name="An Agent",
        raised_by_email="agent@example.org",
        candidates=[bea],
    )
    incidents.set_incident_status(breach.pk, "awaiting_decision", by=cast["spoc"])
    incidents.set_incident_status(
        breach.pk, "decided", by=cast["ce"], decision="not_upheld", reasons="Equal time."
    )
    # Recorded but not decided: does not count.
    incidents.record_incident(
        election=election,
        by=cast["spoc"],
        kind="breach",
        title="Another",
        description="Not yet decided.",
        raised_at=NOW - timedelta(hours=1),
        candidates=[bea],
    )
    return {"ada": ada, "bea": bea, "cal": cal, "first": first, "voice": voice, "offer": offered}
