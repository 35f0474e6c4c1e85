"""2. Sort a recorded message (the system's funnel): a bounce marks its outbox e-mail failed, an
automatic reply is filed, a reply joins its entry (and may be the requester's written
confirmation), anything else waits in the triage inbox; what cannot be read needs attention."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from election_protocol.queries import current_election
from mail_intake import rules
from mail_intake.models import InboundMessage
from mail_intake.services.common import State, _clean, _save, mailbox_user
from requests_register import email_import
from requests_register import rules as register_rules
from requests_register import services as register_services
from requests_register.models import Entry, OutboundEmail
from requests_register.outbox import MAX_SEND_ATTEMPTS
from requests_register.queries import match_sender

logger = logging.getLogger(__name__)

# --- 2. sort --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Checked:
    kept: list[register_services.IncomingFile]
    summary: str


def _check_attachments(parsed: email_import.ImportedEmail) -> _Checked:
    """Return the attachments that pass the upload checks (size, type, first bytes) and a
    line per attachment saying what became of it."""
    kept, lines = [], []
    for attachment in parsed.attachments:
        file = register_services.IncomingFile(
            attachment.filename, attachment.content_type, attachment.data
        )
        try:
            register_services.check_attachment(file)
        except ValidationError as error:
            lines.append(f"{attachment.filename}: " + " ".join(error.messages))
        else:
            kept.append(file)
            lines.append(f"{attachment.filename}: {_('accepted')}")
    return _Checked(kept, _clean("\n".join(lines)))


def _outbound_for(ids: tuple[str, ...]) -> OutboundEmail | None:
    """Return the outbox e-mail whose Message-ID is one of `ids` (the latest named first)."""
    if not ids:
        return None
    wanted = [f"<{i}>" for i in ids]
    found = {o.message_id: o for o in OutboundEmail.objects.filter(message_id__in=wanted)}
    for message_id in reversed(wanted):  # In-Reply-To and the end of References: the latest
        if message_id in found:
            return found[message_id]
    return None


def _thread_entry(parsed: email_import.ImportedEmail) -> tuple[Entry | None, OutboundEmail | None]:
    """Return the entry a message answers, and the outbox e-mail it answers if known.

    First by its In-Reply-To and References: one of the outbox's Message-IDs, or an earlier
    message from the mailbox already on an entry; then by an entry reference ("NS26-0001")
    in the subject.
    """
    ids = tuple(dict.fromkeys((*parsed.references, *parsed.in_reply_to)))
    outbound = _outbound_for(ids)
    if outbound is not None and outbound.entry_id is not None:
        return outbound.entry, outbound
    if ids:
        earlier = (
            InboundMessage.objects.filter(message_id__in=ids, entry__isnull=False)
            .select_related("entry")
            .order_by("-received_at")
            .first()
        )
        if earlier is not None:
            return earlier.entry, outbound
    references = rules.references_in_subject(parsed.subject)
    if references:
        entry = Entry.objects.filter(reference__in=references).order_by("-number").first()
        if entry is not None:
            return entry, outbound
    return None, outbound


def _mark_bounced(outbound: OutboundEmail, parsed: email_import.ImportedEmail) -> None:
    """Mark the outbox e-mail failed with the server's reason; it is never sent again (the
    requeue only picks failed rows with attempts left)."""
    report = parsed.delivery_report
    detail = " ".join(x for x in (report.status, report.diagnostic) if x) if report else ""
    reason = _("Returned by the recipient's mail server") + (f": {detail}" if detail else "")
    OutboundEmail.objects.filter(pk=outbound.pk).update(
        state=OutboundEmail.State.FAILED,
        attempts=max(outbound.attempts, MAX_SEND_ATTEMPTS),
        last_error=_clean(reason, 1000),
    )


def sort_message(message_pk: int, *, now: datetime | None = None) -> InboundMessage:
    """Sort a recorded message: the one funnel out of RECEIVED, run by the pass.

    Effects (one transaction): the sender, subject, text and an attachment summary stored;
    then one of:
    - a bounce: its outbox e-mail marked failed with the reason (shown on the entry), the
      message kept as a bounce (on the entry's timeline when the e-mail had an entry);
    - an automatic reply: kept as such, on its entry's timeline if it answers one; never an
      entry;
    - a reply to an entry (threading: ``_thread_entry``): on the entry's timeline, its
      accepted attachments added to the entry; if it is the requester's written confirmation
      of an oral request (``rules.is_written_confirmation``), the entry moved to in progress
      through the register's funnel, which records when it was confirmed (Cumbria 6.1.2);
    - anything else: the triage inbox, the sender matched to a candidate or agent as the .eml
      import does (``requests_register.queries.match_sender``).
    A message that cannot be read (``EmailImportError``), was too large to fetch, or whose
    sorting failed for any other reason needs attention, with the reason; it is never dropped.
    """
    now = now or timezone.now()
    try:
        return _sort(message_pk, now)
    except Exception as error:
        # Hostile MIME or a bug must not stop the pass or lose the message: it is recorded,
        # so it waits for a person with the reason.
        logger.exception("Mailbox message %s could not be sorted", message_pk)
        with transaction.atomic():
            message = InboundMessage.objects.select_for_update().get(pk=message_pk)
            if message.state == State.RECEIVED:
                message.state = State.NEEDS_ATTENTION
                message.problem = _(
                    "The message could not be sorted automatically (%(error)s): read the "
                    "original and decide."
                ) % {"error": type(error).__name__}
                _save(message, ["state", "problem"], now=now)
        return message


def _headers_only(raw: bytes) -> email_import.ImportedEmail | None:
    """Return the sender and subject of a message whose body cannot be read, from its header
    block alone; None if even that cannot be read."""
    head = raw.partition(b"\r\n\r\n")[0] if b"\r\n\r\n" in raw else raw.partition(b"\n\n")[0]
    try:
        return email_import.parse_email(head + b"\r\n\r\n")
    except email_import.EmailImportError:
        return None


@transaction.atomic
def _sort(message_pk: int, now: datetime) -> InboundMessage:
    message = InboundMessage.objects.select_for_update().get(pk=message_pk)
    if message.state != State.RECEIVED:
        return message
    fields = ["state"]
    try:
        parsed = email_import.parse_email(bytes(message.raw))
    except email_import.EmailImportError as error:
        message.state = State.NEEDS_ATTENTION
        message.problem = " ".join(x for x in (message.problem, str(error)) if x)
        fields = ["state", "problem"]
        headers = _headers_only(bytes(message.raw))
        if headers is not None:  # who sent it and what about, for the person deciding
            message.sender_name = _clean(headers.sender_name, 200)
            message.sender_email = _clean(headers.sender_email, 254)
            message.subject = _clean(headers.subject, 300)
            fields += ["sender_name", "sender_email", "subject"]
        _save(message, fields, now=now)
        return message
    message.sender_name = _clean(parsed.sender_name, 200)
    message.sender_email = _clean(parsed.sender_email, 254)
    message.subject = _clean(parsed.subject, 300)
    message.body = _clean(parsed.body)
    checked = _check_attachments(parsed)
    message.attachment_summary = checked.summary
    fields += ["sender_name", "sender_email", "subject", "body", "attachment_summary"]
    if message.problem:  # too large to fetch: only its headers are here
        message.state = State.NEEDS_ATTENTION
        _save(message, fields, now=now)
        return message

    kind = rules.classify(
        sender_email=parsed.sender_email,
        subject=parsed.subject,
        auto_headers=parsed.auto_headers,
        report_type=parsed.report_type,
    )
    if kind == rules.Kind.BOUNCE:
        report = parsed.delivery_report
        ids = (
            (report.original_message_id,)
            if report and report.original_message_id
            else (*parsed.references, *parsed.in_reply_to)
        )
        outbound = _outbound_for(tuple(ids))
        if outbound is not None:
            _mark_bounced(outbound, parsed)
            message.outbound, message.entry_id = outbound, outbound.entry_id
            fields += ["outbound", "entry"]
        message.state = State.BOUNCE
        _save(message, fields, now=now)
        return message

    entry, outbound = _thread_entry(parsed)
    if outbound is not None:
        message.outbound = outbound
        fields.append("outbound")
    if kind == rules.Kind.AUTO_REPLY:
        message.state, message.entry = State.AUTO_REPLY, entry
        _save(message, [*fields, "entry"], now=now)
        return message
    if entry is not None:
        message.entry = entry
        message.state = State.THREADED
        fields.append("entry")
        robot = mailbox_user()
        if rules.is_written_confirmation(
            entry_status=entry.status,
            entry_needs_confirmation=register_rules.needs_confirmation(entry.channel),
            sender_email=parsed.sender_email,
            requester_email=entry.requester_email,
        ):
            when = date_format(timezone.localtime(message.received_at), "j F Y, H:i")
            try:
                register_services.set_entry_status(
                    entry.pk,
                    register_rules.Status.IN_PROGRESS,
                    by=robot,
                    reason=_("Confirmed in writing by the requester (e-mail received %(when)s).")
                    % {"when": when},
                    now=now,
                )
            except register_rules.TransitionError as error:
                message.problem = str(error)
                fields.append("problem")
            else:
                message.state = State.CONFIRMATION
        if checked.kept:
            register_services.add_attachments(entry.pk, checked.kept, by=robot, now=now)
        _save(message, fields, now=now)
        return message

    election = current_election(timezone.localdate(now))
    requester_type, candidate = (
        match_sender(election, parsed.sender_email) if election else ("public", None)
    )
    message.requester_type, message.candidate = requester_type, candidate
    message.state = State.TRIAGE
    _save(message, [*fields, "requester_type", "candidate"], now=now)
    return message


def sort_pending(*, now: datetime | None = None) -> int:
    """Sort every message recorded but not yet sorted (a pass stopped between the two);
    return how many."""
    pks = list(InboundMessage.objects.filter(state=State.RECEIVED).values_list("pk", flat=True))
    for pk in pks:
        sort_message(pk, now=now)
    return len(pks)
