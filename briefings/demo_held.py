"""Fictional demo for issue 13 in meetings: a meeting the Chief Constable held without the
office, recorded afterwards (Cleveland 7.4); its notes are then published by the publishing
demo like any held meeting's. Called by election_protocol.demo after the briefings demo."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from briefings import held
from candidates.models import Candidate
from election_protocol import calendar
from election_protocol.models import Election


def seed_held(election: Election, users: dict, now: datetime) -> None:
    candidate = Candidate.objects.filter(election=election, name="Imogen Hartswood").first()
    if candidate is None:
        return
    today = now.astimezone(calendar.LONDON).date()
    day = calendar.WorkingDays.for_election_timetable().back(today, 2)
    held_at = min(now - timedelta(hours=1), datetime.combine(day, time(15), calendar.LONDON))
    held.record_held_meeting(
        election,
        held.HeldMeeting(
            candidate=candidate,
            kind="meeting_cc",
            held_at=held_at,
            place="Force headquarters, Northtown",
            host="The Chief Constable",
            topics="Rural crime and neighbourhood policing.",
            notes="The Chief Constable explained the rural crime team's work and the published "
            "neighbourhood policing figures. No information beyond published material was "
            "given.",
        ),
        by=users["chief-constable"],
        now=held_at + timedelta(hours=2),
    )
