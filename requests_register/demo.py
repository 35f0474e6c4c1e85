"""Fictional register entries for the demo: every state, overdue ones, an FOI request and a
phone request awaiting written confirmation. Called by election_protocol.demo."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from briefings.models import BriefingMaterial
from candidates.models import Candidate
from election_protocol import calendar
from election_protocol.models import Election
from requests_register import rules, services
from requests_register.models import Entry

S = rules.Status


def _at(day, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), calendar.LONDON)


def seed_register(election: Election, users: dict, now: datetime) -> None:
    """Create the demo entries through the services, so each has its full story."""
    spoc, ce, liaison = users["spoc"], users["chief-executive"], users["police-liaison"]
    today = now.astimezone(calendar.LONDON).date()
    cal = calendar.WorkingDays.for_election_timetable()
    days_ago = lambda n: cal.back(today, n)  # noqa: E731 - a working day n working days back
    people = {c.name: c for c in Candidate.objects.filter(election=election)}

    material = BriefingMaterial.objects.create(
        election=election,
        title="The police and crime plan 2025 to 2029",
        topic="Police and crime plan",
        url="https://northshire-opfcc.example.org/election/police-and-crime-plan",
        summary="The commissioner's priorities and how progress is measured.",
        published=True,
    )
    BriefingMaterial.objects.create(
        election=election,
        title="The fire and rescue service budget",
        topic="Budget",
        url="https://northshire-opfcc.example.org/election/fire-budget",
        published=True,
    )

    def log(
        n_days_ago: int,
        name: str,
        kind: str,
        topic: str,
        question: str,
        *,
        channel="email",
        requester_type="candidate",
        candidate=None,
        email="",
        phone="",
        first_reached="opcc",
    ):
        received = _at(days_ago(n_days_ago), 9 + n_days_ago % 7)
        return services.log_entry(
            election=election,
            by=spoc if first_reached == "opcc" else liaison,
            received_at=received,
            channel=channel,
            kind=kind,
            topic=topic,
            question=question,
            requester_type=requester_type,
            candidate=people.get(candidate),
            requester_name=name,
            requester_email=email,
            requester_phone=phone,
            first_reached=first_reached,
            redirected_at=received + timedelta(hours=2) if first_reached != "opcc" else None,
            acknowledge=channel in ("email", "letter", "web_form") and bool(email),
            now=received + timedelta(minutes=5),
        )

    def step(entry: Entry, status, by=spoc, n_days_ago: int = 0, **kwargs) -> Entry:
        return services.set_entry_status(
            entry.pk, status, by=by, now=min(now, _at(days_ago(n_days_ago), 17)), **kwargs
        )

    def drafted(entry: Entry, n_days_ago: int, answer: str) -> None:
        """Take `entry` in hand `n_days_ago` and draft its answer the next day."""
        step(entry, S.IN_PROGRESS, n_days_ago=n_days_ago)
        services.draft_answer(
            entry.pk, answer=answer, by=spoc, now=_at(days_ago(n_days_ago - 1), 11)
        )

    # A phone request awaiting written confirmation (Cumbria 6.1.2).
    e = log(
        1,
        "Priya Castellane",
        "information",
        "Neighbourhood policing",
        "How many PCSOs are there in Northtown today, and how many were there in 2022?",
        channel="phone",
        candidate="Priya Castellane",
        email="priya.castellane@example.org",
        phone="07700 900211",
    )
    step(e, S.AWAITING_CONFIRMATION, n_days_ago=1)

    # Assigned to the police liaison, contribution awaited.
    e = log(
        3,
        "Sam Quillfeather",
        "information",
        "Response times",
        "What were the average emergency response times in the rural areas last year?",
        requester_type="agent",
        candidate="Rowan Pettifer",
        email="agent.pettifer@example.org",
    )
    step(e, S.IN_PROGRESS, n_days_ago=3)
    services.assign_entry(
        e.pk,
        assignee=liaison,
        by=spoc,
        request="Average rural response times, 2025.",
        now=_at(days_ago(2), 10),
    )

    # An FOI request from a member of the public: 20 working days (FOIA s.10).
    e = log(
        4,
        "Alex Mercer",
        "foi",
        "Officer numbers",
        "Under the Freedom of Information Act, please tell me the number of police officers in "
        "each district on 1 April this year.",
        requester_type="public",
        email="alex.mercer@example.org",
    )
    step(e, S.IN_PROGRESS, n_days_ago=4)

    # Drafted, awaiting the Chief Executive's approval.
    e = log(
        5,
        "Tomasz Everleigh",
        "information",
        "Budget",
        "What is the fire service's capital budget for new appliances?",
        candidate="Tomasz Everleigh",
        email="tomasz.everleigh@example.org",
    )
    drafted(
        e,
        5,
        "The capital budget for new appliances is £2.4 million "
        "over the next two years (fictional demo figure).",
    )

    # Approved, ready to send.
    e = log(
        6,
        "Imogen Hartswood",
        "information",
        "Custody",
        "How many custody suites does the force run?",
        candidate="Imogen Hartswood",
        email="imogen.hartswood@example.org",
    )
    drafted(e, 6, "The force runs three custody suites (fictional demo figure).")
    step(e, S.APPROVED, by=ce, n_days_ago=4, may_approve=True)

    # Sent, and a duplicate of it; then closed.
    original = log(
        9,
        "Priya Castellane",
        "information",
        "Police and crime plan",
        "What are the targets in the police and crime plan for burglary?",
        candidate="Priya Castellane",
        email="priya.castellane@example.org",
    )
    drafted(original, 9, "The plan aims to reduce burglary by 10% by 2029 (fictional demo figure).")
    step(original, S.APPROVED, by=ce, n_days_ago=8, may_approve=True)
    step(original, S.SENT, n_days_ago=8)
    dup = log(
        7,
        "Jordan Pike",
        "information",
        "Police and crime plan",
        "Does the police and crime plan have a burglary target?",
        requester_type="public",
        email="jordan.pike@example.org",
    )
    step(
        dup,
        S.DUPLICATE,
        n_days_ago=7,
        duplicate_of=original,
        reason="Same question as an earlier request.",
    )

    e = log(
        12,
        "Rowan Pettifer",
        "information",
        "Road safety",
        "How many speed cameras are operating in the county?",
        candidate="Rowan Pettifer",
        email="rowan.pettifer@example.org",
    )
    drafted(e, 12, "There are 41 fixed speed cameras (fictional demo figure).")
    step(e, S.APPROVED, by=ce, n_days_ago=10, may_approve=True)
    step(e, S.SENT, n_days_ago=10)
    step(e, S.CLOSED, n_days_ago=9)

    # Other endings.
    e = log(
        8,
        "Casey Whitlow",
        "electoral_process",
        "Polling stations",
        "Where are the polling stations in Easthaven?",
        requester_type="public",
        email="casey.whitlow@example.org",
    )
    step(
        e,
        S.REFERRED_TO_PARO,
        by=ce,
        may_approve=True,
        n_days_ago=8,
        reason="Polling stations are for the returning officer.",
    )
    e = log(
        10,
        "Callum Drayfield",
        "information",
        "Police and crime plan",
        "What are the commissioner's priorities?",
        candidate="Callum Drayfield",
        email="callum.drayfield@example.org",
    )
    step(
        e,
        S.ANSWERED_BY_MATERIAL,
        by=ce,
        may_approve=True,
        n_days_ago=9,
        material=material,
        reason="Covered by the published police and crime plan (Cumbria 8.1).",
    )
    e = log(
        6,
        "Rowan Pettifer",
        "information",
        "Investigations",
        "Please send me the files on the investigation into the Eastgate burglaries.",
        candidate="Rowan Pettifer",
        email="rowan.pettifer@example.org",
    )
    step(
        e,
        S.REFUSED,
        by=ce,
        may_approve=True,
        n_days_ago=5,
        reason="Candidates are members of the public and are not "
        "entitled to confidential information (Cumbria 3.3.5).",
    )
    e = log(
        5,
        "Dana Ellery",
        "general",
        "Office hours",
        "What are your opening hours?",
        requester_type="public",
        email="dana.ellery@example.org",
    )
    step(e, S.WITHDRAWN, n_days_ago=4, reason="The requester found the answer on the website.")

    # A meeting and a visit request, logged first (Cumbria 8.6); a request that reached the
    # police first; and overdue entries.
    log(
        2,
        "Imogen Hartswood",
        "meeting",
        "Meeting with the Chief Constable",
        "May I meet the Chief Constable to discuss rural crime?",
        candidate="Imogen Hartswood",
        email="imogen.hartswood@example.org",
    )
    log(
        2,
        "Tomasz Everleigh",
        "visit",
        "Visit to the control room",
        "Could I visit the force control room?",
        candidate="Tomasz Everleigh",
        email="tomasz.everleigh@example.org",
        channel="letter",
    )
    log(
        1,
        "Morgan Tull",
        "information",
        "Fire station closures",
        "Are any fire stations due to close?",
        requester_type="public",
        email="morgan.tull@example.org",
        first_reached="police",
    )
    e = log(
        election.routine_target_working_days + 4,
        "Priya Castellane",
        "information",
        "Knife crime",
        "How many knife crime offences were recorded last year?",
        candidate="Priya Castellane",
        email="priya.castellane@example.org",
    )
    step(e, S.IN_PROGRESS, n_days_ago=election.routine_target_working_days + 3)
    log(
        election.routine_target_working_days + 6,
        "Lee Harrow",
        "general",
        "Complaint",
        "I wrote about a noisy neighbour and have not heard back.",
        channel="letter",
        requester_type="public",
        email="lee.harrow@example.org",
    )
