"""Fictional elections beside the demo's current one (issue 15): the office's previous
election, closed down after its poll (read-only, with its archived public page), and a
mayoral by-election in a neighbouring area running at the same time, with its own timetable,
register references and candidates. Called by election_protocol.demo after everything else.
Every name, address and number is invented (example.org, 07700 900xxx)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from candidates import rules as candidate_rules
from candidates.services import create_candidate, set_candidate_status
from election_protocol import calendar
from election_protocol.models import Election, Office
from lifecycle import services
from protocol.demo import seed_protocol
from publishing import services as publishing_services
from publishing.preparation import prepare_public_entry
from publishing.site import publish_site
from requests_register import rules as register_rules
from requests_register import services as register_services

S = register_rules.Status


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), calendar.LONDON)


def _first_thursday_of_may(year: int) -> date:
    day = date(year, 5, 1)
    return day + timedelta(days=(3 - day.weekday()) % 7)


def past_poll(current: Election) -> date:
    """Return the previous ordinary PCC poll before the current election's (every four years
    from 2012, on the first Thursday in May)."""
    year = current.poll_date.year - 1
    while (year - 2012) % 4:
        year -= 1
    return _first_thursday_of_may(year)


def _prefix(stem: str, poll: date) -> str:
    short = f"{stem}{poll:%y}"
    return (
        short
        if not Election.objects.filter(reference_prefix=short).exists()
        else f"{stem}{poll:%y%m%d}"
    )


def seed_lifecycle(current: Election, users: dict, now: datetime) -> dict[str, Election]:
    """Create the past election (closed down) and the by-election, once each."""
    return {
        "past": _past_election(current, users),
        "by_election": _by_election(current, users, now),
    }


def _past_election(current: Election, users: dict) -> Election:
    poll = past_poll(current)
    existing = Election.objects.filter(area=current.area, poll_date=poll).first()
    if existing:
        return existing
    spoc, ce = users["spoc"], users["chief-executive"]
    tt = calendar.statutory_timetable(poll)
    election = Election.objects.create(
        area=current.area,
        office=current.office,
        office_name=current.office_name,
        reference_prefix=_prefix("NS", poll),
        poll_date=poll,
        notice_published=calendar.WorkingDays.for_election_timetable().back(
            tt.notice_of_election, 2
        ),
        police_force_name=current.police_force_name,
        fire_service_name=current.fire_service_name,
        paro_name=current.paro_name,
        paro_email=current.paro_email,
        paro_phone=current.paro_phone,
        spoc_name=current.spoc_name,
        spoc_email=current.spoc_email,
        spoc_phone=current.spoc_phone,
        # Kept until two years after the current poll (fictional office policy), so the demo
        # shows its retention clock running rather than already erased.
        retention_months=min(
            120,
            (current.poll_date.year - poll.year) * 12 + current.poll_date.month - poll.month + 24,
        ),
    )
    seed_protocol(election, users, tt.poll_opens, read_by=list(users))
    announced = _at(election.notice_published, 9) - timedelta(days=20)
    on_sopn = tt.close_of_nominations + timedelta(hours=18)
    people = [
        ("Morwenna Achterberg", "morwenna.achterberg@example.org"),
        ("Declan Fairweather", "declan.fairweather@example.org"),
        ("Anwen Talisker", "anwen.talisker@example.org"),
    ]
    made = []
    for name, email in people:
        candidate = create_candidate(
            election=election,
            by=spoc,
            at=announced,
            note="Announced (demo).",
            name=name,
            emails=[email],
        )
        set_candidate_status(
            candidate.pk,
            candidate_rules.Status.DECLARED,
            by=spoc,
            at=on_sopn,
            note="On the statement of persons nominated.",
        )
        made.append(candidate)
    after_count = tt.poll_closes + timedelta(hours=6)
    set_candidate_status(
        made[0].pk,
        candidate_rules.Status.ELECTED,
        by=spoc,
        at=after_count,
        note="Declared elected at the count.",
    )
    for candidate in made[1:]:
        set_candidate_status(
            candidate.pk,
            candidate_rules.Status.NOT_ELECTED,
            by=spoc,
            at=after_count,
            note="Result declared at the count.",
        )

    asked = on_sopn + timedelta(days=2)
    answered = register_services.log_entry(
        election=election,
        by=spoc,
        received_at=asked,
        channel="email",
        kind="information",
        topic="Victim services",
        question="How much did the office spend on victim services last year?",
        requester_type="candidate",
        candidate=made[1],
        requester_name=people[1][0],
        requester_email=people[1][1],
        now=asked + timedelta(minutes=5),
    )
    register_services.set_entry_status(
        answered.pk, S.IN_PROGRESS, by=spoc, now=asked + timedelta(hours=1)
    )
    register_services.draft_answer(
        answered.pk,
        answer="The office spent 2.1 million pounds on victim services (fictional demo figure).",
        by=spoc,
        now=asked + timedelta(days=1),
    )
    register_services.set_entry_status(
        answered.pk, S.APPROVED, by=ce, may_approve=True, now=asked + timedelta(days=1, hours=2)
    )
    register_services.set_entry_status(
        answered.pk, S.SENT, by=spoc, now=asked + timedelta(days=1, hours=3)
    )
    withdrawn = register_services.log_entry(
        election=election,
        by=spoc,
        received_at=asked + timedelta(days=3),
        channel="email",
        kind="meeting",
        topic="Meeting with the Chief Constable",
        question="Could I meet the Chief Constable before the poll?",
        requester_type="candidate",
        candidate=made[2],
        requester_name=people[2][0],
        requester_email=people[2][1],
        now=asked + timedelta(days=3, minutes=5),
    )
    register_services.set_entry_status(
        withdrawn.pk,
        S.WITHDRAWN,
        by=spoc,
        reason="The candidate withdrew the request by e-mail.",
        now=asked + timedelta(days=4),
    )
    answered.refresh_from_db()
    public = prepare_public_entry(answered, spoc, now=asked + timedelta(days=2))
    publishing_services.submit_for_approval(public.pk, spoc, now=asked + timedelta(days=2, hours=1))
    publishing_services.approve_and_publish(
        public.pk, ce, factual_confirmed=True, now=asked + timedelta(days=2, hours=2)
    )
    # Closed down three days after the poll: frozen, archived, reported, retention started.
    services.close_down(election.pk, by=ce, now=_at(poll + timedelta(days=3), 10))
    return election


def _by_election(current: Election, users: dict, now: datetime) -> Election:
    existing = Election.objects.filter(area="Westvale", office=Office.MAYOR).first()
    if existing:
        return existing
    poll = current.poll_date + timedelta(days=21)
    while True:
        try:
            calendar.statutory_timetable(poll)
            break
        except ValueError:
            poll += timedelta(days=7)
    election = Election.objects.create(
        area="Westvale",
        office=Office.MAYOR,
        by_election=True,
        office_name="Office of the Mayor of Westvale: police and crime functions",
        reference_prefix=_prefix("WV", poll),
        poll_date=poll,
        police_force_name="Westvale Police",
        paro_name="Westvale Combined Authority, Returning Officer",
        paro_email="returning.officer@westvale.example.org",
        paro_phone="07700 900151",
        spoc_name="Election SPOC, Westvale mayoral office",
        spoc_email="election.spoc@westvale.example.org",
        spoc_phone="07700 900152",
    )
    spoc = users["spoc"]
    announced = now - timedelta(days=3)
    for name, email in (
        ("Oluwaseun Brackley", "oluwaseun.brackley@example.org"),
        ("Harriet Penhaligon", "harriet.penhaligon@example.org"),
    ):
        create_candidate(
            election=election,
            by=spoc,
            at=announced,
            note="Announced (demo).",
            name=name,
            emails=[email],
        )
    asked = now - timedelta(days=1)
    entry = register_services.log_entry(
        election=election,
        by=spoc,
        received_at=asked,
        channel="email",
        kind="electoral_process",
        topic="Nominations",
        question="When do nominations close for the mayoral by-election?",
        requester_type="public",
        requester_name="Jo Fenwick",
        requester_email="jo.fenwick@example.org",
        now=asked,
    )
    # Answered, approved by the Chief Executive and published on the by-election's own public
    # page (/election/<prefix>/), beside the current election's at /election/.
    closes = election.timetable.close_of_nominations
    register_services.set_entry_status(
        entry.pk, S.IN_PROGRESS, by=spoc, now=asked + timedelta(minutes=30)
    )
    register_services.draft_answer(
        entry.pk,
        answer=(
            "Nominations for the Westvale mayoral by-election close at 4pm on "
            f"{closes:%A %-d %B %Y}. The Returning Officer publishes the statement of persons "
            "nominated the next working day."
        ),
        by=spoc,
        now=asked + timedelta(hours=1),
    )
    register_services.set_entry_status(
        entry.pk,
        S.APPROVED,
        by=users["chief-executive"],
        may_approve=True,
        now=asked + timedelta(hours=2),
    )
    register_services.set_entry_status(entry.pk, S.SENT, by=spoc, now=asked + timedelta(hours=3))
    entry.refresh_from_db()
    public = prepare_public_entry(entry, spoc, now=asked + timedelta(hours=4))
    publishing_services.submit_for_approval(public.pk, spoc, now=asked + timedelta(hours=5))
    publishing_services.approve_and_publish(
        public.pk,
        users["chief-executive"],
        factual_confirmed=True,
        now=asked + timedelta(hours=6),
    )
    publish_site(election, now=now)
    return election
