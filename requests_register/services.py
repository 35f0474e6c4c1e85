"""Every write to the register: logging, the status funnel, answers, assignments, notes.

E-mail goes through requests_register.outbox: recorded in the same transaction as the change
that causes it, sent by a Celery task after commit.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm

from election_protocol import calendar
from election_protocol.models import Election
from election_protocol.roles import Role
from requests_register import hooks, outbox, rules
from requests_register.models import (
    Assignment,
    Attachment,
    Contribution,
    Entry,
    Note,
    OutboundEmail,
    StatusEvent,
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


@transaction.atomic
def log_entry(
    *,
    election: Election,
    by,
    received_at: datetime,
    channel: str,
    kind: str,
    topic: str,
    question: str,
    requester_type: str,
    requester_name: str,
    first_reached: str = Entry.Organisation.OPCC,
    redirected_at: datetime | None = None,
    candidate=None,
    party=None,
    requester_email: str = "",
    requester_phone: str = "",
    requester_address: str = "",
    attachments: Iterable[IncomingFile] = (),
    acknowledge: bool = False,
    initiated_by_office: bool = False,
    now: datetime | None = None,
) -> Entry:
    """Put a new contact on the register.

    Effects: the election row locked to number the entry (`<prefix>-0001`, …); the entry with
    how its requester is treated decided now, from the election's policy and the candidate's
    status now (Cumbria 1.1, 6.1.1), and its target date; a StatusEvent (logged); attachments
    stored; the person who logged it may see it (object permission, for liaisons); if
    `acknowledge`, an acknowledgement e-mail queued (written requests with an e-mail address).
    `initiated_by_office`: a contact the office started (no request to confirm or acknowledge,
    no reply owed). The entry's owner is whoever logged it if they are in the SPOC team.
    """
    now = now or timezone.now()
    if received_at > now:
        raise ValidationError({"received_at": "The date received cannot be in the future."})
    if candidate is not None and candidate.election_id != election.pk:
        raise ValidationError({"candidate": "That candidate stands in another election."})
    # Every file checked before anything is written: a refused second file must not leave the
    # first one on disk (the rows roll back; files in storage would not).
    attachments = list(attachments)
    for file in attachments:
        check_attachment(file)
    Election.objects.select_for_update().filter(pk=election.pk).first()
    number = (Entry.objects.filter(election=election).aggregate(n=Max("number"))["n"] or 0) + 1
    treated = rules.treated_as_candidate(
        requester_type,
        candidate.status if candidate else None,
        election.undeclared_treated_as == "candidate",
    )
    target = target_for(election, kind, received_at)
    entry = Entry(
        election=election,
        number=number,
        reference=f"{election.reference_prefix}-{number:04d}",
        received_at=received_at,
        channel=channel,
        first_reached=first_reached,
        redirected_at=redirected_at,
        kind=kind,
        topic=topic.strip(),
        question=question,
        requester_type=requester_type,
        candidate=candidate,
        party=party,
        requester_name=requester_name.strip(),
        requester_email=requester_email.strip(),
        requester_phone=requester_phone.strip(),
        requester_address=requester_address,
        treated_as=Entry.TreatedAs.CANDIDATE if treated else Entry.TreatedAs.PUBLIC,
        initiated_by_office=initiated_by_office,
        owner=by if by.groups.filter(name=Role.SPOC.value).exists() else None,
        target_date=target.due,
        target_explanation=target.explanation,
        created_by=by,
    )
    entry._history_user = by
    entry._history_date = now  # the history reads as the story happened
    entry.save()
    StatusEvent.objects.create(
        entry=entry, old_status="", new_status=rules.Status.LOGGED, at=now, by=by
    )
    for file in attachments:
        _store_attachment(entry, file, by, now)
    assign_perm("requests_register.view_entry", by, entry)
    if (
        acknowledge
        and not initiated_by_office
        and entry.requester_email
        and not rules.needs_confirmation(entry.channel)
    ):
        _email_requester(entry, "acknowledgement", by, now)
    return entry


EDITABLE_FIELDS = (
    "received_at",
    "channel",
    "first_reached",
    "redirected_at",
    "kind",
    "topic",
    "question",
    "requester_type",
    "candidate",
    "party",
    "requester_name",
    "requester_email",
    "requester_phone",
    "requester_address",
)


@transaction.atomic
def update_entry(
    entry_id: int, *, expected_version: int, by, now: datetime | None = None, **fields: object
) -> Entry:
    """Save edits to an entry's details, refusing them if someone saved it in the meantime.

    Effects: the changed fields and version saved; a history row naming `by`. Raises
    ConcurrentEditError (nothing saved) if the entry's version is no longer `expected_version`.
    How the requester is treated is not recomputed: it was decided at logging (Cumbria 6.1.1).
    A new kind or date received recomputes the target date. A new channel or e-mail address
    clears the written confirmation: no reply may go until the request is confirmed again at
    that address (Cumbria 6.1.2).
    """
    now = now or timezone.now()
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    entry = Entry.objects.select_for_update().get(pk=entry_id)
    if entry.version != expected_version:
        raise ConcurrentEditError(
            _(
                "Someone else saved this entry while you were editing it. Your changes are below "
                "but were not saved: check the entry as it is now, then save again."
            )
        )
    if fields.get("received_at") and fields["received_at"] > now:
        raise ValidationError({"received_at": "The date received cannot be in the future."})
    changed = {name for name, value in fields.items() if getattr(entry, name) != value}
    for name, value in fields.items():
        setattr(entry, name, value)
    extra = ["version"]
    if changed & {"kind", "received_at"}:
        target = target_for(entry.election, entry.kind, entry.received_at)
        entry.target_date, entry.target_explanation = target.due, target.explanation
        extra += ["target_date", "target_explanation"]
    if changed & {"channel", "requester_email"} and entry.confirmed_at is not None:
        entry.confirmed_at = None
        extra.append("confirmed_at")
    entry.version += 1
    entry._history_user = by
    entry._history_date = now  # the history reads as the story happened
    entry.save(update_fields=[*fields, *extra])
    return entry


def _facts(
    entry: Entry,
    new: rules.Status,
    by,
    reason: str,
    material,
    duplicate_of,
    may_approve: bool,
    no_reply_reason: str = "",
    answered_elsewhere: bool = False,
) -> rules.EntryFacts:
    return rules.EntryFacts(
        status=rules.Status(entry.status),
        channel=rules.Channel(entry.channel),
        confirmed=entry.confirmed_at is not None,
        has_requester_email=bool(entry.requester_email),
        has_answer=bool(entry.answer.strip()),
        drafted_by_id=entry.drafted_by_id,
        actor_id=by.pk,
        actor_may_approve=may_approve,
        reason=reason,
        material_published=(material.published if material is not None else None),
        original_status=rules.Status(duplicate_of.status) if duplicate_of is not None else None,
        no_reply_reason=no_reply_reason,
        office_initiated=entry.initiated_by_office,
        answered_elsewhere=answered_elsewhere,
    )


@transaction.atomic
def set_entry_status(
    entry_id: int,
    new: rules.Status | str,
    *,
    by,
    reason: str = "",
    material=None,
    duplicate_of=None,
    may_approve: bool = False,
    no_reply_reason: str = "",
    reply_template: str = "",
    answered_elsewhere: bool = False,
    now: datetime | None = None,
) -> Entry:
    """Move an entry to `new`: the one funnel for every status change of the register.

    Checks rules.check_entry_transition (written confirmation first for oral requests, replies
    by e-mail only, four eyes on approval, reasons for endings) and raises
    rules.TransitionError with a message for the user. Effects, in one transaction:
    - awaiting confirmation: the confirmation e-mail queued (Cumbria 6.1.2);
    - in progress from awaiting confirmation: confirmed_at set (the requester confirmed);
    - approved: approved_by and approved_at;
    - back to in progress after a return or reopening: approval, reply and ending cleared;
    - sent, or an ending with a reply (refused, referred, material): the reply queued from its
      template, and the same reply to the requester of every entry marked its duplicate;
      answered_at set;
    - closed from logged, awaiting confirmation or in progress ("no reply needed"): the
      NoReplyReason and the note kept, nothing sent (signed off for NO_REPLY_SIGNED_OFF);
    - an ending: its reason (and material or original) kept; a duplicate of an entry that has
      had its final reply gets that reply now, otherwise a note that it will follow;
    - the version bumped, a StatusEvent row and a history row naming `by`.
    `reply_template` replaces the reply's template (an FOI refusal notice: foi.services);
    `answered_elsewhere` closes an FOI request another authority disclosed (answered_at set,
    no reply: rules.CLOSED_ELSEWHERE_FROM).
    """
    now = now or timezone.now()
    new = rules.Status(new)
    entry = (
        Entry.objects.select_for_update(of=("self",))
        .select_related("election", "material")
        .get(pk=entry_id)
    )
    if duplicate_of is not None:
        # Read afresh: the caller's copy may be older than the original's latest answer.
        duplicate_of = Entry.objects.filter(pk=duplicate_of.pk).first()
    if duplicate_of is not None and (
        duplicate_of.pk == entry.pk or duplicate_of.election_id != entry.election_id
    ):
        raise rules.TransitionError(_("Choose another entry of this election as the original."))
    rules.check_entry_transition(
        new,
        _facts(
            entry,
            new,
            by,
            reason,
            material,
            duplicate_of,
            may_approve,
            no_reply_reason,
            answered_elsewhere,
        ),
    )
    old = rules.Status(entry.status)
    changed = ["status", "version"]
    if new == rules.Status.IN_PROGRESS and old == rules.Status.AWAITING_CONFIRMATION:
        entry.confirmed_at = now
        changed.append("confirmed_at")
    elif new == rules.Status.IN_PROGRESS and old != rules.Status.LOGGED:
        # A return or a reopening starts sign-off again: the old approval, reply and ending stay
        # in the history and the timeline, not on the entry.
        entry.approved_by = entry.approved_at = entry.answered_at = None
        entry.ending_reason, entry.material, entry.duplicate_of = "", None, None
        entry.no_reply_reason = ""
        changed += [
            "no_reply_reason",
            "approved_by",
            "approved_at",
            "answered_at",
            "ending_reason",
            "material",
            "duplicate_of",
        ]
    if new == rules.Status.APPROVED:
        entry.approved_by, entry.approved_at = by, now
        changed += ["approved_by", "approved_at"]
    if new in rules.ENDINGS:
        entry.ending_reason = reason.strip()
        entry.material = material if new == rules.Status.ANSWERED_BY_MATERIAL else None
        entry.duplicate_of = duplicate_of if new == rules.Status.DUPLICATE else None
        changed += ["ending_reason", "material", "duplicate_of"]
    if rules.is_no_reply_closure(old, new):
        entry.no_reply_reason = no_reply_reason
        entry.ending_reason = reason.strip()
        changed += ["no_reply_reason", "ending_reason"]
    if new in rules.SENDS_REPLY or (answered_elsewhere and entry.answered_at is None):
        entry.answered_at = now
        changed.append("answered_at")
    if answered_elsewhere:
        entry.ending_reason = reason.strip()
        changed.append("ending_reason")
    entry.status = new
    entry.version += 1
    entry._history_user = by
    entry._history_date = now  # the history reads as the story happened
    entry.save(update_fields=changed)
    StatusEvent.objects.create(
        entry=entry, old_status=old, new_status=new, at=now, by=by, reason=reason.strip()
    )

    if new == rules.Status.AWAITING_CONFIRMATION:
        _email_requester(entry, "confirmation", by, now)
    elif new == rules.Status.DUPLICATE:
        original = entry.duplicate_of
        # An original closed without a reply has no reply to pass on.
        if rules.Status(original.status) in FINAL_REPLIES and not original.no_reply_reason:
            _pass_on_reply(entry, original, by, now)
        else:
            _email_requester(entry, "duplicate", by, now, original=original.reference)
    elif new in rules.SENDS_REPLY:
        # Documents sent with the answer (answer_documents.py) go with the reply.
        files = (
            [(d.filename, d.content_type, bytes(d.data)) for d in entry.answer_documents.all()]
            if new == rules.Status.SENT
            else []
        )
        outbox.queue_templated_email(
            key=reply_template or reply_key(entry, new),
            entry=entry,
            to=[entry.requester_email],
            context=_context(entry),
            by=by,
            now=now,
            attachments=files,
        )
        # The same answer goes to everyone who asked the same thing.
        waiting = entry.duplicates.filter(status=rules.Status.DUPLICATE).exclude(requester_email="")
        for duplicate in waiting.select_related("election"):
            _pass_on_reply(duplicate, entry, by, now)
    if new == rules.Status.REFERRED_TO_PARO:
        _copy_paro(entry, by, now)
    return entry


def _copy_paro(entry: Entry, by, now: datetime) -> None:
    """Copy the PARO on a referral (issue 13): the question, its reference, topic and date,
    never the requester's name or address (they were told to contact the PARO themselves).
    The copy is an OutboundEmail linked to the entry, so it is kept and shown on the entry."""
    election = entry.election
    if not election.paro_email:
        return
    outbox.queue_templated_email(
        key="paro_referral_copy",
        entry=entry,
        to=[election.paro_email],
        context=_context(
            entry,
            name="",
            received=f"{timezone.localtime(entry.received_at):%-d %B %Y}",
        ),
        by=by,
        now=now,
    )


@transaction.atomic
def set_target_date(
    entry_id: int, *, due: date, explanation: str, by, why: str, now: datetime | None = None
) -> Entry:
    """Move an entry's target date, with its explanation: an FOI request's clock stopped,
    restarted or extended (foi.services). Effects: target date and explanation saved, the
    version bumped, a history row naming `by` with `why`."""
    now = now or timezone.now()
    entry = Entry.objects.select_for_update().get(pk=entry_id)
    entry.target_date, entry.target_explanation = due, explanation
    entry.version += 1
    entry._history_user = by
    entry._history_date = now
    entry._change_reason = why
    entry.save(update_fields=["target_date", "target_explanation", "version"])
    return entry


@transaction.atomic
def record_reply_elsewhere(entry_id: int, *, what: str, by, now: datetime | None = None) -> Entry:
    """Record that an entry was answered outside the register's own replies, e.g. a booking's
    decision letter (briefings): the reply counts for the parity figures (Norfolk 19).

    Effects: answered_at set if the entry has none yet (the first reply counts), the version
    bumped and a history row naming `by` (reason `what`).
    """
    now = now or timezone.now()
    entry = Entry.objects.select_for_update().get(pk=entry_id)
    changed = ["version"]
    if entry.answered_at is None:
        entry.answered_at = now
        changed.append("answered_at")
    entry.version += 1
    entry._history_user = by
    entry._history_date = now
    entry._change_reason = what
    entry.save(update_fields=changed)
    return entry


# An original in one of these has given its final reply, which its duplicates then receive.
FINAL_REPLIES = frozenset(
    {
        rules.Status.SENT,
        rules.Status.CLOSED,
        rules.Status.REFERRED_TO_PARO,
        rules.Status.ANSWERED_BY_MATERIAL,
        rules.Status.REFUSED,
    }
)


def reply_key(entry: Entry, status: rules.Status) -> str:
    """Return the e-mail template of the reply for `entry` reaching `status`: a refused
    hustings or campaign-event invitation has its own wording (Norfolk 20), not the refusal of
    information."""
    status = rules.Status(status)
    if status in (rules.Status.SENT, rules.Status.CLOSED):
        return "reply"
    if status == rules.Status.REFUSED and entry.kind == rules.Kind.HUSTINGS:
        return "refused_hustings"
    return status.value


def _pass_on_reply(duplicate: Entry, original: Entry, by, now: datetime) -> None:
    """Queue to a duplicate's requester the reply the original's requester received."""
    key = reply_key(original, rules.Status(original.status))
    # The same answer, with the same documents (answer_documents.py).
    files = (
        [(d.filename, d.content_type, bytes(d.data)) for d in original.answer_documents.all()]
        if key == "reply"
        else []
    )
    outbox.queue_templated_email(
        key=key,
        entry=duplicate,
        to=[duplicate.requester_email],
        context=_context(
            duplicate,
            answer=original.answer,
            reason=original.ending_reason,
            material_title=original.material.title if original.material else "",
            material_url=original.material.public_location if original.material else "",
        ),
        by=by,
        now=now,
        attachments=files,
    )


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
    entry._history_user = by
    entry._history_date = now  # the history reads as the story happened
    entry.save(update_fields=["answer", "drafted_by"])
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
        subject, body = outbox.render_template(
            "assignment",
            {
                "reference": entry.reference,
                "topic": entry.topic,
                "request": request.strip() or _("see the entry"),
                "target_date": f"{entry.target_date:%A %-d %B %Y}",
            },
        )
        outbox.queue_email(
            purpose="assignment",
            to=[assignee.email],
            subject=subject,
            body=body,
            reply_to=entry.election.spoc_email,
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


def _digest_line(entry: Entry, today: date) -> str:
    state = "OVERDUE" if entry.target_date < today else f"due {entry.target_date:%a %-d %b}"
    status = rules.STATUS_LABELS[rules.Status(entry.status)]
    return f"- {entry.reference} {entry.topic} ({status}, {state})"


@transaction.atomic
def queue_daily_digests(election: Election, *, today: date, now: datetime | None = None) -> int:
    """Queue the daily digest: to each SPOC officer every open entry of the election, and to
    each colleague with assigned entries their own open ones; overdue first, then by target.

    Effects: one outbox e-mail per person with something open and an e-mail address (no
    requester details in it). Idempotent per day: someone who already has today's digest is
    skipped, so a re-run of the beat task never sends twice. Returns how many were queued.
    """
    now = now or timezone.now()
    # Two runs at once (beat and a manual run) queue each digest once: the second waits here,
    # then finds the first one's rows.
    Election.objects.select_for_update().filter(pk=election.pk).first()
    purpose = f"digest:{today:%Y-%m-%d}"
    open_entries = Entry.objects.filter(election=election, status__in=[s.value for s in rules.OPEN])
    recipients: dict[int, tuple[object, list[Entry]]] = {}
    spocs = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.SPOC.value)
        .exclude(email="")
    )
    everything = list(open_entries.order_by("target_date", "number"))
    for user in spocs:
        recipients[user.pk] = (user, everything)
    assignments = (
        Assignment.objects.filter(entry__in=open_entries, assignee__is_active=True)
        .exclude(assignee__email="")
        .select_related("assignee", "entry")
        .order_by("entry__target_date", "entry__number")
    )
    for assignment in assignments:
        user = assignment.assignee
        if user.pk in recipients and recipients[user.pk][1] is everything:
            continue
        recipients.setdefault(user.pk, (user, []))[1].append(assignment.entry)
    already = set(
        OutboundEmail.objects.filter(purpose=purpose).values_list("created_by_id", flat=True)
    )
    queued = 0
    # The later apps' sections (open incidents the person may see, issue 12; answers awaiting
    # publication for the SPOC officers, issue 13), registered in requests_register.hooks.
    sections = hooks.prepare_digest(election, today, now)
    for user, entries in recipients.values():
        if user.pk in already:
            continue
        extra: list[str] = []
        for heading, lines_for in sections:
            lines = lines_for(user, entries is everything)
            if lines:
                extra += ["", heading, *lines]
        if not entries and not extra:
            continue
        ordered = sorted(entries, key=lambda e: (e.target_date >= today, e.target_date, e.number))
        subject, body = outbox.render_template(
            "digest",
            {
                "name": user.get_full_name() or user.get_username(),
                "items": "\n".join([_digest_line(e, today) for e in ordered] + extra),
                "spoc_name": election.spoc_name,
                "office_name": election.office_name,
            },
        )
        # created_by marks whose digest it is, so a second run the same day skips them.
        outbox.queue_email(
            purpose=purpose,
            to=[user.email],
            subject=subject,
            body=body,
            reply_to=election.spoc_email,
            by=user,
            now=now,
        )
        queued += 1
    return queued
