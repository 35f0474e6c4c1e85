"""Endings proposed for sign-off (issue 13, items 3 and 7).

A refusal, a referral to the PARO and a decision that no reply is due are the Chief
Executive's (or a named deputy's) to sign off (rules.SIGNED_OFF_ENDINGS, NO_REPLY_SIGNED_OFF;
Cumbria 3.1). The SPOC proposes one with its reason (`propose_ending`); it waits, listed in the
approvers' reminders and "My work", until an approver signs it off (the status funnel,
`set_entry_status`, with the proposal's reason) or declines it (`decide_proposal`).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_register import rules, services
from requests_register.models import Entry, Note, SignOffProposal

# What the SPOC may propose: each needs an approver's sign-off.
PROPOSABLE = (rules.Status.REFUSED, rules.Status.REFERRED_TO_PARO, rules.Status.CLOSED)
PROPOSAL_LABELS = {
    rules.Status.REFUSED: _("Refuse"),
    rules.Status.REFERRED_TO_PARO: _("Refer to the PARO"),
    rules.Status.CLOSED: _("Close with no reply due"),
}


def _check(entry: Entry, status: rules.Status, reason: str, no_reply_reason: str, by) -> None:
    """Raise rules.TransitionError unless an approver could take this step now."""
    if status not in PROPOSABLE:
        raise rules.TransitionError(_("Only a refusal, a referral or a closure is proposed."))
    if status == rules.Status.CLOSED and no_reply_reason not in rules.NO_REPLY_SIGNED_OFF:
        raise rules.TransitionError(
            _("Close it yourself: only a decision that no reply is due needs signing off.")
        )
    rules.check_entry_transition(
        status,
        services._facts(entry, status, by, reason, None, None, True, no_reply_reason),
    )


@transaction.atomic
def propose_ending(
    entry_id: int,
    status: str,
    *,
    reason: str,
    by,
    no_reply_reason: str = "",
    now: datetime | None = None,
) -> SignOffProposal:
    """Propose an ending for sign-off. Raises rules.TransitionError if it could not be taken
    (the same checks as the funnel, for an approver). Effects: an earlier waiting proposal on
    the entry superseded; a SignOffProposal; a note on the entry."""
    now = now or timezone.now()
    entry = Entry.objects.select_for_update().select_related("election").get(pk=entry_id)
    status = rules.Status(status)
    if status != rules.Status.CLOSED:
        no_reply_reason = ""
    _check(entry, status, reason, no_reply_reason, by)
    SignOffProposal.objects.filter(entry=entry, decision="").update(
        decision=SignOffProposal.Decision.SUPERSEDED, decided_at=now
    )
    proposal = SignOffProposal.objects.create(
        entry=entry,
        status=status,
        no_reply_reason=no_reply_reason,
        reason=reason.strip(),
        proposed_by=by,
        proposed_at=now,
    )
    Note.objects.create(
        entry=entry,
        kind=Note.Kind.DECISION,
        body=f"Proposed for sign-off: {PROPOSAL_LABELS[status]}. {reason.strip()}",
        author=by,
        created_at=now,
    )
    return proposal


@transaction.atomic
def decide_proposal(
    proposal_id: int,
    *,
    sign_off: bool,
    by,
    may_approve: bool,
    note: str = "",
    now: datetime | None = None,
) -> SignOffProposal:
    """Sign off a proposal (the entry moved by set_entry_status, its reply sent) or decline it
    (with a note saying why). Raises rules.TransitionError: not an approver, already decided,
    or the step no longer possible. Effects: the proposal decided; a note on the entry."""
    now = now or timezone.now()
    proposal = SignOffProposal.objects.select_for_update().get(pk=proposal_id)
    if not may_approve:
        raise rules.TransitionError(
            _("Only the Chief Executive, or a deputy they name, can sign this off.")
        )
    if proposal.decision:
        raise rules.TransitionError(_("This proposal has already been decided."))
    if sign_off:
        services.set_entry_status(
            proposal.entry_id,
            proposal.status,
            by=by,
            reason=proposal.reason,
            no_reply_reason=proposal.no_reply_reason,
            may_approve=True,
            now=now,
        )
    elif not note.strip():
        raise rules.TransitionError(_("Say why it is not signed off."))
    proposal.decision = (
        SignOffProposal.Decision.SIGNED_OFF if sign_off else SignOffProposal.Decision.DECLINED
    )
    proposal.decided_by, proposal.decided_at = by, now
    proposal.decision_note = note.strip()
    proposal.save(update_fields=["decision", "decided_by", "decided_at", "decision_note"])
    if not sign_off:
        Note.objects.create(
            entry_id=proposal.entry_id,
            kind=Note.Kind.DECISION,
            body=f"Not signed off: {note.strip()}",
            author=by,
            created_at=now,
        )
    return proposal


def waiting(election) -> list[SignOffProposal]:
    """Return the proposals of `election` waiting for sign-off, oldest first."""
    return list(
        SignOffProposal.objects.filter(entry__election=election, decision="")
        .select_related("entry")
        .order_by("proposed_at", "pk")
    )


def pending_items(election, user) -> list[tuple[str, str]]:
    """Return (key, line) for the reminders: every waiting proposal, but not the approver's
    own (they would propose nothing they may take themselves)."""
    return [
        (
            f"signoff:{p.pk}",
            f"- {p.entry.reference} {p.entry.topic}: {PROPOSAL_LABELS[rules.Status(p.status)]}"
            ", to sign off",
        )
        for p in waiting(election)
        if p.proposed_by_id != user.pk
    ]
