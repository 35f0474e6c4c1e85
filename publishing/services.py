"""Every write to publishing: preparing public entries (publishing.preparation, re-exported
here), redacting and restoring, the status funnel (submit, approve and publish, return,
withdraw) and corrections.

A public entry is prepared from what was told (a sent register answer, the notes of a held
meeting or of a briefing event), never edited by hand: its public texts are always computed
from the private text and the active redactions (rules.apply_redactions), so no step can
put back what a redaction hides except a restore, which needs a reason and another approver.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from briefings.models import Booking
from election_protocol import calendar
from election_protocol.models import Election
from publishing import rules
from publishing.models import Correction, PrivateText, PublicEntry, PublicRedaction
from publishing.preparation import (  # noqa: F401 - re-exported: callers import from here
    CANDIDATE_LABEL,
    REQUESTER_LABEL,
    _active,
    _candidate_subjects,
    _create_redactions,
    _private_texts,
    _recompute,
    _redactions_for,
    _requester_subjects,
    _save_private_text,
    _spans,
    keep_for,
    prepare_event_notes,
    prepare_meeting_notes,
    prepare_public_entry,
    requester_label,
    subjects_for,
)
from publishing.publication import (  # noqa: F401 - re-exported: callers import from here
    prepare_action_entry,
    prepare_declined_booking,
    propose_not_for_publication,
    set_not_for_publication_status,
)
from publishing.site import schedule_publish
from requests_register.models import Entry


class ConcurrentEditError(rules.PublishingError):
    """Someone else changed the public entry after this page was opened; nothing was saved."""


# --- review: redact more, restore ---------------------------------------------------------


def _lock(public_entry_id: int, expected_version: int | None) -> PublicEntry:
    """Return the public entry locked for update, refusing a stale version."""
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    public_entry = (
        PublicEntry.objects.select_for_update(of=("self",))
        .select_related("election")
        .get(pk=public_entry_id)
    )
    if expected_version is not None and public_entry.version != expected_version:
        raise ConcurrentEditError(
            _(
                "Someone else changed this entry while you were looking at it. Nothing was saved: "
                "check the entry as it is now, then try again."
            )
        )
    return public_entry


def _check_editable(public_entry: PublicEntry) -> None:
    if rules.Status(public_entry.status) not in rules.EDITABLE:
        raise rules.PublishingError(
            _("This entry is %(status)s: change it through a correction.")
            % {"status": public_entry.status_label.lower()}
        )


def _save(public_entry: PublicEntry, fields: list[str], by, now: datetime, why: str) -> None:
    public_entry.version += 1
    public_entry._history_user = by
    public_entry._history_date = now
    public_entry._change_reason = why[:100]
    public_entry.save(update_fields=[*fields, "version"])


@transaction.atomic
def redact_more(
    public_entry_id: int,
    field: rules.Field | str,
    text_to_redact: str,
    reason: str,
    by,
    expected_version: int | None,
    *,
    kind: str = "other",
    now: datetime | None = None,
) -> int:
    """Hide every occurrence of `text_to_redact` in the private text of `field`, in any case.

    Raises rules.PublishingError without a reason, once the entry is published or withdrawn,
    or when the text does not occur (or is already hidden everywhere); ConcurrentEditError on
    a stale `expected_version`. Effects: one manual PublicRedaction per occurrence not yet
    hidden (kind and label from rules.MANUAL_KINDS, the reason, `by`); the public field
    recomputed; the version bumped; a history row naming `by`. Returns how many were added.
    """
    now = now or timezone.now()
    field = rules.Field(field)
    rules.check_redaction_reason(reason)
    label = rules.MANUAL_KINDS.get(kind)
    if label is None:
        raise rules.PublishingError(_("Choose what kind of detail it is."))
    public_entry = _lock(public_entry_id, expected_version)
    _check_editable(public_entry)
    private = _private_texts(public_entry).get(field)
    text = private.text if private else ""
    found = rules.find_occurrences(text, text_to_redact)
    if not found:
        raise rules.PublishingError(
            _(
                "“%(text)s” does not occur in the original %(field)s: copy it from the original "
                "text."
            )
            % {"text": text_to_redact.strip(), "field": rules.FIELD_LABELS[field].lower()}
        )
    new = rules.uncovered(found, _spans(_active(public_entry, field)))
    if not new:
        raise rules.PublishingError(_("That text is already hidden everywhere it occurs."))
    rows = [
        PublicRedaction(
            public_entry=public_entry,
            field=field,
            start=start,
            end=end,
            kind=kind,
            label=label,
            original=text[start:end],
            source=PublicRedaction.Source.MANUAL,
            reason=reason.strip(),
            by=by,
            at=now,
        )
        for start, end in new
    ]
    _create_redactions(rows, by, now, reason.strip()[:100])
    _recompute(public_entry, field, text)
    _save(public_entry, [field.value], by, now, f"Redacted: {reason.strip()}")
    return len(new)


@transaction.atomic
def restore(
    public_entry_id: int,
    redaction_id: int,
    reason: str,
    by,
    expected_version: int | None,
    *,
    now: datetime | None = None,
) -> PublicRedaction:
    """Put back the text one redaction hides, at its span.

    Raises rules.PublishingError without a reason, once the entry is published or withdrawn,
    or if the redaction is not active; ConcurrentEditError on a stale version. Effects: the
    redaction marked restored (reason, who, when: it stays in the record); the public field
    recomputed from the private text and the remaining redactions; the version bumped; a
    history row. Whoever restores text cannot approve the entry (rules.check_publish_step).
    """
    now = now or timezone.now()
    rules.check_redaction_reason(reason)
    public_entry = _lock(public_entry_id, expected_version)
    _check_editable(public_entry)
    redaction = (
        PublicRedaction.objects.select_for_update()
        .filter(pk=redaction_id, public_entry=public_entry)
        .first()
    )
    if redaction is None or not redaction.is_active:
        raise rules.PublishingError(_("That redaction is not in force: reload the page."))
    redaction.restored = True
    redaction.restored_reason = reason.strip()
    redaction.restored_by = by
    redaction.restored_at = now
    redaction._history_user = by
    redaction._history_date = now
    redaction._change_reason = reason.strip()[:100]
    redaction.save(update_fields=["restored", "restored_reason", "restored_by", "restored_at"])
    field = rules.Field(redaction.field)
    _recompute(public_entry, field, _private_texts(public_entry)[field].text)
    _save(public_entry, [field.value], by, now, f"Restored: {reason.strip()}")
    return redaction


# --- the status funnel --------------------------------------------------------------------


def in_pre_election_period(election: Election, at: datetime) -> bool:
    """Return True if `at` falls in `election`'s pre-election period (Cumbria 11.1)."""
    return calendar.in_pre_election_period(
        at,
        election.timetable,
        election.notice_published,
        calendar.PreElectionEnd(election.pre_election_end),
    )


def _schedule_publish(election_id: int) -> None:
    """After commit, ask the public site to re-render (publishing.site.schedule_publish)."""
    transaction.on_commit(lambda: schedule_publish(election_id), robust=True)


def _restored_by(public_entry: PublicEntry, user) -> bool:
    return PublicRedaction.objects.filter(
        public_entry=public_entry, restored=True, superseded=False, restored_by=user
    ).exists()


@transaction.atomic
def set_public_status(
    public_entry_id: int,
    new: rules.Status | str,
    *,
    by,
    reason: str = "",
    factual_confirmed: bool = False,
    is_correction: bool = False,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> PublicEntry:
    """Move a public entry to `new`: the one funnel for every status change.

    Checks rules.check_publish_step (four eyes, the factual confirmation in the pre-election
    period, reasons) and raises rules.PublishingError; ConcurrentEditError on a stale version.
    Effects, in one transaction:
    - awaiting approval: submitted as it stands;
    - published: approved_by, approved_at and factual_confirmed set, published_at on first
      publication, any earlier withdrawal notice cleared, the correction that brought a
      withdrawn entry back approved by `by` (never its writer), the public site re-rendered
      after commit (publishing.site.schedule_publish);
    - back to draft: the approval cleared (a return, with its reason; or a correction of a
      withdrawn entry, whose withdrawal notice stays public until it is published again);
    - withdrawn: the public reason and date kept, the public site re-rendered after commit;
    - always: the version bumped and a history row naming `by`, with the reason.
    """
    now = now or timezone.now()
    new = rules.Status(new)
    public_entry = _lock(public_entry_id, expected_version)
    old = rules.Status(public_entry.status)
    # A withdrawn entry corrected back to draft: its correction is approved with the entry.
    pending = Correction.objects.filter(public_entry=public_entry, status=Correction.Status.PENDING)
    rules.check_publish_step(
        new,
        rules.StepFacts(
            status=old,
            actor_id=by.pk,
            prepared_by_id=public_entry.prepared_by_id,
            in_pre_election_period=in_pre_election_period(public_entry.election, now),
            factual_confirmed=factual_confirmed,
            reason=reason,
            is_correction=is_correction,
            actor_restored_text=new == rules.Status.PUBLISHED and _restored_by(public_entry, by),
            actor_corrected=new == rules.Status.PUBLISHED and pending.filter(by=by).exists(),
            has_answer=bool(public_entry.answer.strip()),
            has_action=bool(public_entry.action),
        ),
    )
    changed = ["status"]
    if new == rules.Status.PUBLISHED:
        public_entry.approved_by, public_entry.approved_at = by, now
        public_entry.factual_confirmed = factual_confirmed
        public_entry.published_at = public_entry.published_at or now
        public_entry.withdrawn_reason, public_entry.withdrawn_at = "", None
        changed += [
            "approved_by",
            "approved_at",
            "factual_confirmed",
            "published_at",
            "withdrawn_reason",
            "withdrawn_at",
        ]
        for correction in pending.select_for_update():
            _approve(correction, by, now, factual_confirmed)
    elif new == rules.Status.DRAFT:
        public_entry.approved_by = public_entry.approved_at = None
        public_entry.factual_confirmed = False
        changed += ["approved_by", "approved_at", "factual_confirmed"]
    elif new == rules.Status.WITHDRAWN:
        public_entry.withdrawn_reason, public_entry.withdrawn_at = reason.strip(), now
        changed += ["withdrawn_reason", "withdrawn_at"]
    public_entry.status = new
    why = f"{rules.STATUS_LABELS[new]}" + (f": {reason.strip()}" if reason.strip() else "")
    _save(public_entry, changed, by, now, why)
    if new in (rules.Status.PUBLISHED, rules.Status.WITHDRAWN):
        _schedule_publish(public_entry.election_id)
    return public_entry


def submit_for_approval(
    public_entry_id: int, by, *, expected_version: int | None = None, now: datetime | None = None
) -> PublicEntry:
    """Send a draft to a second person for approval (see set_public_status)."""
    return set_public_status(
        public_entry_id,
        rules.Status.AWAITING_APPROVAL,
        by=by,
        expected_version=expected_version,
        now=now,
    )


def return_to_draft(
    public_entry_id: int,
    reason: str,
    by,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> PublicEntry:
    """Send a submitted entry back to draft, saying what needs changing (set_public_status)."""
    return set_public_status(
        public_entry_id,
        rules.Status.DRAFT,
        by=by,
        reason=reason,
        expected_version=expected_version,
        now=now,
    )


def approve_and_publish(
    public_entry_id: int,
    by,
    factual_confirmed: bool,
    now: datetime | None = None,
    *,
    expected_version: int | None = None,
) -> PublicEntry:
    """Approve and publish, as the second pair of eyes (see set_public_status)."""
    return set_public_status(
        public_entry_id,
        rules.Status.PUBLISHED,
        by=by,
        factual_confirmed=factual_confirmed,
        expected_version=expected_version,
        now=now,
    )


def withdraw(
    public_entry_id: int,
    reason: str,
    by,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> PublicEntry:
    """Take a published entry down, leaving its public reason (see set_public_status)."""
    return set_public_status(
        public_entry_id,
        rules.Status.WITHDRAWN,
        by=by,
        reason=reason,
        expected_version=expected_version,
        now=now,
    )


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
    rows = [
        PublicRedaction(
            public_entry=public_entry,
            field=field,
            start=f.start,
            end=f.end,
            kind=f.kind,
            label=f.label,
            original=text[f.start : f.end],
            source=PublicRedaction.Source.AUTOMATIC,
            by=by,
            at=now,
        )
        for f in _redactions_for(text, public_entry.election, entry, label, candidates)
    ]
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
        old._history_user, old._history_date = by, now
        old._change_reason = "Superseded by a correction"
        old.save(update_fields=["superseded"])
    private = PrivateText.objects.select_for_update().get(public_entry=public_entry, field=field)
    private.text = text
    _save_private_text(private, by, now)
    _create_redactions(rows, by, now, "Found in the correction")
    _recompute(public_entry, field, text)


def _save_correction(correction: Correction, by, now: datetime, why: str) -> None:
    correction._history_user, correction._history_date = by, now
    correction._change_reason = why[:100]
    correction.save()


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


def _approve(correction: Correction, by, now: datetime, factual_confirmed: bool) -> None:
    correction.status = Correction.Status.APPROVED
    correction.approved_by, correction.approved_at = by, now
    correction.factual_confirmed = factual_confirmed
    correction.corrected_on = timezone.localdate(now)
    _save_correction(correction, by, now, "Approved")


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
