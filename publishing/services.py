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
    """After commit, ask the public site to re-render (publishing.site, once it exists).

    Only a missing publishing.site module is tolerated: any other import failure inside it
    is raised, so a broken publisher cannot silently leave the public page stale.
    """
    try:
        from publishing.site import schedule_publish
    except ModuleNotFoundError as missing:
        if missing.name != "publishing.site":
            raise
        return
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
      publication, any earlier withdrawal notice cleared, the public site re-rendered after
      commit (publishing.site.schedule_publish);
    - back to draft: the approval cleared (a return, with its reason; or a correction of a
      withdrawn entry, whose withdrawal notice stays public until it is published again);
    - withdrawn: the public reason and date kept, the public site re-rendered after commit;
    - always: the version bumped and a history row naming `by`, with the reason.
    """
    now = now or timezone.now()
    new = rules.Status(new)
    public_entry = _lock(public_entry_id, expected_version)
    old = rules.Status(public_entry.status)
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
            has_answer=bool(public_entry.answer.strip()),
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


@transaction.atomic
def correct(
    public_entry_id: int,
    new_answer_text: str,
    note: str,
    by,
    *,
    factual_confirmed: bool = False,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Correction:
    """Correct the answer of a published (or withdrawn) entry, with a dated public note.

    Raises rules.PublishingError without a note or an answer, unless the entry is published
    or withdrawn, or (published, in the pre-election period) without the factual confirmation
    (Cumbria 11.2, 11.3); ConcurrentEditError on a stale version. Effects: the new answer kept
    as the private text and anonymised afresh (every candidate as of now); the old answer's
    redactions kept but superseded, and each manual one applied again to the new text (a name
    staff hid stays hidden); a Correction row (note, today's date, `by`); a history row.
    A published entry stays published and the public site is re-rendered after commit; a
    withdrawn one goes back to draft (set_public_status), to be approved by a second person.
    """
    now = now or timezone.now()
    rules.check_correction(note, new_answer_text)
    public_entry = _lock(public_entry_id, expected_version)
    status = rules.Status(public_entry.status)
    if status not in rules.CORRECTABLE:
        raise rules.PublishingError(
            _("Only a published or withdrawn entry is corrected: change a draft directly.")
        )
    if status == rules.Status.PUBLISHED:
        rules.check_factual(in_pre_election_period(public_entry.election, now), factual_confirmed)
    field = rules.Field.ANSWER
    text = new_answer_text.strip()
    manual = list(
        _active(public_entry, field).filter(source=PublicRedaction.Source.MANUAL).order_by("pk")
    )
    for old in _active(public_entry, field).select_for_update():
        old.superseded = True
        old._history_user, old._history_date = by, now
        old._change_reason = "Superseded by a correction"
        old.save(update_fields=["superseded"])
    private = PrivateText.objects.select_for_update().get(public_entry=public_entry, field=field)
    private.text = text
    _save_private_text(private, by, now)
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
    _create_redactions(rows, by, now, "Found in the correction")
    correction = Correction(
        public_entry=public_entry,
        note=note.strip(),
        corrected_on=timezone.localdate(now),
        by=by,
        at=now,
    )
    correction._history_user, correction._history_date = by, now
    correction.save()
    _recompute(public_entry, field, text)
    _save(public_entry, [field.value], by, now, f"Corrected: {note.strip()}")
    if status == rules.Status.PUBLISHED:
        _schedule_publish(public_entry.election_id)
    else:
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
