"""Meetings and visits held without the office, recorded afterwards (issue 13, item 3;
Cleveland 4.2, 7.4), and bookings that have stalled (item 7).

A recorded meeting becomes what a booked one ends as: a register entry started by the office
(done: passed to the booking) and a booking held, with its notes, so that the notes follow the
meeting-notes publication path (publishing.preparation.prepare_meeting_notes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm

from briefings import rules
from briefings.models import Booking, BookingStep, VisitType
from briefings.permissions import can_manage_bookings
from briefings.services import _note, _users_in
from candidates.models import Candidate
from election_protocol.models import Election
from election_protocol.permissions import role_names
from election_protocol.roles import Role
from election_protocol.services import save_with_history
from requests_register import outbox
from requests_register import rules as register_rules
from requests_register import services as register_services
from requests_register.queries import office_calendar

# Which service each role speaks for, when recording a meeting held without the office.
SERVICE_OF_ROLE = {
    Role.CHIEF_CONSTABLE.value: rules.Chief.CHIEF_CONSTABLE,
    Role.POLICE_LIAISON.value: rules.Chief.CHIEF_CONSTABLE,
    Role.CHIEF_FIRE_OFFICER.value: rules.Chief.CHIEF_FIRE_OFFICER,
    Role.FIRE_LIAISON.value: rules.Chief.CHIEF_FIRE_OFFICER,
}


def services_of(user) -> set[rules.Chief]:
    """Return the services (by their chief) `user` records meetings for."""
    return {SERVICE_OF_ROLE[name] for name in role_names(user) if name in SERVICE_OF_ROLE}


def can_record_held(user) -> bool:
    """Return True if `user` may record a meeting or visit already held: the SPOC, a chief or
    a liaison (permissions: the pages ask this)."""

    return bool(user.is_active) and (can_manage_bookings(user) or bool(services_of(user)))


@dataclass(frozen=True)
class HeldMeeting:
    candidate: Candidate
    kind: str
    held_at: datetime
    place: str
    host: str
    notes: str
    topics: str = ""  # what the candidate asked about
    visit_type: VisitType | None = None


@transaction.atomic
def record_held_meeting(
    election: Election, meeting: HeldMeeting, *, by, now: datetime | None = None
) -> Booking:
    """Record a meeting or visit already held without the office.

    Raises rules.BookingError (rules.check_held_record). Effects: a register entry started by
    the office (in person, the candidate as requester, passed to the booking); a booking held
    with its time, place, host and notes and a BookingStep; a decision note on the entry; the
    recorder may see the booking; the SPOC officers e-mailed to prepare the notes for
    publication (Cumbria 8.3).
    """

    now = now or timezone.now()
    kind = rules.Kind(meeting.kind)
    visit_chief = rules.Chief(meeting.visit_type.chief) if meeting.visit_type else None
    if kind == rules.Kind.VISIT and meeting.visit_type is None:
        raise rules.BookingError("Choose the premises visited.")
    if meeting.candidate.election_id != election.pk:
        raise rules.BookingError("That candidate stands in another election.")
    rules.check_held_record(
        kind,
        services=services_of(by),
        is_spoc=can_manage_bookings(by),
        visit_chief=visit_chief,
        held_at=meeting.held_at,
        now=now,
        notes=meeting.notes,
    )
    what = str(rules.KIND_LABELS[kind]) if kind != rules.Kind.VISIT else meeting.visit_type.name
    entry = register_services.log_entry(
        election=election,
        by=by,
        received_at=meeting.held_at,
        channel=register_rules.Channel.IN_PERSON,
        first_reached=(
            "fire"
            if rules.Chief.CHIEF_FIRE_OFFICER in {visit_chief, rules.chief_for(kind)}
            else "police"
            if rules.Chief.CHIEF_CONSTABLE in {visit_chief, rules.chief_for(kind)}
            else "opcc"
        ),
        redirected_at=meeting.held_at,
        kind=register_rules.Kind.VISIT if kind == rules.Kind.VISIT else register_rules.Kind.MEETING,
        topic=f"{what} (held, recorded afterwards)"[:100],
        question=meeting.topics.strip() or "Recorded after it was held; see the notes.",
        requester_type="candidate",
        candidate=meeting.candidate,
        party=meeting.candidate.party,
        requester_name=meeting.candidate.name,
        initiated_by_office=True,
        now=now,
    )
    booking = Booking(
        election=election,
        entry=entry,
        candidate=meeting.candidate,
        kind=kind,
        visit_type=meeting.visit_type if kind == rules.Kind.VISIT else None,
        chief=rules.chief_for(kind, visit_chief or rules.Chief.NONE),
        advance_questions=meeting.topics.strip(),
        status=rules.Status.HELD,
        starts_at=meeting.held_at,
        ends_at=meeting.held_at,
        place=meeting.place.strip(),
        host=meeting.host.strip(),
        notes=meeting.notes.strip(),
        created_by=by,
        created_at=now,
    )
    save_with_history(booking, by=by, at=now)
    reason = "Held without the office; recorded afterwards (Cleveland 4.2, 7.4)."
    BookingStep.objects.create(
        booking=booking, new_status=rules.Status.HELD, at=now, by=by, reason=reason
    )
    register_services.set_entry_status(
        entry.pk, register_rules.Status.BOOKED, by=by, reason=reason, now=now
    )
    _note(entry, f"{what}: {reason} Its notes are to be prepared for publication.", by, now)
    assign_perm("briefings.view_booking", by, booking)
    to = [u.email for u in _users_in(Role.SPOC) if u.email]
    if to:
        outbox.queue_templated_email(
            key="meeting_recorded",
            context={
                "reference": entry.reference,
                "what": what,
                "candidate": meeting.candidate.name,
                "by": by.get_full_name() or by.get_username(),
            },
            purpose="booking_notice",
            to=to,
            entry=entry,
            by=by,
            now=now,
        )
    return booking


# A booking waiting on someone for longer than this many office working days is flagged.
STALL_WORKING_DAYS = 2
WAITING = (rules.Status.PREPARED, rules.Status.APPROVED, rules.Status.CONFIRMED)


def stalled_bookings(election: Election, today: date, bookings=None) -> list[Booking]:
    """Return the bookings (of `bookings`, default all of the election's) waiting for a
    decision, a chief's confirmation or scheduling since more than STALL_WORKING_DAYS office
    working days before `today`, oldest first; each with `.waiting_since` (its last step)."""
    cutoff = office_calendar(election).back(today, STALL_WORKING_DAYS)
    bookings = Booking.objects.all() if bookings is None else bookings
    rows = []
    for booking in (
        bookings.filter(election=election, status__in=[s.value for s in WAITING])
        .select_related("candidate", "entry", "visit_type")
        .prefetch_related("steps")
    ):
        last = max((s.at for s in booking.steps.all()), default=booking.created_at)
        if timezone.localdate(last) < cutoff:
            booking.waiting_since = last
            rows.append(booking)
    return sorted(rows, key=lambda b: b.waiting_since)
