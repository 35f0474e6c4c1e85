"""What an outgoing e-mail may hold (one-line headers, real addresses, attachments within limits),
the message built from its row, and how a failure is retried and described. No database writes."""

from __future__ import annotations

import re
import smtplib
import string
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email

from requests_register.models import OutboundAttachment, OutboundEmail

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
