"""Documents sent with an answer (outbound attachments, issue 13 item 8).

Checked like uploads (services.check_attachment: size, type, name and first bytes agree) and
kept in the database with the entry; when the answer is sent, services.set_entry_status
attaches them to the reply in the outbox. They can change only while the answer can.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_register import outbox, rules, services
from requests_register.models import AnswerDocument, Entry

# While the answer may still change: after approval the documents are part of what was approved.
EDITABLE = frozenset({rules.Status.LOGGED, rules.Status.IN_PROGRESS})


def _check_editable(entry: Entry) -> None:
    if rules.Status(entry.status) not in EDITABLE:
        raise rules.TransitionError(
            _("Documents can be changed only while the answer is being written (in progress).")
        )


@transaction.atomic
def add_answer_documents(
    entry_id: int, files: Iterable[services.IncomingFile], *, by, now: datetime | None = None
) -> list[AnswerDocument]:
    """Add documents to send with the answer. All checked before any is kept (all or none).

    Raises ValidationError (size, type, content) or rules.TransitionError (answer no longer
    editable). Effects: AnswerDocument rows.
    """
    now = now or timezone.now()
    entry = Entry.objects.select_for_update().get(pk=entry_id)
    _check_editable(entry)
    files = list(files)
    if not files:
        raise ValidationError(_("Choose at least one file."))
    for file in files:
        services.check_attachment(file)
    # The e-mail must stay sendable: the same limits as the outbox (name, 10 MB in all).
    existing = [(d.filename, d.content_type, bytes(d.data)) for d in entry.answer_documents.all()]
    try:
        outbox.check_attachments(
            existing + [(f.filename[:255], f.content_type, f.data) for f in files]
        )
    except ValueError as error:
        raise ValidationError(str(error)) from None
    return [
        AnswerDocument.objects.create(
            entry=entry,
            token=secrets.token_urlsafe(24),
            filename=f.filename[:255],
            content_type=f.content_type,
            size=len(f.data),
            data=f.data,
            added_by=by,
            added_at=now,
        )
        for f in files
    ]


@transaction.atomic
def remove_answer_document(token: str, *, entry_id: int) -> None:
    """Remove a document from the answer. Raises rules.TransitionError if the answer can no
    longer change. Effects: the AnswerDocument row deleted."""
    entry = Entry.objects.select_for_update().get(pk=entry_id)
    _check_editable(entry)
    AnswerDocument.objects.filter(entry=entry, token=token).delete()
