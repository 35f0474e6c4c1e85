"""The equal offer (Avon and Somerset 8.1.2; Norfolk 19): what every candidate is offered, to
whom it is sent (the candidate and their agent), and each candidate's answer. Bookings of an
offered item move the candidate's offer with `mark_offer` (briefings.services)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from briefings import briefing_page
from briefings.models import CandidateOffer, OfferItem
from candidates.models import Candidate
from candidates.rules import Status as CandidateStatus
from election_protocol.models import Election, UndeclaredTreatment
from election_protocol.services import save_with_history
from requests_register import outbox


def candidate_and_agent(candidate: Candidate) -> list[str]:
    """Return where offers and invitations go (issue 13): the candidate's first address and
    their agent's, if they have one and it is another address. Empty without a candidate
    address: nothing is sent to an agent alone."""
    if not candidate.emails:
        return []
    to = [candidate.emails[0]]
    if candidate.agent_email and candidate.agent_email.lower() != to[0].lower():
        to.append(candidate.agent_email)
    return to


def declared_candidates(election: Election):
    return Candidate.objects.filter(election=election, status=CandidateStatus.DECLARED)


def offer_candidates(election: Election):
    """Return the candidates the equal offer and the parity check are for: the declared, and
    the prospective where the election counts them as candidates (Norfolk 6;
    rules.counts_as_candidate)."""
    statuses = [CandidateStatus.DECLARED]
    if election.undeclared_treated_as == UndeclaredTreatment.CANDIDATE:
        statuses.append(CandidateStatus.PROSPECTIVE)
    return Candidate.objects.filter(election=election, status__in=statuses)


def mark_offer(item_id: int, candidate_id: int, state: str, now: datetime) -> None:
    """Move a candidate's offer of an item to `state` (a booking of the item moved on)."""
    CandidateOffer.objects.filter(item_id=item_id, candidate_id=candidate_id).update(
        state=state, changed_at=now
    )


@transaction.atomic
def offer_to_candidate(
    candidate: Candidate, *, by, now: datetime | None = None
) -> list[CandidateOffer]:
    """Offer every item of the election's equal offer to a newly declared candidate (Avon and
    Somerset 8.1.2; Norfolk 19). Effects: a CandidateOffer per item not yet offered, and one
    e-mail listing them (the same text for every candidate) to the candidate's first address.
    Idempotent: items already offered are left alone. Nothing is recorded for a candidate with
    no e-mail address: an offer is recorded only when it is sent."""
    now = now or timezone.now()
    if not candidate.emails:
        return []  # nothing can be sent: the matrix shows "not offered" until an address is added
    items = list(OfferItem.objects.filter(election_id=candidate.election_id))
    done = set(CandidateOffer.objects.filter(candidate=candidate).values_list("item_id", flat=True))
    made = [
        CandidateOffer.objects.create(
            item=item, candidate=candidate, offered_at=now, changed_at=now
        )
        for item in items
        if item.pk not in done
    ]
    if made:
        election = candidate.election
        subject, body = outbox.render_template(
            "equal_offer",
            {
                "name": candidate.name,
                "office": election.get_office_display(),
                "items": "\n".join(f"- {item.title}" for item in items),
                "spoc_name": election.spoc_name,
                "office_name": election.office_name,
            },
        )
        body = briefing_page.with_briefing(body, election)
        outbox.queue_email(
            purpose="equal_offer",
            to=candidate_and_agent(candidate),
            subject=subject,
            body=body,
            reply_to=election.spoc_email,
            by=by,
            now=now,
        )
    return made


@transaction.atomic
def set_offer_state(
    offer_id: int, state: str, *, by, now: datetime | None = None
) -> CandidateOffer:
    """Record a candidate's answer to an offer item. Effects: state saved; a history row."""
    offer = CandidateOffer.objects.select_for_update().get(pk=offer_id)
    offer.state = CandidateOffer.State(state)
    offer.changed_at = now or timezone.now()
    save_with_history(offer, by=by, fields=["state", "changed_at"])
    return offer
