"""Editing and cancelling a briefing event (issue 13; Cumbria 8.2: dates, times and place are
published, and the PARO is told). One funnel each; both refuse a stale page (the event's
version, as its notes) and a cancelled event.

Once the candidates have been invited, a change or a cancellation is e-mailed, in the same
words, to every invited candidate and their agent, and to the PARO; the public page shows it
with the note, republished after commit (briefings.republish). Before the invitations nothing
is public and nobody has been told, so nothing is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from briefings import republish
from briefings.events import event_context
from briefings.models import BriefingEvent
from briefings.services import ConcurrentEditError, candidate_and_agent
from election_protocol.services import save_with_history
from requests_register import outbox

EDITABLE = ("title", "starts_at", "ends_at", "place", "audience", "capacity")


class EventChangeError(Exception):
    """The change is refused; the message says what to fix."""


@dataclass(frozen=True)
class EventDetails:
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    audience: str
    capacity: int | None


def _locked(event_id: int, expected_version: int | None) -> BriefingEvent:
    event = BriefingEvent.objects.select_for_update().select_related("election").get(pk=event_id)
    if event.cancelled_at:
        raise EventChangeError(_("This event is cancelled: it cannot be changed any more."))
    if expected_version is not None and event.version != expected_version:
        raise ConcurrentEditError(
            _(
                "Someone else changed this event while you were editing it. Your changes are "
                "below but were not saved: check the event as it is now, then save again."
            )
        )
    return event


def _context(event: BriefingEvent, note: str) -> dict[str, str]:
    return {**event_context(event), "greeting": "candidate", "note": note}


def _tell_everyone(event: BriefingEvent, key: str, note: str, *, by, now: datetime) -> int:
    """E-mail `key` to every invited candidate (and agent) and the PARO; return how many
    candidates were told. The same words for everyone (Cumbria 8.2), rendered once."""
    election = event.election
    subject, body = outbox.render_template(key, _context(event, note))
    told = 0
    for row in event.attendance.select_related("candidate"):
        to = candidate_and_agent(row.candidate)
        if not to:
            continue
        outbox.queue_email(
            purpose=key,
            to=to,
            subject=subject,
            body=body,
            reply_to=election.spoc_email,
            by=by,
            now=now,
        )
        told += 1
    if election.paro_email:
        outbox.queue_templated_email(
            key=key,
            context={**_context(event, note), "greeting": election.paro_name},
            purpose=f"{key}_paro",
            to=[election.paro_email],
            election=election,
            by=by,
            now=now,
        )
    return told


@transaction.atomic
def edit_event(
    event_id: int,
    details: EventDetails,
    *,
    note: str,
    by,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> BriefingEvent:
    """Change an event's title, time, place, audience or capacity.

    Refused (EventChangeError, nothing saved): a cancelled event, nothing changed, the end not
    after the start, no note saying what changed once the candidates were invited (it is sent
    to them and shown on the public page). ConcurrentEditError for a stale page.
    Effects: the fields, version, changed_at and change note saved with a history row naming
    `by`; once invited: everyone invited, their agents and the PARO e-mailed, and the public
    page republished after commit.
    """
    now = now or timezone.now()
    event = _locked(event_id, expected_version)
    new = {
        "title": details.title.strip(),
        "starts_at": details.starts_at,
        "ends_at": details.ends_at,
        "place": details.place.strip(),
        "audience": details.audience,
        "capacity": details.capacity,
    }
    changed = [name for name in EDITABLE if getattr(event, name) != new[name]]
    if not changed:
        raise EventChangeError(_("Nothing has changed: change a detail, or go back."))
    if new["ends_at"] <= new["starts_at"]:
        raise EventChangeError(_("The end must be after the start."))
    note = note.strip()
    announced = event.invited_at is not None
    if announced and not note:
        raise EventChangeError(
            _(
                "Say what changed: the candidates were invited, so they, their agents and the "
                "PARO are told, and the public page shows the note."
            )
        )
    for name in changed:
        setattr(event, name, new[name])
    event.version += 1
    event._history_user = by
    event._history_date = now
    fields = [*changed, "version"]
    if announced:
        event.changed_at, event.change_note = now, note
        fields += ["changed_at", "change_note"]
    event.save(update_fields=fields)
    if announced:
        _tell_everyone(event, "event_changed", note, by=by, now=now)
        republish.after_commit(event.election_id, by=by)
    return event


@transaction.atomic
def cancel_event(
    event_id: int,
    *,
    reason: str,
    by,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> BriefingEvent:
    """Cancel an event, with the reason (sent to those invited and shown on the public page).

    Refused (EventChangeError): no reason, or an event already cancelled.
    Effects: cancelled_at and the reason saved, version bumped, a history row naming `by`;
    once invited: everyone invited, their agents and the PARO e-mailed, and the public page
    republished after commit (it shows the event as cancelled, with the reason).
    """
    now = now or timezone.now()
    event = _locked(event_id, expected_version)
    reason = reason.strip()
    if not reason:
        raise EventChangeError(_("Give the reason for cancelling: it is sent to those invited."))
    event.cancelled_at, event.cancelled_reason = now, reason
    event.version += 1
    save_with_history(event, by=by, at=now, fields=["cancelled_at", "cancelled_reason", "version"])
    if event.invited_at is not None:
        _tell_everyone(event, "event_cancelled", reason, by=by, now=now)
        republish.after_commit(event.election_id, by=by)
    return event
