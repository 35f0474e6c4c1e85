"""The outbox: every outgoing e-mail is recorded first, then sent by a Celery task after commit.

Replies, acknowledgements and confirmations go by e-mail only (Cumbria protocol 6.1.2). The flow:

1. `queue_email` (or `queue_templated_email`) stores an OutboundEmail row in state QUEUED, in the
   caller's transaction, and enqueues `task_send_email` with `transaction.on_commit`.
2. `send_outbound_email` claims the row with a conditional UPDATE (QUEUED/FAILED -> SENDING), so
   only one worker ever sends it, sends it through Django's mailer and records SENT or FAILED.
3. `requeue_unsent` (Celery beat, every two minutes) is the safety net for whatever the broker or a
   worker lost: rows still QUEUED, FAILED rows whose retry never came, and rows left SENDING by a
   worker that died.

Delivery is at least once, never twice by our doing: the claim stops two workers sending the same
row, and a row already SENT is never claimed again. The one duplicate we cannot rule out is a
worker dying after the SMTP server accepted the message but before SENT was stored; the message
then goes again with the same Message-ID, so the receiving side can tell it is the same message.
"""

from __future__ import annotations

import logging
import re
import smtplib
import string
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.utils import make_msgid
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from election_protocol import queue_notice
from requests_register import email_templates
from requests_register.models import EmailTemplate, OutboundAttachment, OutboundEmail

logger = logging.getLogger(__name__)

State = OutboundEmail.State

SENT = "sent"
SKIPPED = "skipped"

# One first attempt and seven retries (the task's max_retries), about two hours in all.
MAX_SEND_ATTEMPTS = 8
# A QUEUED row younger than this is most likely still on its way through the broker.
QUEUED_GRACE = timedelta(minutes=1)
WORKER_STOPPED = "worker stopped while sending; retrying"

# Every character Python treats as a line break, and NUL. Any of them in a header value could
# start a new header (Bcc: ...), so a subject or address containing one is refused outright.
_LINE_BREAK = re.compile(r"[\r\n\x00\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")

# A file sent with an e-mail: (filename, content type, bytes), e.g. a letter as a PDF.
AttachmentSpec = tuple[str, str, bytes]
# All attachments of one e-mail together. Base64 adds a third on the wire, and many receiving
# servers refuse messages much above 10-25 MB; a letter is tens of kilobytes.
MAX_ATTACHMENTS_BYTES = 10 * 1024 * 1024
# Refused in attachment filenames: path separators (a receiver saving the file could write
# outside its folder) and control characters, line breaks included (header injection).
_FILENAME_FORBIDDEN = re.compile(r"[/\\\x00-\x1f\x7f\x85\u2028\u2029]")
# type/subtype only (RFC 6838 4.2 restricted names): no parameters, nothing a header could split.
_CONTENT_TYPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*")


class TransientSendError(Exception):
    """Sending failed for a reason that may pass (SMTP refusal, connection error); retry later.

    `attempts` is how many times the row has now been tried, so the task can stop in time.
    """

    def __init__(self, reason: str, *, attempts: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.attempts = attempts


class UnknownTemplateError(LookupError):
    """No EmailTemplate has the key asked for."""


# --- pure helpers ---------------------------------------------------------------------------


def check_header_value(value: str, what: str) -> None:
    """Raise ValueError if `value` cannot safely go into an e-mail header (header injection)."""
    if not isinstance(value, str):
        raise ValueError(f"The {what} must be text, not {type(value).__name__}.")
    if _LINE_BREAK.search(value):
        raise ValueError(
            f"The {what} contains a line break (CR or LF), which could add e-mail headers; "
            "it must be a single line."
        )


def check_address(address: str, what: str) -> None:
    """Raise ValueError unless `address` is one plain, valid e-mail address on one line."""
    check_header_value(address, what)
    try:
        validate_email(address)
    except ValidationError:
        raise ValueError(f"The {what} {address!r} is not a valid e-mail address.") from None


def one_line(text: str) -> str:
    """Return `text` with every line break replaced by a space and the ends stripped."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def substitute(template: str, context: dict[str, str]) -> str:
    """Return `template` with $name / ${name} placeholders filled from `context`.

    string.Template only looks names up in the dict: `${reference.__class__}` or
    `{reference.__class__}` stay as typed, so an edited template cannot reach any attribute.
    Unknown placeholders stay as typed too (safe_substitute), rather than failing the send.
    """
    return string.Template(template).safe_substitute({k: str(v) for k, v in context.items()})


def check_attachments(attachments: Sequence[AttachmentSpec]) -> list[AttachmentSpec]:
    """Return the attachments as a list of (filename, content type, bytes), or raise ValueError.

    Refused: a filename that is empty, longer than 255 characters, all dots, or holds a path
    separator (/ or \\), CR, LF, NUL or another control character (it goes into a MIME header
    and, at the receiving end, onto a disk); a content type other than a bare type/subtype; data
    that is not bytes; more than MAX_ATTACHMENTS_BYTES in all.
    """
    if isinstance(attachments, (str, bytes)):
        raise ValueError("Give the attachments as a list of (filename, content type, bytes).")
    checked: list[AttachmentSpec] = []
    total = 0
    max_filename = OutboundAttachment._meta.get_field("filename").max_length
    max_content_type = OutboundAttachment._meta.get_field("content_type").max_length
    for attachment in attachments:
        if not isinstance(attachment, tuple) or len(attachment) != 3:
            raise ValueError("Each attachment must be a (filename, content type, bytes) tuple.")
        filename, content_type, data = attachment
        if not isinstance(filename, str) or not filename.strip(". "):
            raise ValueError(f"The attachment filename {filename!r} is empty or not text.")
        if len(filename) > max_filename:
            raise ValueError(f"The attachment filename is longer than {max_filename} characters.")
        if _FILENAME_FORBIDDEN.search(filename):
            raise ValueError(
                f"The attachment filename {filename!r} contains a path separator, a line break "
                "or another control character; give a plain file name."
            )
        if (
            not isinstance(content_type, str)
            or len(content_type) > max_content_type
            or not _CONTENT_TYPE.fullmatch(content_type)
        ):
            raise ValueError(
                f"The content type {content_type!r} of {filename!r} is not a plain "
                "type/subtype such as application/pdf."
            )
        if not isinstance(data, (bytes, bytearray)):
            raise ValueError(f"The content of {filename!r} must be bytes.")
        total += len(data)
        checked.append((filename, content_type.lower(), bytes(data)))
    if total > MAX_ATTACHMENTS_BYTES:
        raise ValueError(
            f"The attachments come to {total:,} bytes; at most {MAX_ATTACHMENTS_BYTES:,} "
            "(10 MB) can be sent with one e-mail."
        )
    return checked


def message_id_domain(from_email: str) -> str:
    """Return the domain part of the sender address, for Message-IDs (RFC 5322 3.6.4)."""
    return from_email.rpartition("@")[2].strip(" >") or "localhost"


def retry_delay_seconds(attempts: int) -> int:
    """Return the back-off before the next try after `attempts` tries: 1, 2, 4 ... 60 minutes.

    Equal to min(60 * 2**retries, 3600) where retries = attempts - 1 (Celery's count).
    """
    return min(60 * 2 ** max(attempts - 1, 0), 3600)


def describe_send_error(error: BaseException) -> str:
    """Return a short reason a person can read for a failed send (stored as last_error)."""

    def text(value: bytes | str) -> str:
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)

    # smtplib's errors are OSErrors too: the SMTP cases come first.
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(
            f"{code} {text(message)}" for code, message in error.recipients.values()
        )
        reason = f"SMTP server refused the recipient: {refused}"
    elif isinstance(error, smtplib.SMTPSenderRefused):
        reason = (
            f"SMTP server refused the sender {error.sender}: "
            f"{error.smtp_code} {text(error.smtp_error)}"
        )
    elif isinstance(error, smtplib.SMTPResponseException):
        reason = f"SMTP server refused: {error.smtp_code} {text(error.smtp_error)}"
    elif isinstance(error, smtplib.SMTPServerDisconnected):
        reason = f"SMTP server closed the connection: {error}"
    elif isinstance(error, smtplib.SMTPException):
        reason = f"SMTP error: {error}"
    elif isinstance(error, TimeoutError):
        reason = "could not connect: the mail server did not answer in time"
    elif isinstance(error, OSError):
        reason = f"could not connect: {error.strerror or error}"
    else:
        reason = f"unexpected error: {type(error).__name__}: {error}"
    # The reason is shown on the entry and logged: never with anyone's e-mail address in it,
    # whatever the server echoed back.
    return one_line(_ADDRESS.sub("[address]", reason))[:500]


_ADDRESS = re.compile(r"<?[\w.+'-]+@[\w-]+(?:\.[\w-]+)+>?")


def build_message(email: OutboundEmail) -> EmailMessage:
    """Return the Django EmailMessage for a stored row, with its fixed Message-ID and files.

    The attachments are the stored bytes, so every try sends the same files. (A text/* file is
    decoded as UTF-8 by Django and may have its line endings normalised on the wire.)
    """
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(email.to),
        reply_to=[email.reply_to] if email.reply_to else None,
        headers={"Message-ID": email.message_id},
    )
    for attachment in email.attachments.all():
        # bytes(): PostgreSQL hands a BinaryField back as a memoryview.
        message.attach(attachment.filename, bytes(attachment.data), attachment.content_type)
    return message


# --- services -------------------------------------------------------------------------------


def _enqueue_send(email_id: int) -> bool:
    """Enqueue task_send_email for one row; return False if the broker could not take it.

    Effects: a message on the Celery broker (or, with eager Celery, the send itself).
    """
    # Imported here: tasks imports this module to call the services.
    from requests_register.tasks import task_send_email

    try:
        task_send_email.delay(email_id=email_id)
    except BrokerError as error:
        # Redis down: the row is already committed as QUEUED/FAILED, so nothing is lost; the
        # periodic requeue sends it once the broker is back.
        logger.warning(
            "E-mail %s left for the periodic requeue: broker unavailable (%s)", email_id, error
        )
        queue_notice.note_deferred(queue_notice.EMAIL)  # the person is told, not shown an error
        return False
    return True


def queue_email(
    *,
    purpose: str,
    to: Sequence[str],
    subject: str,
    body: str,
    reply_to: str = "",
    entry=None,
    by=None,
    now: datetime | None = None,
    attachments: Sequence[AttachmentSpec] = (),
) -> OutboundEmail:
    """Record an e-mail in the outbox and send it after the surrounding transaction commits.

    `attachments` are (filename, content type, bytes) tuples, e.g. a letter as application/pdf.
    Raises ValueError, storing nothing, if the subject or any address holds a line break (header
    injection), an address is not valid, or an attachment is refused (`check_attachments`: bad
    filename or content type, over 10 MB in all).
    Effects: an OutboundEmail row (QUEUED, with a fixed unique Message-ID) and one
    OutboundAttachment row per file, in one transaction; on commit, task_send_email enqueued.
    A broker outage at commit never reaches the caller (the row stays QUEUED and
    `requeue_unsent` picks it up).
    """
    if isinstance(to, str) or not to:
        raise ValueError("Give the recipients as a non-empty list of addresses.")
    check_header_value(subject, "subject")
    for address in to:
        check_address(address, "recipient address")
    if reply_to:
        check_address(reply_to, "Reply-To address")
    if not subject.strip():
        raise ValueError("The subject must not be empty.")
    max_subject = OutboundEmail._meta.get_field("subject").max_length
    if len(subject) > max_subject:
        raise ValueError(f"The subject is longer than {max_subject} characters.")
    max_purpose = OutboundEmail._meta.get_field("purpose").max_length
    if not purpose or len(purpose) > max_purpose:
        raise ValueError(f"The purpose must be 1 to {max_purpose} characters.")
    files = check_attachments(attachments)

    with transaction.atomic():
        email = OutboundEmail.objects.create(
            entry=entry,
            purpose=purpose,
            to=list(to),
            reply_to=reply_to,
            subject=subject,
            body=body,
            message_id=make_msgid(domain=message_id_domain(settings.DEFAULT_FROM_EMAIL)),
            state=State.QUEUED,
            created_at=now or timezone.now(),
            created_by=by,
        )
        # In the e-mail's transaction: a worker never finds the row without its files.
        OutboundAttachment.objects.bulk_create(
            OutboundAttachment(email=email, filename=name, content_type=kind, data=data)
            for name, kind, data in files
        )
        # After commit only: a worker must find the row, and a rolled-back change sends nothing.
        # robust=True: whatever goes wrong enqueueing, the caller's request still succeeds.
        transaction.on_commit(partial(_enqueue_send, email.pk), robust=True)
    return email


def render_template(key: str, context: dict[str, str]) -> tuple[str, str]:
    """Return (subject, body) of the EmailTemplate `key` with `context` substituted.

    A template still as its default (email_templates.DEFAULTS) is rendered in the active
    language; an edited one as written. The subject is collapsed to one line. Raises
    UnknownTemplateError if `key` has neither a template nor a default.
    """
    template = EmailTemplate.objects.filter(key=key).first()
    default = email_templates.DEFAULTS.get(key)
    if template is None and default is None:
        raise UnknownTemplateError(
            f"There is no e-mail template {key!r}. Add it under E-mail templates in the admin "
            "(the defaults are in requests_register/email_templates.py)."
        )
    if default is not None and (
        template is None or (template.subject, template.body) == (default.subject, default.body)
    ):
        subject, body = default.translated()
    else:
        subject, body = template.subject, template.body
    return one_line(substitute(subject, context)), substitute(body, context)


def queue_templated_email(
    *,
    key: str,
    entry,
    to: Sequence[str],
    context: dict[str, str],
    by=None,
    now: datetime | None = None,
    attachments: Sequence[AttachmentSpec] = (),
) -> OutboundEmail:
    """Render the template `key` and queue it to `to`, Reply-To the election's SPOC mailbox.

    Effects: as `queue_email` (purpose = `key`, linked to `entry`, with `attachments`).
    """
    subject, body = render_template(key, context)
    return queue_email(
        purpose=key,
        to=to,
        subject=subject,
        body=body,
        reply_to=entry.election.spoc_email,
        entry=entry,
        by=by,
        now=now,
        attachments=attachments,
    )


def _mark_failed(email_id: int, reason: str) -> None:
    # Only from SENDING: should another worker have sent it meanwhile, SENT stays.
    OutboundEmail.objects.filter(pk=email_id, state=State.SENDING).update(
        state=State.FAILED, last_error=reason
    )


def send_outbound_email(email_id: int, *, now: datetime | None = None) -> str:
    """Send one outbox row unless it is sent or being sent; return "sent" or "skipped".

    Effects: the row claimed (SENDING, attempts + 1, claimed_at) by a conditional update that
    only one caller can win; the message sent through MAILERS["default"] with the stored
    Message-ID, From DEFAULT_FROM_EMAIL; then SENT (sent_at, last_error cleared), or FAILED with
    a readable last_error and TransientSendError raised so the task retries.
    """
    claimed = OutboundEmail.objects.filter(
        pk=email_id, state__in=[State.QUEUED, State.FAILED]
    ).update(state=State.SENDING, attempts=F("attempts") + 1, claimed_at=now or timezone.now())
    if not claimed:
        # Already sent, held by another worker, or gone: sending now could send it twice.
        logger.info("E-mail %s not sent: already sent or being sent", email_id)
        return SKIPPED
    email = OutboundEmail.objects.filter(pk=email_id).first()
    if email is None:  # deleted between the claim and now: nothing to send
        return SKIPPED

    try:
        build_message(email).send(using="default")
    except OSError as error:  # smtplib.SMTPException is an OSError
        reason = describe_send_error(error)
        _mark_failed(email_id, reason)
        logger.warning("E-mail %s failed (attempt %s): %s", email_id, email.attempts, reason)
        raise TransientSendError(reason, attempts=email.attempts) from error
    except Exception as error:
        # Not a network problem (a bug, a bad stored value): record it rather than leave the
        # row SENDING, and let it surface without an automatic retry.
        _mark_failed(email_id, describe_send_error(error))
        raise

    OutboundEmail.objects.filter(pk=email_id).update(
        state=State.SENT, sent_at=now or timezone.now(), last_error=""
    )
    return SENT


def requeue_unsent(
    *,
    now: datetime | None = None,
    stale_after: timedelta = timedelta(minutes=10),
    max_attempts: int = MAX_SEND_ATTEMPTS,
) -> int:
    """Enqueue a send for every row the broker or a worker lost; return how many were enqueued.

    Picks: QUEUED rows older than a minute; FAILED rows with attempts left whose back-off has
    passed by more than `stale_after` (their own retry was lost: earlier, the retry chain is still
    alive and a second chain would only double the traffic); SENDING rows claimed more than
    `stale_after` ago (the worker died mid-send).
    Effects: stale SENDING rows set to FAILED with last_error "worker stopped while sending;
    retrying"; task_send_email enqueued for each row picked. A broker error skips that row (it is
    tried again next time) and never stops the loop.
    """
    now = now or timezone.now()
    stale_before = now - stale_after

    # Committed before anything is enqueued, so a worker finds the rows FAILED and can claim
    # them. (Every other row picked was committed by an earlier transaction, which is why this
    # function enqueues directly instead of through on_commit.)
    with transaction.atomic():
        stale_ids = list(
            OutboundEmail.objects.filter(
                state=State.SENDING, claimed_at__lt=stale_before
            ).values_list("pk", flat=True)
        )
        OutboundEmail.objects.filter(
            pk__in=stale_ids, state=State.SENDING, claimed_at__lt=stale_before
        ).update(state=State.FAILED, last_error=WORKER_STOPPED)

    retry_lost = Q(claimed_at__isnull=True)
    for attempts in range(1, max_attempts):
        retry_due = timedelta(seconds=retry_delay_seconds(attempts))
        retry_lost |= Q(attempts=attempts, claimed_at__lt=stale_before - retry_due)
    picked = OutboundEmail.objects.filter(
        Q(state=State.QUEUED, created_at__lt=now - QUEUED_GRACE)
        | (Q(state=State.FAILED, attempts__lt=max_attempts) & retry_lost)
        | Q(pk__in=stale_ids, state=State.FAILED)
    ).order_by("created_at", "pk")

    enqueued = 0
    for email_id in picked.values_list("pk", flat=True):
        try:
            if _enqueue_send(email_id):
                enqueued += 1
        except Exception:
            # With eager Celery (no Redis) the send runs inside delay() and a failure surfaces
            # here; one bad row must not stop the others being requeued.
            logger.exception("Requeueing e-mail %s failed", email_id)
    return enqueued
