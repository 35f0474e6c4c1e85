"""Every write of the SPOC mailbox: the fetch pass, sorting a message, the triage decisions.

The pass (``fetch_mail``), per message, in this order:

1. the message is recorded (``record_message``: raw bytes, Message-ID, fingerprint) and the
   transaction commits;
2. it is sorted (``sort_message``, the system's funnel): a bounce marks its outbox e-mail
   failed, an automatic reply is filed, a reply is added to its entry (and recognised as the
   requester's written confirmation), anything else waits in the triage inbox; a message that
   cannot be read or sorted needs attention, with the reason;
3. only then is it moved to the processed folder on the server.

A crash after 1 finds the message on the server again next pass: its fingerprint is already
recorded, so it is only moved (and sorted, if 2 had not happened: ``sort_pending``). A crash
before 1 loses nothing: the message is still in the folder. Re-running a pass is harmless.
Staff decide what waits in the triage inbox (``accept_message``, ``mark_duplicate``,
``dismiss_message``); every change writes a history row naming who made it.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from election_protocol.queries import current_election
from mail_intake import imap, rules
from mail_intake.models import InboundMessage, MailboxState
from requests_register import email_import
from requests_register import rules as register_rules
from requests_register import services as register_services
from requests_register.models import Entry, OutboundEmail
from requests_register.outbox import MAX_SEND_ATTEMPTS
from requests_register.queries import match_sender

logger = logging.getLogger(__name__)

State = InboundMessage.State

# The account the pass acts as on the register (a confirmation moving an entry on, a reply's
# attachments): inactive, no password, no role, so it can never sign in.
MAILBOX_USERNAME = "spoc-mailbox"
# Messages read per pass: a backlog is worked through over a few beat intervals instead of
# one pass holding the lease for ever.
BATCH = 50
# Over this a message is not downloaded: its headers are recorded and it needs attention.
MAX_MESSAGE_BYTES = 25 * 1024 * 1024


def mailbox_config() -> rules.MailboxConfig | None:
    """Return the mailbox configured by MAILBOX_URL, or None when it is not set."""
    url = settings.MAILBOX_URL
    return rules.parse_mailbox_url(url) if url else None


def mailbox_user():
    """Return the mailbox's own account (made once): inactive, unusable password, no role."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=MAILBOX_USERNAME).first()
    if user is None:
        user = user_model(username=MAILBOX_USERNAME, is_active=False, first_name="SPOC mailbox")
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # made by a concurrent pass
            user = user_model.objects.get(username=MAILBOX_USERNAME)
    return user


def _clean(text: str, limit: int | None = None) -> str:
    # PostgreSQL text cannot hold NUL; hostile mail can.
    text = text.replace("\x00", "")
    return text[:limit] if limit else text


def _save(message: InboundMessage, fields: list[str], by=None, now: datetime | None = None):
    message._history_user = by
    if now is not None:
        message._history_date = now
    message.save(update_fields=fields)


# --- 1. record ------------------------------------------------------------------------------


_MESSAGE_ID_HEADER = re.compile(
    rb"^message-id:[ \t]*<?([^\s<>]{1,490})>?", re.IGNORECASE | re.MULTILINE
)


def _message_id_of(raw: bytes) -> str:
    """Return the Message-ID of `raw` without angle brackets ("" if none), reading only the
    header block (unfolded), so even a message that cannot be parsed gets its identifier."""
    head = raw.partition(b"\r\n\r\n")[0] if b"\r\n\r\n" in raw else raw.partition(b"\n\n")[0]
    unfolded = re.sub(rb"\r?\n[ \t]+", b" ", head)
    found = _MESSAGE_ID_HEADER.search(unfolded)
    return found.group(1).decode("ascii", "replace") if found else ""


def record_message(
    raw: bytes,
    *,
    received_at: datetime | None = None,
    folder: str = "",
    uid: int | None = None,
    uidvalidity: int | None = None,
    problem: str = "",
    now: datetime | None = None,
) -> tuple[InboundMessage, bool]:
    """Record a message read from the mailbox once; return (row, whether it is new).

    Effects: an InboundMessage in state RECEIVED with the raw bytes, committed before this
    returns (its own transaction). The same message again (a second delivery, or read again
    after a crash before it was moved) returns the existing row and writes nothing.
    """
    now = now or timezone.now()
    message_id = _message_id_of(raw)
    key = rules.fingerprint(message_id, raw)
    existing = InboundMessage.objects.filter(fingerprint=key).first()
    if existing is not None:
        return existing, False
    received = min(received_at or now, now)
    try:
        with transaction.atomic():
            message = InboundMessage(
                fingerprint=key,
                message_id=message_id,
                raw=raw,
                raw_sha256=hashlib.sha256(raw).hexdigest(),
                size=len(raw),
                received_at=received,
                recorded_at=now,
                folder=folder[:200],
                uid=uid,
                uidvalidity=uidvalidity,
                problem=problem,
            )
            message._history_date = now
            message.save()
    except IntegrityError:
        # Another pass recorded it between our look and our write: theirs is the record.
        return InboundMessage.objects.get(fingerprint=key), False
    return message, True


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


# --- the pass -------------------------------------------------------------------------------


@dataclass
class PassResult:
    """What one pass did (the command prints it; the task returns its summary)."""

    configured: bool = True
    busy: bool = False
    error: str = ""
    recorded: int = 0
    already_recorded: int = 0
    moved: int = 0
    sorted_pending: int = 0
    waiting_on_server: int = 0
    previews: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if not self.configured:
            return "MAILBOX_URL is not set: nothing to read."
        if self.busy:
            return "Another pass is reading the mailbox."
        text = (
            f"{self.recorded} new, {self.already_recorded} already recorded, {self.moved} "
            f"moved, {self.waiting_on_server} still in the folder"
        )
        return f"{text}; failed: {self.error}" if self.error else text


def _state_row() -> MailboxState:
    state, _created = MailboxState.objects.get_or_create(pk=1)
    return state


def _claim(now: datetime) -> datetime | None:
    """Take the one-pass-at-a-time lease by a conditional update; return its end if this pass
    has it, else None (another pass holds it)."""
    _state_row()
    until = now + timedelta(seconds=settings.MAILBOX_LEASE_SECONDS)
    claimed = (
        MailboxState.objects.filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
        .filter(pk=1)
        .update(lease_until=until, last_attempt_at=now)
    )
    return until if claimed else None


def _preview(raw: bytes) -> str:
    """Return one line saying what a pass would do with `raw` (dry run: nothing written)."""
    key = rules.fingerprint(_message_id_of(raw), raw)
    if InboundMessage.objects.filter(fingerprint=key).exists():
        return "already recorded: would only be moved"
    try:
        parsed = email_import.parse_email(raw)
    except email_import.EmailImportError as error:
        return f"needs attention: {error}"
    kind = rules.classify(
        sender_email=parsed.sender_email,
        subject=parsed.subject,
        auto_headers=parsed.auto_headers,
        report_type=parsed.report_type,
    )
    if kind != rules.Kind.MESSAGE:
        return f"{kind.value}: {parsed.subject[:80]}"
    entry, _outbound = _thread_entry(parsed)
    if entry is not None:
        return f"reply to {entry.reference}: {parsed.subject[:80]}"
    return f"triage inbox: {parsed.subject[:80]}"


def fetch_mail(
    *,
    dry_run: bool = False,
    config: rules.MailboxConfig | None = None,
    batch: int = BATCH,
) -> PassResult:
    """Read the SPOC mailbox once: record, sort and move every message waiting in its folder.

    Effects: messages left unsorted by an earlier pass sorted first (no server needed); then,
    holding the lease, for each message in the folder (oldest first, at most `batch`):
    recorded (committed), sorted, moved to the processed folder, ``moved_at`` set. The
    MailboxState row records the attempt, and success (messages still waiting) or the failure's
    reason; a failure stops the pass and the next one (beat, a minute later) starts over.
    `dry_run` connects and says what would be done, writing nothing and moving nothing.
    """
    config = config or mailbox_config()
    if config is None:
        return PassResult(configured=False)
    result = PassResult()
    lease = None
    if not dry_run:
        result.sorted_pending = sort_pending()
        lease = _claim(timezone.now())
        if lease is None:
            result.busy = True
            return result
    try:
        _read_folder(config, result, dry_run=dry_run, batch=batch)
    except imap.MailboxUnavailable as error:
        result.error = error.reason
        logger.warning("SPOC mailbox pass failed: %s", error.reason)
        if not dry_run:
            MailboxState.objects.filter(pk=1).update(
                last_error=error.reason,
                last_error_at=timezone.now(),
                consecutive_failures=F("consecutive_failures") + 1,
            )
        return result
    finally:
        # Only our own lease: if ours ran out and another pass took over, its lease stays.
        if lease is not None:
            MailboxState.objects.filter(pk=1, lease_until=lease).update(lease_until=None)
    if not dry_run:
        MailboxState.objects.filter(pk=1).update(
            last_success_at=timezone.now(),
            last_error="",
            consecutive_failures=0,
            waiting_on_server=result.waiting_on_server,
        )
    return result


def _read_folder(
    config: rules.MailboxConfig, result: PassResult, *, dry_run: bool, batch: int
) -> None:
    """Record, sort and move each waiting message (fetch_mail's loop); fill in `result`."""
    with imap.open_mailbox(
        config, timeout=settings.MAILBOX_TIMEOUT, ca_file=settings.MAILBOX_CA_FILE
    ) as mailbox:
        waiting, total = mailbox.waiting(batch)
        if not dry_run and total == len(waiting):
            # The whole folder is in view: a message recorded but no longer in it was moved by
            # a pass that died between the move and recording it (a worker killed). Record the
            # move now, or it would wait for ever as "not yet moved".
            InboundMessage.objects.filter(
                folder=config.folder,
                uidvalidity=mailbox.uidvalidity,
                uid__isnull=False,
                moved_at__isnull=True,
            ).exclude(uid__in=[m.uid for m in waiting]).update(moved_at=timezone.now())
        for server_message in waiting:
            too_large = server_message.size > MAX_MESSAGE_BYTES
            raw = mailbox.read(server_message.uid, headers_only=too_large)
            if raw is None:
                continue
            if dry_run:
                result.previews.append(f"UID {server_message.uid}: {_preview(raw)}")
                continue
            problem = ""
            if too_large:
                problem = _(
                    "The message is %(size)s, over the %(limit)s the mailbox reads: only its "
                    "headers are here. Open it in the %(folder)s folder of the mailbox."
                ) % {
                    "size": filesizeformat(server_message.size),
                    "limit": filesizeformat(MAX_MESSAGE_BYTES),
                    "folder": config.move_to,
                }
            message, created = record_message(
                raw,
                received_at=server_message.internal_date,
                folder=config.folder,
                uid=server_message.uid,
                uidvalidity=mailbox.uidvalidity,
                problem=problem,
            )
            if created:
                result.recorded += 1
            else:
                result.already_recorded += 1
            if message.state == State.RECEIVED:
                sort_message(message.pk)
            mailbox.move_done(server_message.uid)
            InboundMessage.objects.filter(pk=message.pk, moved_at__isnull=True).update(
                moved_at=timezone.now()
            )
            result.moved += 1
        result.waiting_on_server = total - result.moved


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
    message.state, message.entry = State.ACCEPTED, entry
    message.decided_by, message.decided_at, message.decision_note = by, now, skipped
    _save(message, ["state", "entry", "decided_by", "decided_at", "decision_note"], by, now)
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
    message.state, message.entry = State.DUPLICATE, original
    message.decided_by, message.decided_at, message.decision_note = by, now, note.strip()
    _save(message, ["state", "entry", "decided_by", "decided_at", "decision_note"], by, now)
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
    message.state, message.dismiss_reason = State.DISMISSED, reason
    message.decided_by, message.decided_at, message.decision_note = by, now, note.strip()
    fields = ["state", "dismiss_reason", "decided_by", "decided_at", "decision_note"]
    _save(message, fields, by, now)
    return message
