"""Fictional FOI requests for the demo (called by election_protocol.demo after the register):
one whose clock stopped for a clarification and was then extended for the public interest
test, with the dates explained; one the police force disclosed under its own Act duty and
copied to the SPOC, ready to be prepared for publication."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from election_protocol import calendar
from election_protocol.models import Election
from foi import services
from requests_register import rules as register_rules
from requests_register import services as register

CLARIFIED_TOPIC = "Overtime spending"
DISCLOSED_TOPIC = "Stop and search figures"
# A tiny but real PDF: the copy of the force's disclosure letter.
COPY_PDF = b"%PDF-1.4\n% Demo: Northshire Police FOI disclosure NP-FOI-2026-0412 (fictional)\n"


def _at(day, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), calendar.LONDON)


def seed_foi(election: Election, users: dict, now: datetime) -> None:
    """Create the demo FOI requests through the services, so each has its full story."""
    spoc = users["spoc"]
    today = now.astimezone(calendar.LONDON).date()
    foi_days = calendar.WorkingDays.for_foi()

    def log(n_days_ago: int, name: str, topic: str, question: str, email: str, reached="opcc"):
        received = _at(foi_days.back(today, n_days_ago), 9)
        entry = register.log_entry(
            election=election,
            by=spoc,
            received_at=received,
            channel="email",
            kind="foi",
            topic=topic,
            question=question,
            requester_type="public",
            requester_name=name,
            requester_email=email,
            first_reached=reached,
            redirected_at=received + timedelta(hours=2) if reached != "opcc" else None,
            acknowledge=True,
            now=received + timedelta(minutes=5),
        )
        register.set_entry_status(
            entry.pk, register_rules.Status.IN_PROGRESS, by=spoc, now=received + timedelta(hours=3)
        )
        return entry

    # Clarification asked on day 2, answered on day 5 (across a weekend in most weeks), then
    # extended today for the public interest test: every date explained on its page.
    e = log(
        9,
        "Jordan Ashdown",
        CLARIFIED_TOPIC,
        "Under the Freedom of Information Act, please send me the overtime spending on the "
        "commissioner's events.",
        "jordan.ashdown@example.org",
    )
    asked = foi_days.back(today, 7)
    answered = foi_days.back(today, 4)
    services.ask_clarification(
        e.pk,
        question="Which events do you mean, and for which financial year? We hold overtime by "
        "police operation, not by event.",
        by=spoc,
        today=asked,
        now=_at(asked, 11),
    )
    services.record_clarification(
        e.pk,
        answered_on=answered,
        answer="Policing of the commissioner's public meetings in the 2025/26 financial year.",
        by=spoc,
        now=_at(answered, 14),
    )
    clock = services.clock_for(services.open_case(e.pk, by=spoc, now=min(now, _at(today, 9))))
    services.extend_for_public_interest(
        e.pk,
        new_date=foi_days.add(clock.statutory.due, 10),
        exemptions=["31", "43"],
        reason="Some of the figures relate to operations and to contracts with suppliers: we "
        "are weighing the public interest in disclosing them.",
        by=spoc,
        now=min(now, _at(today, 9)),
    )

    # Made to the force, redirected to the SPOC; the force disclosed under its own Act duty.
    e = log(
        12,
        "Morgan Tillerson",
        DISCLOSED_TOPIC,
        "Please provide the number of stop and search encounters in each district in 2025.",
        "morgan.tillerson@example.org",
        reached="police",
    )
    disclosed_on = foi_days.back(today, 1)
    services.record_disclosure_elsewhere(
        e.pk,
        their_reference="NP-FOI-2026-0412",
        disclosed_on=disclosed_on,
        text="Stop and search encounters in 2025: Northtown 412, Eastvale 198, Westmoor 143.",
        copy=register.IncomingFile("np-foi-2026-0412.pdf", "application/pdf", COPY_PDF),
        by=spoc,
        now=_at(disclosed_on, 15),
    )
