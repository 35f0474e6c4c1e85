"""Fictional register entries for issue 13: a contact closed with no reply needed, a contact
the office started, a request from the media, a hustings invitation refused with its own
wording (the SPOC who logs each is its owner). Called by election_protocol.demo."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from candidates.models import Candidate
from election_protocol import calendar
from election_protocol.models import Election
from requests_register import rules, services

S = rules.Status


def seed_register_more(election: Election, users: dict, now: datetime) -> None:
    spoc, ce = users["spoc"], users["chief-executive"]
    today = now.astimezone(calendar.LONDON).date()
    cal = calendar.WorkingDays.for_election_timetable()

    def at(days_back: int, hour: int) -> datetime:
        return min(
            now - timedelta(minutes=30),
            datetime.combine(cal.back(today, days_back), time(hour), calendar.LONDON),
        )

    people = {c.name: c for c in Candidate.objects.filter(election=election)}
    priya = people.get("Priya Castellane")

    def log(days_back: int, **fields):
        received = at(days_back, 11)
        fields.setdefault("channel", "email")
        return services.log_entry(
            election=election, by=spoc, received_at=received, now=received, **fields
        )

    # A thank-you that needs no reply: closed, so it never shows as overdue.
    e = log(
        3,
        kind="general",
        topic="Thanks for the briefing",
        question="Thank you for last week's briefing; it was very useful.",
        requester_type="candidate",
        candidate=priya,
        requester_name="Priya Castellane",
        requester_email="priya.castellane@example.org",
    )
    services.set_entry_status(
        e.pk,
        S.CLOSED,
        by=spoc,
        no_reply_reason=rules.NoReplyReason.NO_QUESTION,
        reason="A thank-you; nothing asked.",
        now=at(3, 14),
    )

    # A contact the office started: a call to check a candidate had the briefing invitation.
    e = log(
        2,
        channel="phone",
        kind="general",
        topic="Briefing invitation follow-up",
        question="We rang to check the candidate had received the briefing invitation; "
        "they had, and will attend.",
        requester_type="candidate",
        candidate=people.get("Rowan Pettifer"),
        requester_name="Rowan Pettifer",
        initiated_by_office=True,
    )
    services.set_entry_status(
        e.pk,
        S.CLOSED,
        by=spoc,
        no_reply_reason=rules.NoReplyReason.OFFICE_CONTACT,
        now=at(2, 15),
    )

    # A request from the media, open, owned by the SPOC.
    log(
        1,
        kind="information",
        topic="Election period arrangements",
        question="How does the office make sure every candidate gets the same information?",
        requester_type="media",
        requester_name="Northshire Evening Gazette newsdesk",
        requester_email="newsdesk@gazette.example.org",
        acknowledge=True,
    )

    # A hustings invitation from a third-party organiser, refused with its own wording
    # (Norfolk 20).
    e = log(
        4,
        kind="hustings",
        topic="Hustings at Easthaven community centre",
        question="Would the Chief Constable speak at our candidates' hustings next month?",
        requester_type="public",
        requester_name="Easthaven Residents' Association",
        requester_email="secretary@easthaven-residents.example.org",
    )
    services.set_entry_status(e.pk, S.IN_PROGRESS, by=spoc, now=at(4, 14))
    services.set_entry_status(
        e.pk,
        S.REFUSED,
        by=ce,
        may_approve=True,
        reason="The Chief Constable cannot attend.",
        now=at(3, 10),
    )
