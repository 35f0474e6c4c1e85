"""Fictional organised meetings for the demo: a pending approval for each chief, a declined
visit, a held meeting with notes, a briefing event with advance questions, and the equal offer.
Called by election_protocol.demo after the register demo."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from briefings import event_changes, materials, services
from briefings.models import BriefingEvent, BriefingMaterial, OfferItem, VisitType
from candidates.models import Candidate
from election_protocol import calendar
from election_protocol.models import Election
from requests_register import services as register
from requests_register.services import IncomingFile


def seed_briefings(election: Election, users: dict, now: datetime) -> None:
    spoc, ce = users["spoc"], users["chief-executive"]
    cc, cfo = users["chief-constable"], users["chief-fire-officer"]
    today = now.astimezone(calendar.LONDON).date()
    cal = calendar.WorkingDays.for_election_timetable()

    def at(days_back: int, hour: int) -> datetime:
        return datetime.combine(cal.back(today, days_back), time(hour), calendar.LONDON)

    people = {c.name: c for c in Candidate.objects.filter(election=election)}
    visit = {v.name: v for v in VisitType.objects.all()}
    plan = BriefingMaterial.objects.filter(
        election=election, published=True, topic="Police and crime plan"
    ).first()

    # The equal offer (Avon and Somerset 8.1.2), made to the declared candidates.
    for position, (title, kind, premises) in enumerate(
        [
            ("One-to-one with the Chief Executive and the finance officer", "meeting_ce", None),
            ("One-to-one with the Chief Constable", "meeting_cc", None),
            ("Ride-along, urban", "visit", "Ride-along with a police patrol"),
            ("Ride-along, rural", "visit", "Ride-along with a police patrol"),
            ("Custody suite tour", "visit", "Custody suite"),
            ("Communications (control room) tour", "visit", "Force control room"),
        ]
    ):
        OfferItem.objects.create(
            election=election,
            title=title,
            kind=kind,
            position=position,
            visit_type=visit.get(premises),
        )
    for candidate in services.declared_candidates(election):
        services.offer_to_candidate(candidate, by=spoc, now=at(6, 9))
    offer_cc = OfferItem.objects.get(election=election, kind="meeting_cc")
    offer_custody = OfferItem.objects.get(election=election, title="Custody suite tour")

    def request(name: str, kind: str, topic: str, question: str, days_back: int):
        candidate = people[name]
        return register.log_entry(
            election=election,
            by=spoc,
            received_at=at(days_back, 9),
            channel="email",
            kind=kind,
            topic=topic,
            question=question,
            requester_type="candidate",
            candidate=candidate,
            requester_name=candidate.name,
            requester_email=candidate.emails[0],
            now=at(days_back, 9) + timedelta(minutes=5),
        )

    def step(booking, status, by, days_back, hour=12, **kwargs):
        return services.set_booking_status(
            booking.pk, status, by=by, now=at(days_back, hour), **kwargs
        )

    # Awaiting the Chief Constable: a 1:1 from the equal offer, approved by the Chief Executive.
    e = request(
        "Imogen Hartswood",
        "meeting",
        "Meeting with the Chief Constable",
        "I would like to meet the Chief Constable to discuss rural crime.",
        4,
    )
    b = services.prepare_booking(
        e,
        by=spoc,
        kind="meeting_cc",
        offer_item=offer_cc,
        advance_questions="How are rural patrols planned? What is the "
        "rural crime trend since 2022?",
        checked_materials=[plan] if plan else [],
        material_check_note="The plan sets targets but not patrol plans.",
        now=at(4, 11),
    )
    step(b, "approved", ce, 3)

    # Awaiting the Chief Fire Officer: a fire station visit (not part of the offer).
    e = request(
        "Tomasz Everleigh",
        "visit",
        "Visit to a fire station",
        "Could I visit Northtown fire station to see the new appliances?",
        3,
    )
    b = services.prepare_booking(
        e,
        by=spoc,
        kind="visit",
        visit_type=visit["Fire station"],
        advance_questions="",
        now=at(3, 11),
    )
    step(
        b,
        "approved",
        ce,
        2,
        parity_acknowledged=True,
        reason="Fire station visits will be offered to every declared candidate.",
    )

    # Awaiting the Chief Executive.
    e = request(
        "Priya Castellane",
        "meeting",
        "Meeting with the Chief Executive",
        "Could I meet the Chief Executive about the commissioner's budget?",
        2,
    )
    services.prepare_booking(
        e,
        by=spoc,
        kind="meeting_ce",
        advance_questions="How is the budget set? What reserves are held?",
        material_check_note="The budget paper gives totals only.",
        now=at(2, 11),
    )

    # A declined visit, with its decline letter.
    e = request(
        "Rowan Pettifer",
        "visit",
        "Custody visit with a film crew",
        "I would like to visit the custody suite with a film crew next week.",
        5,
    )
    b = services.prepare_booking(
        e,
        by=spoc,
        kind="visit",
        visit_type=visit["Custody suite"],
        offer_item=offer_custody,
        advance_questions="",
        now=at(5, 11),
    )
    step(
        b,
        "declined",
        ce,
        4,
        reason="Staff may not be filmed with candidates in the pre-election "
        "period (Cumbria 9.1). A custody tour without filming is offered to every candidate.",
    )

    # A held meeting, with its notes.
    e = request(
        "Priya Castellane",
        "meeting",
        "Meeting with the Chief Constable",
        "I would like to meet the Chief Constable about neighbourhood policing.",
        9,
    )
    b = services.prepare_booking(
        e,
        by=spoc,
        kind="meeting_cc",
        offer_item=offer_cc,
        advance_questions="How many neighbourhood officers are there?",
        material_check_note="Not in published material.",
        now=at(9, 11),
    )
    step(b, "approved", ce, 8)
    step(b, "confirmed", cc, 8, hour=15)
    start = at(7, 10)
    services.set_booking_status(
        b.pk,
        "scheduled",
        by=spoc,
        now=at(8, 16),
        schedule=services.Schedule(
            start,
            start + timedelta(hours=1),
            "Police headquarters, Northtown",
            "The Chief Constable",
        ),
    )
    step(
        b,
        "held",
        spoc,
        6,
        notes="The Chief Constable explained that there are 212 "
        "neighbourhood officers (fictional demo figure) and how they are deployed. No "
        "information was given that is not publicly available.",
    )

    # A briefing event, invited, with advance questions linked.
    start = datetime.combine(cal.add(today, 3), time(18), calendar.LONDON)
    event = BriefingEvent.objects.create(
        election=election,
        title="Policing and fire in Northshire: a factual briefing",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="County Hall, Northtown",
        audience=BriefingEvent.Audience.DECLARED,
        capacity=20,
        created_by=spoc,
    )
    services.invite_to_event(event.pk, by=spoc, now=at(2, 10))
    for name, question in [
        ("Imogen Hartswood", "Please cover the fire service's response standards."),
        ("Rowan Pettifer", "Please explain how the police budget is split between districts."),
    ]:
        e = request(name, "information", "Briefing question", question, 1)
        services.link_question(event.pk, e)
    del cfo  # the Chief Fire Officer's pending confirmation is the fire station visit above
    seed_changes(election, users, now, at, cal, today)


def seed_changes(election: Election, users: dict, now: datetime, at, cal, today) -> None:
    """Issue 13: an event moved after the invitations and one cancelled (both on the public
    page with their notes), a PDF approved by the Chief Executive with the factual check, and
    a link awaiting approval."""

    spoc, ce = users["spoc"], users["chief-executive"]
    start = datetime.combine(cal.add(today, 5), time(10), calendar.LONDON)
    moved = BriefingEvent.objects.create(
        election=election,
        title="Fire and rescue service: a factual briefing",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        place="Fire Headquarters, Northtown",
        audience=BriefingEvent.Audience.ALL,
        created_by=spoc,
    )
    services.invite_to_event(moved.pk, by=spoc, now=at(3, 10))
    later = start + timedelta(days=1)
    event_changes.edit_event(
        moved.pk,
        event_changes.EventDetails(
            moved.title, later, later + timedelta(hours=1), "Northtown Fire Station", "all", 15
        ),
        note="Moved a day later, to Northtown Fire Station, for a larger room.",
        by=spoc,
        now=at(1, 9),
    )
    start = datetime.combine(cal.add(today, 7), time(14), calendar.LONDON)
    cancelled = BriefingEvent.objects.create(
        election=election,
        title="Custody and detention: a factual briefing",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        place="Northtown Police Station",
        created_by=spoc,
    )
    services.invite_to_event(cancelled.pk, by=spoc, now=at(3, 11))
    event_changes.cancel_event(
        cancelled.pk,
        reason="Cancelled: the custody suite tour in the equal offer covers the same ground.",
        by=spoc,
        now=at(1, 10),
    )

    from weasyprint import HTML  # lazy: WeasyPrint is slow to import, only this seed needs it

    pdf = HTML(
        string="<html lang='en'><title>Police budget 2024/25</title><h1>Police budget "
        "2024/25</h1><p>Fictional demo figures: the police budget is set by the commissioner "
        "and scrutinised by the police and crime panel.</p></html>"
    ).write_pdf()
    budget = materials.save_material(
        election,
        title="Police budget 2024/25 (summary)",
        topic="Budget",
        summary="How the police budget is set, with the year's figures.",
        file=IncomingFile("police-budget-2024-25.pdf", "application/pdf", pdf),
        by=spoc,
        now=at(2, 9),
    )
    materials.approve_material(
        budget.pk,
        factual_check="Figures checked against the published budget by the finance officer; "
        "nothing promotes the office.",
        by=ce,
        now=at(2, 11),
    )
    materials.save_material(
        election,
        title="Fire and rescue response standards",
        topic="Fire",
        summary="The response standards the service reports against.",
        url="https://fire.example.org/response-standards",
        by=spoc,
        now=now,
    )
