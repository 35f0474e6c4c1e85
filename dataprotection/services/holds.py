"""A legal hold on an entry, and the election's retention period."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from dataprotection import rules
from dataprotection.services.scrub import _fit
from election_protocol.models import Election
from election_protocol.services import save_with_history
from requests_register.models import (
    Entry,
)


@transaction.atomic
def set_legal_hold(
    entry_id: int, *, hold: bool, reason: str, by, now: datetime | None = None
) -> Entry:
    """Place (`hold=True`) or lift a legal hold on a register entry.

    Effects: the entry locked and its hold fields saved (reason, who, when); a history row
    naming `by` with the reason as its change reason, so the entry's timeline shows every hold
    placed and lifted; the version bumped (an edit page open on the old version is refused).
    Raises rules.LegalHoldError for a change the rules refuse.
    """
    now = now or timezone.now()
    entry = Entry.objects.select_for_update().get(pk=entry_id)
    rules.check_legal_hold(
        placing=hold,
        currently=entry.legal_hold,
        reason=reason,
        already_erased=entry.personal_data_erased_at is not None,
    )
    entry.legal_hold = hold
    entry.legal_hold_reason = reason.strip()
    entry.legal_hold_by = by
    entry.legal_hold_at = now
    entry.version += 1
    # The full reason is on the entry; the history's change reason holds 100 characters.
    label = "Legal hold placed: " if hold else "Legal hold lifted: "
    save_with_history(
        entry,
        by=by,
        at=now,
        why=_fit(label + reason.strip(), 100),
        fields=[
            "legal_hold",
            "legal_hold_reason",
            "legal_hold_by",
            "legal_hold_at",
            "version",
        ],
    )
    return entry


@transaction.atomic
def set_retention_period(election_id: int, *, months: int, by) -> Election:
    """Set how many months after the poll the register's personal data is kept.

    Effects: the election saved with a history row naming `by`. The public privacy notice
    states the period, so the caller republishes the site (publishing.site.schedule_publish).
    """
    election = Election.objects.select_for_update().get(pk=election_id)
    election.retention_months = months
    election._history_user = by
    election.full_clean(validate_unique=False, validate_constraints=False)
    election.save(update_fields=["retention_months"])
    return election
