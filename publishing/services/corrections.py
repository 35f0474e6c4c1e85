"""Correcting a published entry: the corrected text previewed, proposed by one person, approved
by another (never the corrector) or rejected; the record names who approved it."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from briefings.models import Booking
from election_protocol.services import save_with_history
from publishing import rules
from publishing.models import Correction, PrivateText, PublicEntry, PublicRedaction
from publishing.preparation import (
    CANDIDATE_LABEL,
    _active,
    _automatic_redactions,
    _candidate_subjects,
    _create_redactions,
    _recompute,
    _save_private_text,
    requester_label,
)
from publishing.services.review import _lock, _save
from publishing.services.status import (
    _approve,
    _save_correction,
    _schedule_publish,
    in_pre_election_period,
    set_public_status,
)
from requests_register.models import Entry


def _source_of(public_entry: PublicEntry) -> tuple[Entry | None, str]:
    """Return the register entry whose requester is hidden, and the label they get."""
    if public_entry.entry_id:
        entry = Entry.objects.select_related("party").get(pk=public_entry.entry_id)
        return entry, requester_label(entry)
    if public_entry.booking_id:
        booking = Booking.objects.select_related("entry", "entry__party").get(
            pk=public_entry.booking_id
        )
        return booking.entry, CANDIDATE_LABEL
    return None, CANDIDATE_LABEL


def _corrected_answer_redactions(
    public_entry: PublicEntry, text: str, by, now: datetime
) -> list[PublicRedaction]:
    """Return the redactions (unsaved) a corrected answer `text` gets: the automatic ones,
    found afresh (every candidate as of now), and each manual one of the answer in force
    applied again wherever its text occurs (a name staff hid stays hidden)."""
    field = rules.Field.ANSWER
    manual = list(
        _active(public_entry, field).filter(source=PublicRedaction.Source.MANUAL).order_by("pk")
    )
    entry, label = _source_of(public_entry)
    candidates = _candidate_subjects(public_entry.election)
    rows = _automatic_redactions(
        public_entry, field, text, (public_entry.election, entry, label, candidates), by, now
    )
    spans = [rules.Span(r.start, r.end, r.label) for r in rows]
    for old in manual:
        for start, end in rules.uncovered(rules.find_occurrences(text, old.original), spans):
            spans.append(rules.Span(start, end, old.label))
            rows.append(
                PublicRedaction(
                    public_entry=public_entry,
                    field=field,
                    start=start,
                    end=end,
                    kind=old.kind,
                    label=old.label,
                    original=text[start:end],
                    source=PublicRedaction.Source.MANUAL,
                    reason=f"Kept from before the correction: {old.reason}",
                    by=by,
                    at=now,
                )
            )
    return rows


def preview_correction(correction: Correction) -> str:
    """Return the public answer `correction` would give once approved: its text anonymised as
    approval will do it (read only; shown to the approver beside the text as written)."""
    public_entry = PublicEntry.objects.select_related("election").get(pk=correction.public_entry_id)
    rows = _corrected_answer_redactions(public_entry, correction.answer, correction.by, now=None)
    return rules.apply_redactions(
        correction.answer, [rules.Span(r.start, r.end, r.label) for r in rows]
    )


def _apply_corrected_answer(public_entry: PublicEntry, text: str, by, now: datetime) -> None:
    """Replace the private answer with `text`: the old answer's redactions superseded (kept
    for the record), the new ones saved, the public answer recomputed (not yet saved)."""
    field = rules.Field.ANSWER
    rows = _corrected_answer_redactions(public_entry, text, by, now)
    for old in _active(public_entry, field).select_for_update():
        old.superseded = True
        save_with_history(
            old, by=by, at=now, why="Superseded by a correction", fields=["superseded"]
        )
    private = PrivateText.objects.select_for_update().get(public_entry=public_entry, field=field)
    private.text = text
    _save_private_text(private, by, now)
    _create_redactions(rows, by, now, "Found in the correction")
    _recompute(public_entry, field, text)


@transaction.atomic
def correct(
    public_entry_id: int,
    new_answer_text: str,
    note: str,
    by,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Correction:
    """Propose a correction of the answer of a published (or withdrawn) entry, with a note to
    be published beside it once approved.

    Raises rules.PublishingError without a note or an answer, unless the entry is published
    or withdrawn, or while another correction of it waits for approval; ConcurrentEditError
    on a stale version. Effects: a pending Correction row (note, the corrected answer as
    written, `by`); the version bumped; a history row.
    - Published: nothing public changes. The public page keeps the answer as approved, with no
      note, until someone other than `by` approves the correction (approve_correction).
    - Withdrawn: the new answer is anonymised into the entry at once (it is not public) and
      the entry goes back to draft (set_public_status), to be reviewed and approved again by
      someone other than `by`; that approval approves the correction too.
    """
    now = now or timezone.now()
    rules.check_correction(note, new_answer_text)
    public_entry = _lock(public_entry_id, expected_version)
    status = rules.Status(public_entry.status)
    if rules.Kind(public_entry.kind) in rules.ACTION_KINDS:
        raise rules.PublishingError(
            _("A short entry of the action taken has no answer to correct: withdraw it instead.")
        )
    if status not in rules.CORRECTABLE:
        raise rules.PublishingError(
            _("Only a published or withdrawn entry is corrected: change a draft directly.")
        )
    if Correction.objects.filter(
        public_entry=public_entry, status=Correction.Status.PENDING
    ).exists():
        raise rules.PublishingError(
            _("A correction of this entry is waiting for approval: approve or reject it first.")
        )
    text = new_answer_text.strip()
    correction = Correction(
        public_entry=public_entry, note=note.strip(), answer=text, by=by, at=now
    )
    _save_correction(correction, by, now, "Proposed")
    if status == rules.Status.PUBLISHED:
        _save(public_entry, [], by, now, f"Correction proposed: {note.strip()}")
        return correction
    _apply_corrected_answer(public_entry, text, by, now)
    _save(public_entry, [rules.Field.ANSWER.value], by, now, f"Corrected: {note.strip()}")
    set_public_status(
        public_entry.pk,
        rules.Status.DRAFT,
        by=by,
        reason=note,
        is_correction=True,
        expected_version=public_entry.version,
        now=now,
    )
    return correction


def _lock_correction(correction_id: int, expected_version: int | None):
    """Return (public entry, correction), both locked; the entry's version checked."""
    public_entry_id = (
        Correction.objects.filter(pk=correction_id).values_list("public_entry_id", flat=True).get()
    )
    public_entry = _lock(public_entry_id, expected_version)
    correction = (
        Correction.objects.select_for_update(of=("self",))
        .select_related("by")
        .get(pk=correction_id)
    )
    return public_entry, correction


@transaction.atomic
def approve_correction(
    correction_id: int,
    by,
    *,
    factual_confirmed: bool = False,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Correction:
    """Approve a pending correction of a published entry, as the second pair of eyes.

    Raises rules.PublishingError (rules.check_correction_approval): not pending, `by` wrote
    it, the entry is no longer published, or no factual confirmation in the pre-election
    period; ConcurrentEditError on a stale version of the entry. Effects: the corrected answer
    anonymised into the entry (_apply_corrected_answer); the correction approved (`by`, now,
    today's date as its public date, the factual confirmation); the version bumped and a
    history row naming `by` as the approver and the corrector; the public site re-rendered
    after commit, now with the corrected answer and the dated note.
    The entry's own approval (approved_by) stays that of the text first published: the
    correction's approver is named on the correction, the record never credits someone with
    a text they did not see.
    """
    now = now or timezone.now()
    public_entry, correction = _lock_correction(correction_id, expected_version)
    rules.check_correction_approval(
        status=correction.status,
        corrector_id=correction.by_id,
        actor_id=by.pk,
        entry_published=public_entry.status == rules.Status.PUBLISHED,
        in_pre_election_period=in_pre_election_period(public_entry.election, now),
        factual_confirmed=factual_confirmed,
    )
    _apply_corrected_answer(public_entry, correction.answer, by, now)
    _approve(correction, by, now, factual_confirmed)
    _save(
        public_entry,
        [rules.Field.ANSWER.value],
        by,
        now,
        f"Correction by {correction.by.get_username()} approved: {correction.note}",
    )
    _schedule_publish(public_entry.election_id)
    return correction


@transaction.atomic
def reject_correction(
    correction_id: int,
    reason: str,
    by,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Correction:
    """Reject a pending correction of a published entry (its writer may take it back too).

    Raises rules.PublishingError unless it is pending and a reason is given;
    ConcurrentEditError on a stale version. Effects: the correction rejected (reason, who,
    when; kept for the record); the entry's version bumped and a history row. Nothing public
    changes. A withdrawn entry's correction is not rejected here: it is a draft again, which
    is returned or corrected as any draft.
    """
    now = now or timezone.now()
    public_entry, correction = _lock_correction(correction_id, expected_version)
    rules.check_correction_rejection(correction.status, reason)
    if rules.Status(public_entry.status) in rules.EDITABLE:
        # A withdrawn entry's correction is already in the draft: review the draft instead.
        raise rules.PublishingError(
            _("This correction is approved with the entry itself: review the draft.")
        )
    correction.status = Correction.Status.REJECTED
    correction.rejected_by, correction.rejected_at = by, now
    correction.rejected_reason = reason.strip()
    _save_correction(correction, by, now, f"Rejected: {reason.strip()}")
    _save(public_entry, [], by, now, f"Correction rejected: {reason.strip()}")
    return correction
