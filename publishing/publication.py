"""Writes for the publication deadline and the register with the action taken (issue 13,
items 1 and 2), re-exported by publishing.services:

- "not for publication" decisions: proposed by a SPOC officer (`propose_not_for_publication`),
  signed off or rejected by the Chief Executive or a deputy they named
  (`set_not_for_publication_status`, the one funnel for the decision's status);
- short public entries of the action taken on a request (a refusal, a referral to the PARO)
  or on a meeting or visit request (declined), prepared as drafts that then go through the
  same review, second approver and leak scan as answers (publishing.services.set_public_status,
  publishing.site).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from briefings.models import Booking
from election_protocol.services import save_with_history
from publishing import rules
from publishing.models import NotForPublication, PublicEntry
from publishing.preparation import (
    _BODY_FROM_CHIEF,
    _BODY_FROM_ORGANISATION,
    CANDIDATE_LABEL,
    _check_entry_unpublished,
    _create,
    _from_register,
    _locked_entry,
)
from requests_register import permissions as register_permissions
from requests_register.models import Entry

# --- "not for publication" -------------------------------------------------------------------


def _save_decision(decision: NotForPublication, by, now: datetime, why: str) -> None:
    save_with_history(decision, by=by, at=now, why=why[:100])


@transaction.atomic
def propose_not_for_publication(
    entry: Entry, reason: str, detail: str, by, *, now: datetime | None = None
) -> NotForPublication:
    """Propose that a sent answer is not published, for the Chief Executive to sign off.

    Raises rules.PublishingError (rules.check_not_for_publication_proposal): no reason from the
    list, no words, no publication target (not a sent answer, or outside the election's
    scope), a public version already exists, or a decision is already pending or signed off.
    Effects: the register entry locked; a NotForPublication row (proposed, `by`, now) with its
    history row. The answer's publication target still runs until the decision is signed off.
    """
    now = now or timezone.now()
    entry = (
        Entry.objects.select_for_update(of=("self",)).select_related("election").get(pk=entry.pk)
    )
    election = entry.election
    rules.check_not_for_publication_proposal(
        reason=reason,
        detail=detail,
        has_target=entry.answered_at is not None
        and rules.has_publication_target(
            entry.status, entry.requester_type, election.publication_target_for_all_answers
        ),
        is_public=PublicEntry.objects.filter(entry=entry).exists(),
        pending_or_approved=NotForPublication.objects.filter(entry=entry)
        .exclude(status=rules.DecisionStatus.REJECTED)
        .exists(),
    )
    decision = NotForPublication(
        election=election,
        entry=entry,
        reason=reason,
        detail=detail.strip(),
        proposed_by=by,
        proposed_at=now,
    )
    _save_decision(decision, by, now, "Proposed")
    return decision


@transaction.atomic
def set_not_for_publication_status(
    decision_id: int,
    new: rules.DecisionStatus | str,
    *,
    by,
    note: str = "",
    now: datetime | None = None,
) -> NotForPublication:
    """Sign off (approved) or reject a proposed "not for publication" decision: the one funnel.

    Raises rules.PublishingError (rules.check_not_for_publication_decision): not pending, `by`
    is not the Chief Executive or a named deputy, `by` proposed it, or a rejection without a
    note; a new status other than approved or rejected. Effects: the decision locked and
    saved with who, when and the note, and a history row. Approved: the answer's publication
    target ends and the public register's count of such decisions (by reason, no details)
    changes, so the public site is re-rendered after commit. Rejected: the target runs on.
    """
    now = now or timezone.now()
    new = rules.DecisionStatus(new)
    if new == rules.DecisionStatus.PROPOSED:
        raise rules.PublishingError(_("A decision is proposed only once."))
    decision = (
        NotForPublication.objects.select_for_update(of=("self",))
        .select_related("election")
        .get(pk=decision_id)
    )
    rules.check_not_for_publication_decision(
        status=decision.status,
        approve=new == rules.DecisionStatus.APPROVED,
        proposer_id=decision.proposed_by_id,
        actor_id=by.pk,
        may_sign_off=register_permissions.can_approve_answers(by, decision.election),
        note=note,
    )
    decision.status = new
    decision.decided_by, decision.decided_at = by, now
    decision.decision_note = note.strip()
    why = rules.DECISION_STATUS_LABELS[new] + (f": {note.strip()}" if note.strip() else "")
    _save_decision(decision, by, now, str(why))
    if new == rules.DecisionStatus.APPROVED:
        # publishing.services imports this module (it re-exports its funnels): a cycle.
        from publishing.services import _schedule_publish

        _schedule_publish(decision.election_id)
    return decision


# --- the register with the action taken -----------------------------------------------------


@transaction.atomic
def prepare_action_entry(
    entry: Entry, by, *, reason: str = "", now: datetime | None = None
) -> PublicEntry:
    """Prepare the short public entry of the action taken on a register entry, as a draft:
    a refusal (with its public reason category) or a referral to the PARO (Leicestershire
    Req 3: the register "together with a record of the action taken" posted on the website).

    Raises rules.PublishingError unless the entry was refused or referred
    (rules.action_for_register_status), a refusal has a reason category
    (rules.check_action_entry), and the entry has no public entry yet. Effects: a PublicEntry
    of kind register_action (the register's reference, the topic anonymised like an answer's,
    the dates, the action and reason category; no question, no answer, no reasons as
    written), its private topic and automatic redactions recorded, a history row naming `by`.
    It is then reviewed and approved by a second person like any public entry.
    """
    now = now or timezone.now()
    entry = _locked_entry(entry)
    action = rules.action_for_register_status(entry.status)
    if action is None:
        raise rules.PublishingError(
            _("Only a refusal or a referral to the PARO is published as an action taken.")
        )
    rules.check_action_entry(action, reason)
    _check_entry_unpublished(entry)

    return _create(
        kind=rules.Kind.REGISTER_ACTION,
        **_from_register(entry),
        texts={rules.Field.TOPIC: entry.topic},
        answered_on=timezone.localdate(entry.answered_at) if entry.answered_at else None,
        answering_body=_BODY_FROM_ORGANISATION[Entry.Organisation(entry.first_reached)],
        action=action,
        action_reason=reason if action == rules.Action.REFUSED else "",
        by=by,
        now=now,
    )


@transaction.atomic
def prepare_declined_booking(
    booking: Booking, by, *, reason: str, now: datetime | None = None
) -> PublicEntry:
    """Prepare the short public entry of a declined meeting or visit, as a draft
    (Leicestershire Req 6: the outcome of requested meetings made publicly available).

    Raises rules.PublishingError unless the booking was declined, a reason category is
    chosen and it has no public entry yet. Effects: a PublicEntry of kind declined_booking
    (its register entry's reference, what was asked for anonymised as the topic, the dates,
    the chief's organisation, "declined" and the reason category; never the decline letter),
    its private topic and automatic redactions recorded, a history row naming `by`.
    """
    now = now or timezone.now()
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("election", "entry", "entry__party")
        .get(pk=booking.pk)
    )
    if not rules.can_publish_declined_booking(booking.status):
        raise rules.PublishingError(_("Only a declined meeting or visit is published this way."))
    rules.check_action_entry(rules.Action.DECLINED, reason)
    if PublicEntry.objects.filter(booking=booking).exists():
        raise rules.PublishingError(_("This meeting already has a public entry."))

    decided = (
        booking.steps.filter(new_status="declined").order_by("-at").values_list("at", flat=True)
    ).first()
    return _create(
        kind=rules.Kind.DECLINED_BOOKING,
        election=booking.election,
        booking=booking,
        number=booking.entry.number,
        reference=booking.entry.reference,
        texts={rules.Field.TOPIC: booking.what},
        requester=booking.entry,
        label=CANDIDATE_LABEL,
        received_on=timezone.localdate(booking.entry.received_at),
        answered_on=timezone.localdate(decided or now),
        answering_body=_BODY_FROM_CHIEF.get(booking.chief, PublicEntry.AnsweringBody.OFFICE),
        action=rules.Action.DECLINED,
        action_reason=reason,
        by=by,
        now=now,
    )
