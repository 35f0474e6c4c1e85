"""What every write to the register shares: attachments checked and stored, the target date of a
new entry, and the e-mail to its requester (through the outbox)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from election_protocol import calendar
from election_protocol.models import Election
from requests_register import outbox, rules
from requests_register.models import (
    Attachment,
    Entry,
)

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


ALLOWED_ATTACHMENT_TYPES = {
    "application/pdf": ".pdf",
    "text/plain": ".txt",
    "text/csv": ".csv",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "message/rfc822": ".eml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/msword": ".doc",
    "application/vnd.ms-excel": ".xls",
}


class ConcurrentEditError(Exception):
    """Someone else saved the entry after this edit began; nothing was saved."""


@dataclass(frozen=True)
class IncomingFile:
    filename: str
    content_type: str
    data: bytes

    @classmethod
    def from_upload(cls, upload) -> IncomingFile:
        """Return an uploaded file as the services take it (an unknown type as
        application/octet-stream, which the attachment checks refuse)."""
        return cls(upload.name, upload.content_type or "application/octet-stream", upload.read())


def check_attachment(file: IncomingFile) -> None:
    """Raise ValidationError saying what to fix if `file` is too big or of a refused type."""
    if len(file.data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("%(filename)s is larger than %(MAX_ATTACHMENT_BYTES)s MB.")
            % {
                "filename": file.filename,
                "MAX_ATTACHMENT_BYTES": MAX_ATTACHMENT_BYTES // (1024 * 1024),
            }
        )
    if file.content_type not in ALLOWED_ATTACHMENT_TYPES:
        allowed = ", ".join(sorted(set(ALLOWED_ATTACHMENT_TYPES.values())))
        raise ValidationError(
            _("%(filename)s is not a file type we keep: use %(allowed)s.")
            % {"filename": file.filename, "allowed": allowed}
        )
    # The declared type is the sender's claim: the name and the first bytes must agree with it.
    problem = rules.attachment_type_problem(
        file.filename, file.content_type, file.data, ALLOWED_ATTACHMENT_TYPES
    )
    if problem:
        raise ValidationError(problem)


def target_for(election: Election, kind: str, received: datetime) -> calendar.DueDate:
    """Return the target date for an entry, explained (which days were skipped).

    FOI requests: the 20th working day after receipt (FOIA s.10), where days of thanksgiving or
    mourning count as non-working. Other requests: the election's routine target in office
    working days, where office closures count too (Norfolk protocol 10).
    """
    day = timezone.localdate(received)
    days = election.days_off()
    if kind == rules.Kind.FOI:
        return calendar.foi_due(day, [d.date for d in days if d.affects_statutory_deadlines])
    return calendar.office_target(day, election.routine_target_working_days, [d.date for d in days])


def _context(entry: Entry, **extra: str) -> dict[str, str]:
    election = entry.election
    base = {
        "reference": entry.reference,
        "name": entry.requester_name,
        "topic": entry.topic,
        "question": entry.question,
        "answer": entry.answer,
        "reason": entry.ending_reason,
        "material_title": entry.material.title if entry.material else "",
        "material_url": entry.material.public_location if entry.material else "",
        "paro_name": election.paro_name,
        "paro_email": election.paro_email,
        "spoc_name": election.spoc_name,
        "spoc_email": election.spoc_email,
        "office_name": election.office_name,
    }
    base.update(extra)
    return base


def _email_requester(entry: Entry, key: str, by, now: datetime, **extra: str) -> None:
    outbox.queue_templated_email(
        key=key,
        entry=entry,
        to=[entry.requester_email],
        context=_context(entry, **extra),
        by=by,
        now=now,
    )


def _store_attachment(entry: Entry, file: IncomingFile, by, now: datetime) -> Attachment:
    check_attachment(file)
    attachment = Attachment(
        entry=entry,
        token=secrets.token_urlsafe(24),
        filename=file.filename[:255],
        content_type=file.content_type,
        size=len(file.data),
        uploaded_by=by,
        uploaded_at=now,
    )
    attachment.file.save(attachment.token, ContentFile(file.data), save=False)
    attachment.save()
    return attachment
