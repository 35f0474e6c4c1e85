"""1. Record a message read from the mailbox: raw bytes, Message-ID, fingerprint (idempotent: a
message seen again is found by its fingerprint)."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from mail_intake import rules
from mail_intake.models import InboundMessage

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
