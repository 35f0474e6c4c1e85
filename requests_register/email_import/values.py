"""What an import produces: frozen values, and the one error it raises (fit for staff)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class EmailImportError(ValueError):
    """The input cannot be read as an e-mail; the message is safe to show to staff."""


@dataclass(frozen=True)
class ImportedAttachment:
    """One attached file (or forwarded message) with a sanitised, safe basename."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class ImportedEmail:
    """What a new register entry is pre-filled from; every text field is decoded Unicode."""

    sender_name: str
    sender_email: str
    received_at: datetime | None
    subject: str
    body: str
    attachments: tuple[ImportedAttachment, ...]
    # What the SPOC mailbox (mail_intake) needs to thread, and to tell bounces and automatic
    # replies from requests; the .eml import ignores them.
    message_id: str = ""
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    # Headers that mark a message as automatic (RFC 3834 Auto-Submitted, Precedence, the
    # X-Auto* family), lower-cased names, values as received.
    auto_headers: tuple[tuple[str, str], ...] = ()
    # The report-type of a multipart/report (RFC 6522), e.g. "delivery-status"; else "".
    report_type: str = ""
    delivery_report: DeliveryReport | None = None


@dataclass(frozen=True)
class DeliveryReport:
    """What a delivery status notification (RFC 3464) says about the message it returns."""

    original_message_id: str
    action: str
    status: str
    diagnostic: str
