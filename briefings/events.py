"""Briefing events (Cumbria 8.2): who an event is for, the one invitation sent to all at once
(and the PARO told), advance questions, attendance and the event's notes under a version
check. Changes to an announced event are in event_changes.py."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from briefings import briefing_page, republish, rules
from briefings.models import Attendance, BriefingEvent, EventQuestion
from briefings.offers import candidate_and_agent
from candidates.models import Candidate
from candidates.rules import Status as CandidateStatus
from election_protocol.services import save_with_history
from requests_register import outbox
from requests_register.models import Entry


def eligible_for(event: BriefingEvent):
    """Return the candidates an event is for: declared only, or everyone standing."""
    statuses = [CandidateStatus.DECLARED]
    if event.audience == BriefingEvent.Audience.ALL:
        statuses.append(CandidateStatus.PROSPECTIVE)
    return Candidate.objects.filter(election=event.election, status__in=statuses).order_by("name")


def event_context(event: BriefingEvent) -> dict[str, str]:
    """The e-mail templates' placeholders for an event: what, when and where, and who writes
    (the invitation, the PARO's notice, and a change or cancellation: event_changes)."""
    election = event.election
    when = timezone.localtime(event.starts_at)
    return {
        "title": event.title,
        "date": f"{when:%A %-d %B %Y}",
        "start": f"{when:%-I:%M%p}",
        "end": f"{timezone.localtime(event.ends_at):%-I:%M%p}",
        "place": event.place,
        "paro_name": election.paro_name,
        "spoc_name": election.spoc_name,
        "office_name": election.office_name,
    }


@transaction.atomic
def invite_to_event(event_id: int, *, by, now: datetime | None = None) -> int:
    """Invite every eligible candidate at once, with the same text, and notify the PARO
    (Cumbria 8.2). Effects: Attendance rows, one identical e-mail per candidate with an
    address, one e-mail to the PARO, invited_at and paro_notified_at recorded. Candidates
    already invited are not invited twice. Returns how many were invited now."""
    now = now or timezone.now()
    event = BriefingEvent.objects.select_for_update().select_related("election").get(pk=event_id)
    if event.cancelled_at:
        raise rules.BookingError(_("This event is cancelled: nobody can be invited to it."))
    election = event.election
    context = event_context(event)
    # The same words for every candidate (Cumbria 8.2): rendered once.
    subject, body = outbox.render_template("event_invitation", context)
    body = briefing_page.with_briefing(body, election)
    already = set(event.attendance.values_list("candidate_id", flat=True))
    invited = 0
    for candidate in eligible_for(event):
        if candidate.pk in already or not candidate.emails:
            continue  # without an address nobody is invited: they stay "not yet invited"
        Attendance.objects.create(event=event, candidate=candidate, invited_at=now)
        invited += 1
        outbox.queue_email(
            purpose="event_invitation",
            to=candidate_and_agent(candidate),
            subject=subject,
            body=body,
            reply_to=election.spoc_email,
            by=by,
            now=now,
        )
    if event.paro_notified_at is None:
        outbox.queue_templated_email(
            key="paro_notice",
            context=context,
            to=[election.paro_email],
            election=election,
            by=by,
            now=now,
        )
        event.paro_notified_at = now
    if event.invited_at is None and not event.cancelled_at:
        # Announced now: the public page lists it without anyone pressing "Publish now".
        republish.after_commit(election.pk, by=by)
    event.invited_at = event.invited_at or now
    save_with_history(event, by=by, fields=["invited_at", "paro_notified_at"])
    return invited


@transaction.atomic
def link_question(event_id: int, entry: Entry) -> EventQuestion:
    """Link an advance question, logged on the register, to an event (Cumbria 8.2)."""
    event = BriefingEvent.objects.get(pk=event_id)
    if entry.election_id != event.election_id:
        raise rules.BookingError(_("That entry belongs to another election."))
    if EventQuestion.objects.filter(entry=entry).exists():
        raise rules.BookingError(
            _("%(reference)s is already linked to an event.") % {"reference": entry.reference}
        )
    return EventQuestion.objects.create(event=event, entry=entry)


@transaction.atomic
def record_attendance(event_id: int, attended_ids: Iterable[int], *, by) -> None:
    """Record who came: every invited candidate is marked attended or not."""
    attended = set(attended_ids)
    for row in Attendance.objects.select_for_update().filter(event_id=event_id):
        row.attended = row.candidate_id in attended
        row.save(update_fields=["attended"])


class ConcurrentEditError(Exception):
    """Someone else saved the event's notes after this edit began; nothing was saved."""


@transaction.atomic
def record_event_notes(
    event_id: int, notes: str, *, by, expected_version: int | None = None
) -> BriefingEvent:
    """Keep the notes of an event (they go to publishing), refusing them if someone saved the
    notes in the meantime (the same optimistic check as requests_register.update_entry).

    Effects: notes and version saved; a history row naming `by`. Raises ConcurrentEditError
    (nothing saved) if the event's version is no longer `expected_version` (None: no check,
    for scripts that are the only writer).
    """
    event = BriefingEvent.objects.select_for_update().get(pk=event_id)
    if expected_version is not None and event.version != expected_version:
        raise ConcurrentEditError(
            _(
                "Someone else saved the notes of this event while you were writing. Your text "
                "is below but was not saved: compare it with the notes as they are now, then "
                "save again."
            )
        )
    event.notes = notes.strip()
    event.version += 1
    save_with_history(event, by=by, fields=["notes", "version"])
    return event
