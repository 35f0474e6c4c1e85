"""Redacting more of a draft and restoring what a redaction hid (with a reason and another
approver), each under the entry's version check."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from election_protocol.services import save_with_history
from publishing import rules
from publishing.models import PublicEntry, PublicRedaction
from publishing.preparation import (
    _active,
    _create_redactions,
    _private_texts,
    _recompute,
    _spans,
)


class ConcurrentEditError(rules.PublishingError):
    """Someone else changed the public entry after this page was opened; nothing was saved."""


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
    save_with_history(public_entry, by=by, at=now, why=why[:100], fields=[*fields, "version"])


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
    save_with_history(
        redaction,
        by=by,
        at=now,
        why=reason.strip()[:100],
        fields=["restored", "restored_reason", "restored_by", "restored_at"],
    )
    field = rules.Field(redaction.field)
    _recompute(public_entry, field, _private_texts(public_entry)[field].text)
    _save(public_entry, [field.value], by, now, f"Restored: {reason.strip()}")
    return redaction
