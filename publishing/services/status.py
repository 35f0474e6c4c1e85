"""The public entry's status funnel (set_public_status): submit for approval, approve and publish
(the publish run queued after commit), return to draft, withdraw."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from election_protocol.models import Election
from election_protocol.services import save_with_history
from publishing import rules
from publishing.models import Correction, PublicEntry, PublicRedaction
from publishing.services.review import _lock, _save
from publishing.site import schedule_publish


def in_pre_election_period(election: Election, at: datetime) -> bool:
    """Return True if `at` falls in `election`'s pre-election period (Cumbria 11.1)."""
    return election.in_pre_election_period(at)


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


def _with_reason(new: rules.Status, name: str, doc: str):
    """Build a step of the funnel that takes a reason: `(public_entry_id, reason, by, *,
    expected_version=None, now=None)`, calling set_public_status with `new`."""

    def step(
        public_entry_id: int,
        reason: str,
        by,
        *,
        expected_version: int | None = None,
        now: datetime | None = None,
    ) -> PublicEntry:
        return set_public_status(
            public_entry_id,
            new,
            by=by,
            reason=reason,
            expected_version=expected_version,
            now=now,
        )

    step.__name__ = step.__qualname__ = name
    step.__doc__ = doc
    return step


return_to_draft = _with_reason(
    rules.Status.DRAFT,
    "return_to_draft",
    "Send a submitted entry back to draft, saying what needs changing (set_public_status).",
)
withdraw = _with_reason(
    rules.Status.WITHDRAWN,
    "withdraw",
    "Take a published entry down, leaving its public reason (see set_public_status).",
)


def _save_correction(correction: Correction, by, now: datetime, why: str) -> None:
    save_with_history(correction, by=by, at=now, why=why[:100])


def _approve(correction: Correction, by, now: datetime, factual_confirmed: bool) -> None:
    correction.status = Correction.Status.APPROVED
    correction.approved_by, correction.approved_at = by, now
    correction.factual_confirmed = factual_confirmed
    correction.corrected_on = timezone.localdate(now)
    _save_correction(correction, by, now, "Approved")
