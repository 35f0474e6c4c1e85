"""The status funnel (set_entry_status) and what it sends: the requester's replies, the PARO's copy,
the reply passed on to a duplicate's requester; a new target date; a reply made elsewhere."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from election_protocol.services import save_with_history
from requests_register import outbox, rules
from requests_register.models import (
    Entry,
    StatusEvent,
)
from requests_register.services.common import (
    _context,
    _email_requester,
)


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
    save_with_history(entry, by=by, at=now, fields=changed)
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
    save_with_history(
        entry, by=by, at=now, why=why, fields=["target_date", "target_explanation", "version"]
    )
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
    save_with_history(entry, by=by, at=now, why=what, fields=changed)
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
