"""The triage inbox: staff decisions on what the sort could not place (accept as a new entry or
for an existing one, mark a duplicate, dismiss), each with a history row naming who decided."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from election_protocol.queries import current_election
from mail_intake import rules
from mail_intake.models import InboundMessage
from mail_intake.services.common import State, _save
from mail_intake.services.sorting import _check_attachments
from requests_register import email_import
from requests_register import rules as register_rules
from requests_register import services as register_services
from requests_register.models import Entry

# --- the triage inbox: staff decisions ------------------------------------------------------


def _decidable(message_pk: int) -> InboundMessage:
    return InboundMessage.objects.select_for_update().get(pk=message_pk)


def _valid_email(address: str) -> str:
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return address


@transaction.atomic
def accept_message(
    message_pk: int,
    *,
    by,
    kind: str,
    topic: str,
    requester_type: str,
    requester_name: str,
    candidate=None,
    party=None,
    acknowledge: bool = True,
    now: datetime | None = None,
) -> Entry:
    """Put a message from the triage inbox on the register as a new entry.

    Effects: ``requests_register.services.log_entry`` (received by e-mail, when the mailbox
    received it; the question is the message's text; the sender's address; the attachments
    that pass the upload checks; an acknowledgement if `acknowledge`); the message ACCEPTED,
    linked to the entry, with who decided and when, and a history row naming `by`.
    Raises rules.TriageError if the message was already dealt with or no election is set up.
    """
    now = now or timezone.now()
    message = _decidable(message_pk)
    rules.check_decision(message.state)
    election = current_election(timezone.localdate(now))
    if election is None:
        raise rules.TriageError(_("No election is set up yet: add one in the admin."))
    files: list[register_services.IncomingFile] = []
    skipped = ""
    try:
        files = _check_attachments(email_import.parse_email(bytes(message.raw))).kept
    except email_import.EmailImportError:
        skipped = _("The original could not be read: its attachments were not kept.")
    entry = register_services.log_entry(
        election=election,
        by=by,
        received_at=min(message.received_at, now),
        channel=register_rules.Channel.EMAIL,
        kind=kind,
        topic=topic,
        question=message.body
        or _("(The e-mail has no readable text: see the original message in the mailbox.)"),
        requester_type=requester_type,
        requester_name=requester_name,
        candidate=candidate,
        party=party,
        requester_email=_valid_email(message.sender_email),
        attachments=files,
        acknowledge=acknowledge,
        now=now,
    )
    _record_decision(message, State.ACCEPTED, by=by, now=now, note=skipped, entry=entry)
    return entry


@transaction.atomic
def mark_duplicate(
    message_pk: int, *, by, original: Entry, note: str = "", now: datetime | None = None
) -> InboundMessage:
    """Mark a message from the triage inbox as a duplicate of an entry already logged.

    Effects: the message DUPLICATE, linked to (and shown on the timeline of) `original`, the
    note kept, who decided and when, a history row naming `by`. No new entry.
    """
    now = now or timezone.now()
    message = _decidable(message_pk)
    rules.check_decision(message.state)
    _record_decision(message, State.DUPLICATE, by=by, now=now, note=note.strip(), entry=original)
    return message


@transaction.atomic
def dismiss_message(
    message_pk: int, *, by, reason: str, note: str = "", now: datetime | None = None
) -> InboundMessage:
    """Dismiss a message from the triage inbox (spam, out of scope, other with a note).

    Effects: the message DISMISSED with its reason and note, who decided and when, a history
    row naming `by`. Kept, never deleted: the register's auditor can see what was dismissed.
    """
    now = now or timezone.now()
    message = _decidable(message_pk)
    rules.check_decision(message.state, dismiss_reason=reason, note=note)
    _record_decision(
        message, State.DISMISSED, by=by, now=now, note=note.strip(), dismiss_reason=reason
    )
    return message


def _record_decision(
    message: InboundMessage, state: State, *, by, now: datetime, note: str, **fields
) -> None:
    """Record the triage decision on `message`: its new state and what goes with it
    (`fields`: the entry it became or duplicates, the reason it was dismissed), who decided,
    when and the note. Effects: saved with a history row naming `by`."""
    message.state = state
    for name, value in fields.items():
        setattr(message, name, value)
    message.decided_by, message.decided_at, message.decision_note = by, now, note
    _save(message, ["state", *fields, "decided_by", "decided_at", "decision_note"], by, now)
