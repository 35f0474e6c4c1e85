"""Fictional publication deadlines and actions taken for the demo (issue 13, items 1 and 2),
called by publishing.demo before the public site is published:

- an answer to a candidate sent four working days ago and not yet published (overdue), and
  one sent yesterday (due soon), so the SPOC sees publication due dates;
- an answer about a neighbour's complaint, decided "not for publication" (proposed by the
  SPOC officer, signed off by the Chief Executive), counted on the public register, and
  another proposal waiting for the Chief Executive;
- the demo's refusal published on the public register with its action (reason category),
  prepared by the SPOC officer and approved by the Chief Executive.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from candidates.models import Candidate
from election_protocol import calendar
from election_protocol.models import Election
from publishing import services
from requests_register import services as register
from requests_register.models import Entry


def _at(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour), calendar.LONDON)


def seed_publication(election: Election, users: dict, now: datetime) -> None:
    """Create the demo's answers awaiting publication, its "not for publication" decisions and
    its published refusal, through the services."""
    spoc, ce = users["spoc"], users["chief-executive"]
    today = now.astimezone(calendar.LONDON).date()
    working = calendar.WorkingDays.for_election_timetable(
        [d.date for d in election.non_working_days.all()]
    )
    people = {c.name: c for c in Candidate.objects.filter(election=election)}

    def sent(n_days_ago: int, topic: str, question: str, answer: str, **who) -> Entry:
        day = working.back(today, n_days_ago)
        at = min(now - timedelta(minutes=30), _at(day, 11))
        entry = register.log_entry(
            election=election,
            by=spoc,
            received_at=at - timedelta(hours=2),
            channel="email",
            kind="information",
            topic=topic,
            question=question,
            now=at - timedelta(hours=2),
            **who,
        )
        register.set_entry_status(entry.pk, "in_progress", by=spoc, now=at - timedelta(hours=1))
        register.draft_answer(entry.pk, answer=answer, by=spoc, now=at - timedelta(minutes=30))
        register.set_entry_status(
            entry.pk, "approved", by=ce, may_approve=True, now=at - timedelta(minutes=10)
        )
        return register.set_entry_status(entry.pk, "sent", by=spoc, now=at)

    def candidate(name: str, email: str) -> dict:
        return {
            "requester_type": "candidate",
            "candidate": people.get(name),
            "requester_name": name,
            "requester_email": email,
        }

    # Overdue: sent four working days ago, still not prepared for publication.
    sent(
        4,
        "Rural crime",
        "How many rural crime officers does the force have?",
        "The force has 12 dedicated rural crime officers (fictional demo figure).",
        **candidate("Imogen Hartswood", "imogen.hartswood@example.org"),
    )
    # Due soon: sent yesterday.
    sent(
        1,
        "Fire cover",
        "How many on-call firefighters are there?",
        "There are 214 on-call firefighters (fictional demo figure).",
        **candidate("Tomasz Everleigh", "tomasz.everleigh@example.org"),
    )
    # Not for publication, signed off: a personal matter about a neighbour.
    neighbour = sent(
        3,
        "Neighbour dispute",
        "My neighbour at number 4 keeps parking across my drive. What can I do?",
        "We are sorry to hear this: please report obstruction to the police on 101.",
        requester_type="public",
        requester_name="Lee Harrow",
        requester_email="lee.harrow@example.org",
    )
    decision = services.propose_not_for_publication(
        neighbour,
        "third_party",
        "About a named neighbour; the advice is general and gives no information of ours.",
        spoc,
        now=now - timedelta(hours=5),
    )
    services.set_not_for_publication_status(
        decision.pk, "approved", by=ce, now=now - timedelta(hours=4)
    )
    # A proposal waiting for the Chief Executive.
    thanks = sent(
        2,
        "Thanks",
        "Thank you for the briefing pack.",
        "Thank you: we are glad it was useful.",
        **candidate("Callum Drayfield", "callum.drayfield@example.org"),
    )
    services.propose_not_for_publication(
        thanks,
        "no_information",
        "An acknowledgement of thanks: nothing was told.",
        spoc,
        now=now - timedelta(hours=1),
    )

    # The register with the action taken: the demo's refusal, published with its reason
    # category (Leicestershire Req 3). The referral to the PARO is left ready to publish.
    refused = Entry.objects.filter(election=election, status="refused").order_by("number").first()
    if refused is not None:
        public = services.prepare_action_entry(
            refused, spoc, reason="operational", now=now - timedelta(hours=3)
        )
        services.submit_for_approval(public.pk, spoc, now=now - timedelta(hours=2))
        services.approve_and_publish(
            public.pk, ce, factual_confirmed=True, now=now - timedelta(hours=1)
        )
