"""The pass (`fetch_mail`): under a lease, read a batch from the mailbox, record and sort each
message, and only then move it to the processed folder; a move a killed pass did not record is
recorded by the next pass that sees the whole folder."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from mail_intake import imap, rules
from mail_intake.models import InboundMessage, MailboxState
from mail_intake.services.common import BATCH, MAX_MESSAGE_BYTES, State, mailbox_config
from mail_intake.services.record import _message_id_of, record_message
from mail_intake.services.sorting import _thread_entry, sort_message, sort_pending
from requests_register import email_import

logger = logging.getLogger(__name__)

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
