"""Booking letters: recorded by the booking funnel, rendered and queued after commit.

The funnel (services.set_booking_status) only records a BookingLetter under its row lock;
`send_booking_letter` (task_send_booking_letter, enqueued on commit) renders the PDF with no
lock held and puts it in the outbox. A broker outage at commit loses nothing: the letter stays
recorded without an e-mail and the beat's `requeue_booking_letters` enqueues it again. Sending
is idempotent: a letter already in the outbox is never queued twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from briefings import letters, rules
from briefings.models import Booking, BookingLetter
from election_protocol import calendar, queue_notice
from requests_register import outbox

logger = logging.getLogger(__name__)

# A letter still owed this long after it was recorded lost its task (broker down at commit).
QUEUED_GRACE = timedelta(minutes=1)


def record_letter(booking: Booking, kind: str, *, by, now: datetime) -> BookingLetter:
    """Record a letter owed to the candidate and enqueue its rendering after commit.

    Effects: a BookingLetter row; on commit, task_send_booking_letter enqueued (robust: a
    broker outage leaves the letter for `requeue_booking_letters`).
    """
    letter = BookingLetter.objects.create(
        booking=booking, kind=BookingLetter.Kind(kind), created_at=now, created_by=by
    )
    transaction.on_commit(partial(enqueue_letter, letter.pk), robust=True)
    return letter


def enqueue_letter(letter_id: int) -> bool:
    """Enqueue task_send_booking_letter; return False if the broker could not take it."""
    # Imported here: tasks imports this module to call its services.
    from briefings.tasks import task_send_booking_letter

    try:
        task_send_booking_letter.delay(letter_id=letter_id)
    except BrokerError as error:
        logger.warning("Booking letter %s left for the periodic requeue: %s", letter_id, error)
        queue_notice.note_deferred(queue_notice.EMAIL)  # the person is told, not shown an error
        return False
    return True


def candidate_context(booking: Booking) -> dict[str, str]:
    """The placeholders of an e-mail to the candidate about `booking` (EmailTemplate)."""
    return {
        "reference": booking.entry.reference,
        "name": booking.entry.requester_name,
        "what": booking.what,
        "reason": booking.decision_reason,
        "spoc_name": booking.election.spoc_name,
        "office_name": booking.election.office_name,
    }


def build_letter(booking: Booking, kind: str, dated: datetime) -> letters.Letter:
    """Return the letter for `booking` as it stands, dated `dated` (Cumbria 9.1, 10.1: the
    conditions on the day depend on whether it falls in the pre-election period)."""
    election = booking.election
    start, end = calendar.pre_election_period(
        election.timetable,
        election.notice_published,
        calendar.PreElectionEnd(election.pre_election_end),
    )
    moment = booking.starts_at or dated
    return letters.Letter(
        kind=kind,
        reference=booking.entry.reference,
        office_name=election.office_name,
        office_address="",
        date=timezone.localdate(dated),
        candidate_name=booking.candidate.name,
        what=booking.what,
        when=timezone.localtime(booking.starts_at) if booking.starts_at else None,
        where=booking.place,
        host=booking.host,
        reason=booking.decision_reason,
        conditions=letters.conditions_for(
            start <= moment < end, rules.Kind(booking.kind) == rules.Kind.VISIT
        ),
        signatory=f"{election.spoc_name}, on behalf of the Chief Executive",
    )


def send_booking_letter(letter_id: int) -> str:
    """Render a recorded letter and queue it to the candidate; return what happened.

    The PDF is rendered before any lock is taken; the outbox row is then made in a short
    transaction that locks the letter only, so a second run (redelivery, requeue) finds the
    e-mail set and queues nothing. Returns "queued", "already queued" or "missing".
    """
    letter = (
        BookingLetter.objects.select_related(
            "booking__election", "booking__entry", "booking__candidate", "booking__visit_type"
        )
        .filter(pk=letter_id)
        .first()
    )
    if letter is None:
        return "missing"
    if letter.email_id is not None:
        return "already queued"
    booking, entry = letter.booking, letter.booking.entry
    pdf = letters.render_letter_pdf(build_letter(booking, letter.kind, letter.created_at))
    with transaction.atomic():
        locked = BookingLetter.objects.select_for_update().get(pk=letter_id)
        if locked.email_id is not None:
            return "already queued"
        subject, body = outbox.render_template(f"booking_{letter.kind}", candidate_context(booking))
        locked.email = outbox.queue_email(
            purpose=f"booking_{letter.kind}",
            to=[entry.requester_email],
            subject=subject,
            body=body,
            reply_to=booking.election.spoc_email,
            entry=entry,
            by=letter.created_by,
            now=letter.created_at,
            attachments=[(f"{entry.reference}-{letter.kind}.pdf", "application/pdf", pdf)],
        )
        locked.save(update_fields=["email"])
    return "queued"


def requeue_booking_letters(*, now: datetime | None = None) -> int:
    """Enqueue every letter still owed a minute after it was recorded; return how many."""
    now = now or timezone.now()
    owed = BookingLetter.objects.filter(email__isnull=True, created_at__lt=now - QUEUED_GRACE)
    enqueued = 0
    for letter_id in owed.values_list("pk", flat=True):
        try:
            enqueued += enqueue_letter(letter_id)
        except Exception:
            # With eager Celery the rendering runs inside delay(): one bad letter must not
            # stop the others.
            logger.exception("Requeueing booking letter %s failed", letter_id)
    return enqueued
