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
    entry = (
        Entry.objects.filter(election=election, status="referred_to_paro").first()
        or Entry.objects.filter(election=election).order_by("number").first()
    )
    # (what was consulted on; when asked and when recorded, before `now`; who asked; whom;
    # the question; the guidance). None of a subject the demo has not made is skipped.
    consultations = [
        (
            entry,
            timedelta(days=2, hours=3),
            timedelta(days=2),
            "The Election SPOC",
            "The PARO's elections manager",
            "Is a question about postal vote deadlines for the PARO rather than for us?",
            "Yes: refer it to the PARO's office; we answer all such questions.",
        ),
        (
            Booking.objects.filter(election=election, kind="visit").first(),
            timedelta(days=1, hours=5),
            timedelta(days=1),
            "The Chief Executive",
            "The PARO",
            "May a candidate visit a police station during the pre-election period?",
            "Yes, if every candidate is offered the same and no filming takes place.",
        ),
        (
            # The PARO sees a statement before it goes out (Cumbria 7.1), recorded here only.
            Incident.objects.filter(election=election, kind="factual").first(),
            timedelta(hours=46),
            timedelta(hours=45),
            "The Election SPOC",
            "The PARO",
            "May we publish this neutral statement correcting the press release?",
            "No objection; keep it neutral.",
        ),
        (
            Incident.objects.filter(election=election, kind="conduct").first(),
            timedelta(hours=6),
            timedelta(hours=5),
            "The Chief Executive",
            "",
            "A candidate's leaflet appears to show a police officer in uniform: "
            "how should we raise it?",
            "",
        ),
    ]
    for subject, asked, recorded, asker, contact, question, guidance in consultations:
        if subject is not None:
            services.record_consultation(
                subject,
                consulted_at=now - asked,
                consulted_by=asker,
                paro_contact=contact,
                question=question,
                guidance=guidance,
                by=users["spoc"],
                now=now - recorded,
            )
