"""Every write to bookings (meetings with the chiefs and visits) through their one funnel, and
the staff calendar feed's key. E-mail and letters go through the register's outbox (recorded
first, sent after commit); each step is noted on the booking's register entry, the single
record (Cumbria 6.1.2). The equal offer's funnels are in offers.py, briefing events' in
events.py (issue 17, item 11: one module a seam); their public names are importable from here
as before.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm

from briefings import letter_queue, permissions, rules
from briefings.events import (  # re-exported: callers import the event funnels from here
    ConcurrentEditError,
    eligible_for,
    invite_to_event,
    link_question,
    record_attendance,
    record_event_notes,
)
from briefings.models import (
    Booking,
    BookingStep,
    BriefingMaterial,
    CalendarFeedKey,
    CandidateOffer,
    OfferItem,
    VisitType,
)
from briefings.offers import (  # re-exported: callers import the offer funnels from here
    candidate_and_agent,
    declared_candidates,
    mark_offer,
    offer_candidates,
    offer_to_candidate,
    set_offer_state,
)
from election_protocol.models import UndeclaredTreatment
from election_protocol.permissions import role_names
from election_protocol.roles import Role
from election_protocol.services import save_with_history
from requests_register import outbox
from requests_register import rules as register_rules
from requests_register import services as register_services
from requests_register.models import Entry, Note

__all__ = [
    "CHIEF_ROLES",
    "ConcurrentEditError",
    "Schedule",
    "actors_for",
    "booking_parity_gap",
    "calendar_feed_key",
    "candidate_and_agent",
    "declared_candidates",
    "eligible_for",
    "invite_to_event",
    "link_question",
    "mark_offer",
    "offer_candidates",
    "offer_to_candidate",
    "prepare_booking",
    "record_attendance",
    "record_event_notes",
    "reset_calendar_feed",
    "set_booking_status",
    "set_offer_state",
]

CHIEF_ROLES = {
    rules.Chief.CHIEF_CONSTABLE: Role.CHIEF_CONSTABLE,
    rules.Chief.CHIEF_FIRE_OFFICER: Role.CHIEF_FIRE_OFFICER,
}


def _users_in(role: Role):
    return get_user_model().objects.filter(is_active=True, groups__name=role.value)


def _notify(role: Role, key: str, booking: Booking, *, by, now: datetime) -> None:
    """E-mail everyone in `role` the template `key` about `booking` (no requester details:
    the reference, what, the candidate's name and the decision's reason only)."""
    to = [u.email for u in _users_in(role) if u.email]
    if to:
        outbox.queue_templated_email(
            key=key,
            context={
                "reference": booking.entry.reference,
                "what": booking.what,
                "candidate": booking.candidate.name,
                "reason": booking.decision_reason,
            },
            purpose="booking_notice",
            to=to,
            entry=booking.entry,
            election=booking.election,
            by=by,
            now=now,
        )


def _note(entry: Entry, text: str, by, now: datetime) -> None:
    register_services.add_note(entry.pk, kind=Note.Kind.DECISION, body=text, by=by, now=now)


def booking_parity_gap(booking: Booking) -> set[int]:
    """Return the candidates not offered what this booking gives (Norfolk 19): the declared,
    and the prospective where the election counts them as candidates (Norfolk 6).

    For an item of the equal offer: those it was not offered to. For anything else: every
    other such candidate, since nobody else was offered it.
    """
    declared = set(offer_candidates(booking.election).values_list("pk", flat=True))
    if booking.offer_item_id:
        offered = CandidateOffer.objects.filter(item_id=booking.offer_item_id).values_list(
            "candidate_id", flat=True
        )
        return rules.parity_gap(declared, offered)
    return rules.parity_gap(declared, {booking.candidate_id})


@transaction.atomic
def prepare_booking(
    entry: Entry,
    *,
    by,
    kind: str,
    advance_questions: str,
    checked_materials: Iterable[BriefingMaterial] = (),
    material_check_note: str = "",
    visit_type: VisitType | None = None,
    offer_item: OfferItem | None = None,
    now: datetime | None = None,
) -> Booking:
    """Turn a meeting or visit request on the register into a booking for the Chief Executive.

    Raises rules.BookingError if the request must be refused by rule (hustings; a meeting for
    an undeclared candidate, without advance questions, or without the published-material
    check: Norfolk 20, Cumbria 8.3). Effects: the booking, a BookingStep (prepared), a note on
    the entry, and an e-mail to the Chief Executive.
    """
    now = now or timezone.now()
    kind = rules.Kind(kind)
    if entry.candidate_id is None:
        raise rules.BookingError(
            _("Only a request from a candidate (or their agent) becomes a booking.")
        )
    if hasattr(entry, "booking"):
        raise rules.BookingError(
            _("%(reference)s already has a booking.") % {"reference": entry.reference}
        )
    if entry.kind not in ("meeting", "visit"):
        raise rules.BookingError(_("Only a meeting or visit request becomes a booking."))
    if not entry.is_open:
        raise rules.BookingError(
            _("%(reference)s is closed: reopen it first.") % {"reference": entry.reference}
        )
    if kind == rules.Kind.VISIT and visit_type is None:
        raise rules.BookingError(_("Choose the premises to be visited."))
    materials = list(checked_materials)
    if offer_item is not None and (
        offer_item.kind != kind
        or (
            kind == rules.Kind.VISIT
            and offer_item.visit_type_id
            and visit_type is not None
            and offer_item.visit_type_id != visit_type.pk
        )
    ):
        raise rules.BookingError(
            _("“%(title)s” is not this kind of meeting or visit.") % {"title": offer_item.title}
        )
    rules.check_request(
        rules.RequestFacts(
            kind=kind,
            # Declared, or prospective where the election follows Norfolk 6.
            candidate_declared=rules.counts_as_candidate(
                entry.candidate.status,
                entry.election.undeclared_treated_as == UndeclaredTreatment.CANDIDATE,
            ),
            advance_questions=advance_questions,
            checked_published_material=bool(materials) or bool(material_check_note.strip()),
        )
    )
    chief = rules.chief_for(kind, rules.Chief(visit_type.chief) if visit_type else rules.Chief.NONE)
    booking = Booking(
        election=entry.election,
        entry=entry,
        candidate=entry.candidate,
        kind=kind,
        visit_type=visit_type if kind == rules.Kind.VISIT else None,
        offer_item=offer_item,
        chief=chief,
        advance_questions=advance_questions.strip(),
        material_check_note=material_check_note.strip(),
        created_by=by,
        created_at=now,
    )
    save_with_history(booking, by=by)
    booking.checked_materials.set(materials)
    BookingStep.objects.create(booking=booking, new_status=rules.Status.PREPARED, at=now, by=by)
    # The register entry is done there: the booking carries the story, its letters the reply.
    # (The register funnel refuses this for an oral request not yet confirmed in writing.)
    try:
        register_services.set_entry_status(
            entry.pk,
            register_rules.Status.BOOKED,
            by=by,
            reason="Prepared as a booking.",
            now=now,
        )
    except register_rules.TransitionError as error:
        raise rules.BookingError(str(error)) from None
    _note(entry, f"Booking prepared: {booking.what}. For the Chief Executive to decide.", by, now)
    _notify(Role.CHIEF_EXECUTIVE, "booking_prepared", booking, by=by, now=now)
    return booking


@dataclass(frozen=True)
class Schedule:
    starts_at: datetime
    ends_at: datetime
    place: str
    host: str


def actors_for(user, booking: Booking, checker=None) -> frozenset[rules.Actor]:
    """Return the roles `user` holds for `booking` (see rules.who_acts).

    `checker`: a guardian ObjectPermissionChecker with the bookings' permissions prefetched,
    so a list of bookings costs one query for the object permissions, not one per booking.
    """
    actors = set()
    if permissions.can_manage_bookings(user):
        actors.add(rules.Actor.SPOC)
    if permissions.can_approve_bookings(user):
        actors.add(rules.Actor.CHIEF_EXECUTIVE)
    role = CHIEF_ROLES.get(rules.Chief(booking.chief)) if booking.chief else None
    in_role = role is not None and role.value in role_names(user)
    if in_role and user.is_active:
        if checker is not None:
            confirms = checker.has_perm("confirm_booking", booking)
        else:
            confirms = user.has_perm("briefings.confirm_booking", booking)
        if confirms:
            actors.add(rules.Actor.CHIEF)
    return frozenset(actors)


def _send_letter(booking: Booking, kind: str, by, now: datetime) -> None:
    entry = booking.entry
    # The letter is the reply to the register entry (for the parity figures).
    register_services.record_reply_elsewhere(
        entry.pk, what=f"Booking {kind} letter to the candidate.", by=by, now=now
    )
    if not entry.requester_email:
        _note(
            entry,
            "No e-mail address: the letter could not be sent. Add the address and resend.",
            by,
            now,
        )
        return
    # Recorded here, rendered by a task after commit: never WeasyPrint under the row lock.
    letter_queue.record_letter(booking, kind, by=by, now=now)


@transaction.atomic
def set_booking_status(
    booking_id: int,
    new: rules.Status | str,
    *,
    by,
    reason: str = "",
    parity_acknowledged: bool = False,
    schedule: Schedule | None = None,
    notes: str = "",
    expected_status: str | None = None,
    now: datetime | None = None,
) -> Booking:
    """Move a booking to `new`: the one funnel for every booking step.

    Checks rules.check_step (who acts, reasons, the equal-offer warning, schedule, notes) and
    raises rules.BookingError. Effects, in one transaction:
    - approved by the Chief Executive: to the chief involved (object permissions granted, the
      chief e-mailed), or straight to confirmed when no chief is involved; the parity decision
      recorded; an accepted equal-offer item marked accepted;
    - confirmed by the chief: the SPOC e-mailed to schedule it;
    - declined: the reason kept, a decline letter (PDF) e-mailed to the candidate;
    - scheduled: date, time, place and host kept, a confirmation letter (PDF) with the
      conditions on the day e-mailed to the candidate (Cumbria 9.1, 10.1);
    - held: the notes kept (for publishing, Cumbria 8.3), the offer item marked held;
    - cancelled: the reason kept, the candidate told;
    - always: a BookingStep, a decision note on the register entry, a history row naming `by`.
    """
    now = now or timezone.now()
    new = rules.Status(new)
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("election", "entry", "candidate", "visit_type", "offer_item")
        .get(pk=booking_id)
    )
    old = rules.Status(booking.status)
    if expected_status is not None and expected_status != old:
        # A second click, or someone else acted first: never send a second letter.
        raise rules.BookingError(
            _("This booking changed while you were looking at it: check it and try again.")
        )
    if (
        new == old == rules.Status.SCHEDULED
        and schedule
        and (schedule.starts_at, schedule.ends_at, schedule.place.strip(), schedule.host.strip())
        == (booking.starts_at, booking.ends_at, booking.place, booking.host)
    ):
        raise rules.BookingError(_("Nothing has changed: the booking is already scheduled so."))
    gap = booking_parity_gap(booking) if new == rules.Status.APPROVED else set()
    chief_role = CHIEF_ROLES.get(rules.Chief(booking.chief)) if booking.chief else None
    rules.check_step(
        new,
        rules.StepFacts(
            status=old,
            chief=rules.Chief(booking.chief),
            actor=actors_for(by, booking),
            reason=reason,
            has_schedule=bool(schedule and schedule.place and schedule.host),
            has_notes=bool(notes.strip()),
            parity_gap=bool(gap),
            parity_acknowledged=parity_acknowledged,
            actor_prepared_it=booking.created_by_id == by.pk,
            chief_role_filled=chief_role is None or _users_in(chief_role).exists(),
        ),
    )
    stored = new
    if new == rules.Status.APPROVED:
        stored = rules.next_after_approval(rules.Chief(booking.chief))
        if gap:
            booking.parity_note = (
                f"Not yet offered to {len(gap)} other declared candidate(s); the Chief Executive "
                f"confirmed the same will be offered to all (Norfolk 19). {reason}".strip()
            )
    if new in (rules.Status.DECLINED, rules.Status.CANCELLED):
        booking.decision_reason = reason.strip()
    if new == rules.Status.SCHEDULED and schedule:
        booking.starts_at, booking.ends_at = schedule.starts_at, schedule.ends_at
        booking.place, booking.host = schedule.place.strip(), schedule.host.strip()
    if new == rules.Status.HELD:
        booking.notes = notes.strip()
    booking.status = stored
    save_with_history(booking, by=by, at=now)
    BookingStep.objects.create(
        booking=booking, old_status=old, new_status=stored, at=now, by=by, reason=reason.strip()
    )
    entry = booking.entry
    label = rules.STATUS_LABELS[stored]
    _note(entry, f"Booking: {label}." + (f" {reason.strip()}" if reason.strip() else ""), by, now)

    if stored == rules.Status.APPROVED:
        role = CHIEF_ROLES[rules.Chief(booking.chief)]
        # Granted to the chief's role group, not to whoever holds it today: a new Chief
        # Constable sees it, and someone who leaves the role loses it (actors_for checks both).
        group = Group.objects.get(name=role.value)
        assign_perm("briefings.view_booking", group, booking)
        assign_perm("briefings.confirm_booking", group, booking)
        _notify(role, "booking_approved", booking, by=by, now=now)
    if stored in (rules.Status.APPROVED, rules.Status.CONFIRMED) and booking.offer_item_id:
        mark_offer(booking.offer_item_id, booking.candidate_id, CandidateOffer.State.ACCEPTED, now)
    if stored == rules.Status.CONFIRMED:
        _notify(Role.SPOC, "booking_confirmed", booking, by=by, now=now)
    elif stored == rules.Status.DECLINED:
        _send_letter(booking, "decline", by, now)
        if booking.offer_item_id:
            # The office declined this booking, not the candidate the offer: it still stands.
            mark_offer(
                booking.offer_item_id, booking.candidate_id, CandidateOffer.State.OFFERED, now
            )
        if old == rules.Status.APPROVED:  # a chief declined: the office needs to know
            for role in (Role.SPOC, Role.CHIEF_EXECUTIVE):
                _notify(role, "booking_declined_by_chief", booking, by=by, now=now)
    elif stored == rules.Status.SCHEDULED:
        _send_letter(booking, "confirmation", by, now)
    elif stored == rules.Status.HELD and booking.offer_item_id:
        mark_offer(booking.offer_item_id, booking.candidate_id, CandidateOffer.State.HELD, now)
    elif stored == rules.Status.CANCELLED and booking.offer_item_id:
        mark_offer(booking.offer_item_id, booking.candidate_id, CandidateOffer.State.OFFERED, now)
    if stored == rules.Status.CANCELLED and entry.requester_email:
        outbox.queue_templated_email(
            key="booking_cancelled",
            entry=entry,
            to=[entry.requester_email],
            context=letter_queue.candidate_context(booking),
            by=by,
            now=now,
        )
    return booking


# --- the staff calendar feed's key ---------------------------------------------------------


def calendar_feed_key(user, *, now: datetime | None = None) -> CalendarFeedKey:
    """Return `user`'s calendar feed key, made now if they have none (calendar_feed)."""
    key, _created = CalendarFeedKey.objects.get_or_create(
        user=user,
        defaults={"key": secrets.token_urlsafe(32), "issued_at": now or timezone.now()},
    )
    return key


@transaction.atomic
def reset_calendar_feed(user, *, now: datetime | None = None) -> CalendarFeedKey:
    """Replace `user`'s calendar feed key. Effects: every earlier link to their feed stops
    working at once; the new link works for calendar_feed.MAX_AGE from now."""
    now = now or timezone.now()
    key = CalendarFeedKey.objects.select_for_update().filter(user=user).first()
    if key is None:
        return calendar_feed_key(user, now=now)
    key.key, key.issued_at = secrets.token_urlsafe(32), now
    key.save(update_fields=["key", "issued_at"])
    return key
