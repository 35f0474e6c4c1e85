"""Fictional consultations with the PARO for the demo (issue 13): on a register entry, a
booking and an incident. Called by election_protocol.demo after the incidents demo."""

from __future__ import annotations

from datetime import datetime, timedelta

from briefings.models import Booking
from election_protocol.models import Election
from incidents.models import Incident
from paro import services
from requests_register.models import Entry


def seed_paro(election: Election, users: dict, now: datetime) -> None:
    spoc = users["spoc"]
    entry = (
        Entry.objects.filter(election=election, status="referred_to_paro").first()
        or Entry.objects.filter(election=election).order_by("number").first()
    )
    services.record_consultation(
        entry,
        consulted_at=now - timedelta(days=2, hours=3),
        consulted_by="The Election SPOC",
        paro_contact="The PARO's elections manager",
        question="Is a question about postal vote deadlines for the PARO rather than for us?",
        guidance="Yes: refer it to the PARO's office; we answer all such questions.",
        by=spoc,
        now=now - timedelta(days=2),
    )
    booking = Booking.objects.filter(election=election, kind="visit").first()
    if booking is not None:
        services.record_consultation(
            booking,
            consulted_at=now - timedelta(days=1, hours=5),
            consulted_by="The Chief Executive",
            paro_contact="The PARO",
            question="May a candidate visit a police station during the pre-election period?",
            guidance="Yes, if every candidate is offered the same and no filming takes place.",
            by=spoc,
            now=now - timedelta(days=1),
        )
    statement = Incident.objects.filter(election=election, kind="factual").first()
    if statement is not None:
        # The PARO sees a statement before it goes out (Cumbria 7.1), recorded here only.
        services.record_consultation(
            statement,
            consulted_at=now - timedelta(hours=46),
            consulted_by="The Election SPOC",
            paro_contact="The PARO",
            question="May we publish this neutral statement correcting the press release?",
            guidance="No objection; keep it neutral.",
            by=spoc,
            now=now - timedelta(hours=45),
        )
    incident = Incident.objects.filter(election=election, kind="conduct").first()
    if incident is not None:
        services.record_consultation(
            incident,
            consulted_at=now - timedelta(hours=6),
            consulted_by="The Chief Executive",
            paro_contact="",
            question="A candidate's leaflet appears to show a police officer in uniform: "
            "how should we raise it?",
            guidance="",
            by=spoc,
            now=now - timedelta(hours=5),
        )
