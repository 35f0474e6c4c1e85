"""The work on an entry: the draft answer, assignments, contributions, notes, attachments added
later, and the Chief Executive's named approvers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm

from election_protocol.models import Election
from election_protocol.services import save_with_history
from requests_register import outbox, rules
from requests_register.models import (
    Assignment,
    Attachment,
    Contribution,
    Entry,
    Note,
)
from requests_register.services.common import (
    IncomingFile,
    _store_attachment,
    check_attachment,
)
from requests_register.services.status import set_entry_status


@transaction.atomic
def draft_answer(entry_id: int, *, answer: str, by, now: datetime | None = None) -> Entry:
    """Save the answer and mark it drafted, by `by` (who then cannot approve it).

    Effects: answer and drafted_by saved, then set_entry_status(answer drafted).
    """
    now = now or timezone.now()
    entry = Entry.objects.select_for_update().get(pk=entry_id)
    if rules.Status(entry.status) != rules.Status.IN_PROGRESS:
        raise rules.TransitionError(
            _("An answer can be drafted only while the entry is in progress.")
        )
    if not answer.strip():
        raise rules.TransitionError(_("Write the answer before marking it drafted."))
    entry.answer = answer.strip()
    entry.drafted_by = by
    save_with_history(entry, by=by, at=now, fields=["answer", "drafted_by"])
    return set_entry_status(entry_id, rules.Status.ANSWER_DRAFTED, by=by, now=now)


@transaction.atomic
def assign_entry(
    entry_id: int, *, assignee, by, request: str = "", now: datetime | None = None
) -> Assignment:
    """Ask a colleague (liaison or chief's office) to supply information for an entry.

    Effects: an Assignment row; the assignee may now view the entry and add a contribution
    (object permissions); an e-mail to the assignee saying what is needed (no requester details).
    """
    now = now or timezone.now()
    entry = (
        Entry.objects.select_for_update(of=("self",)).select_related("election").get(pk=entry_id)
    )
    if not entry.is_open:
        raise rules.TransitionError(_("Reopen the entry before asking for more information."))
    assignment, created = Assignment.objects.get_or_create(
        entry=entry,
        assignee=assignee,
        defaults={"assigned_by": by, "assigned_at": now, "request": request.strip()},
    )
    if not created:
        raise rules.TransitionError(
            _("%(username)s is already assigned to this entry.")
            % {"username": assignee.get_username()}
        )
    assign_perm("requests_register.view_entry", assignee, entry)
    assign_perm("requests_register.contribute_entry", assignee, entry)
    if assignee.email:
        outbox.queue_templated_email(
            key="assignment",
            context={
                "reference": entry.reference,
                "topic": entry.topic,
                "request": request.strip() or _("see the entry"),
                "target_date": f"{entry.target_date:%A %-d %B %Y}",
            },
            to=[assignee.email],
            entry=entry,
            by=by,
            now=now,
        )
    return assignment


@transaction.atomic
def add_contribution(entry_id: int, *, body: str, by, now: datetime | None = None) -> Contribution:
    """Record information a colleague supplied. Effects: a Contribution row."""
    if not body.strip():
        raise ValidationError({"body": "Write the information you are supplying."})
    entry = Entry.objects.select_for_update().get(pk=entry_id)
    return Contribution.objects.create(
        entry=entry, author=by, body=body.strip(), created_at=now or timezone.now()
    )


@transaction.atomic
def add_note(entry_id: int, *, kind: str, body: str, by, now: datetime | None = None) -> Note:
    """Record a note, decision or risk mitigation. Effects: a Note row."""
    if not body.strip():
        raise ValidationError({"body": "Write the note."})
    entry = Entry.objects.get(pk=entry_id)
    return Note.objects.create(
        entry=entry, kind=kind, body=body.strip(), author=by, created_at=now or timezone.now()
    )


@transaction.atomic
def add_attachments(
    entry_id: int, files: Iterable[IncomingFile], *, by, now: datetime | None = None
) -> list[Attachment]:
    """Store files with an entry. Effects: Attachment rows and their files; all or none."""
    now = now or timezone.now()
    entry = Entry.objects.get(pk=entry_id)
    files = list(files)
    for file in files:  # all checked before any is written (see log_entry)
        check_attachment(file)
    return [_store_attachment(entry, f, by, now) for f in files]


@transaction.atomic
def set_approval_deputies(election: Election, deputies, *, by) -> None:
    """Name who may approve answers in the Chief Executive's place.

    Effects: the election's approval_deputies replaced; a history row of the election (its
    m2m history) naming `by`.
    """
    election = Election.objects.select_for_update().get(pk=election.pk)
    election._history_user = by  # read by simple-history's m2m tracking
    election.approval_deputies.set(deputies)
