"""Every write to candidates: creation, edits, status changes and the SoPN import."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from candidates import rules
from candidates.models import Candidate, StatusChange
from candidates.sopn import SopnAction, SopnPlan
from election_protocol.models import Election, UndeclaredTreatment
from election_protocol.services import save_with_history

EDITABLE_FIELDS = (
    "name",
    "aliases",
    "party",
    "party_id",
    "incumbent_role",
    "linked_user",
    "emails",
    "phones",
    "postal_address",
    "handles",
    "website",
    "agent_name",
    "agent_email",
    "agent_phone",
)


@transaction.atomic
def create_candidate(
    *,
    election: Election,
    by,
    status: rules.Status = rules.Status.PROSPECTIVE,
    note: str = "",
    at: datetime | None = None,
    **fields: object,
) -> Candidate:
    """Create a candidate in `status`.

    Effects: the candidate row (with its simple-history row) and a StatusChange from nothing to
    `status` by `by`; the equal offer made if declared, or prospective where the election
    follows Norfolk 6 (`_receives_offer`). Creating a candidate directly as declared follows
    the same timing rule as declaring one (rules.check_transition).
    """
    at = at or timezone.now()
    status = rules.Status(status)
    if status != rules.Status.PROSPECTIVE:
        tt = election.timetable
        rules.check_transition(
            rules.Status.PROSPECTIVE,
            status,
            rules.TransitionContext(at, tt.close_of_nominations, tt.poll_closes),
        )
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown candidate fields: {', '.join(sorted(unknown))}")
    candidate = Candidate(election=election, status=status, **fields)
    rules.check_staff_link(candidate.incumbent_role, candidate.linked_user_id)
    save_with_history(candidate, by=by)
    if _receives_offer(status, election):
        _offer_on_declaration(candidate, by, at)
    StatusChange.objects.create(
        candidate=candidate,
        old_status="",
        new_status=status,
        changed_at=at,
        changed_by=by,
        note=note,
    )
    return candidate


@transaction.atomic
def update_candidate(candidate_id: int, *, by, **fields: object) -> Candidate:
    """Save edits to a candidate's details (never its status).

    Effects: the changed fields saved with update_fields; a simple-history row naming `by`.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable here: {', '.join(sorted(unknown))}")
    candidate = Candidate.objects.select_for_update().get(pk=candidate_id)
    for name, value in fields.items():
        setattr(candidate, name, value)
    rules.check_staff_link(candidate.incumbent_role, candidate.linked_user_id)
    save_with_history(candidate, by=by, fields=list(fields))
    return candidate


@transaction.atomic
def set_candidate_status(
    candidate_id: int,
    new: rules.Status | str,
    *,
    by,
    note: str = "",
    at: datetime | None = None,
    may_correct: bool = False,
) -> Candidate:
    """Move a candidate to `new`: the one funnel for every status change.

    Checks rules.check_transition at `at` (default now) against the election's timetable and
    raises rules.TransitionError with a message for the user if the change is not allowed;
    `may_correct` (the caller's permission) admits rules.CORRECTIONS.
    Effects: the election row locked, so two people cannot record two winners at once; the
    candidate's status saved (update_fields); a StatusChange row (who, when, from, to, note,
    whether a correction); a simple-history row naming `by`; on declaration (and, where the
    election follows Norfolk 6, on becoming prospective again), the election's equal offer made
    to the candidate (briefings.services.offer_to_candidate).
    """
    at = at or timezone.now()
    new = rules.Status(new)
    election_id = Candidate.objects.values_list("election_id", flat=True).get(pk=candidate_id)
    election = Election.objects.select_for_update().get(pk=election_id)
    candidate = Candidate.objects.select_for_update().get(pk=candidate_id)
    another_elected = (
        new == rules.Status.ELECTED
        and Candidate.objects.filter(election=election, status=rules.Status.ELECTED)
        .exclude(pk=candidate.pk)
        .exists()
    )
    tt = election.timetable
    old = rules.Status(candidate.status)
    rules.check_transition(
        old,
        new,
        rules.TransitionContext(
            at, tt.close_of_nominations, tt.poll_closes, another_elected, may_correct, note
        ),
    )
    candidate.status = new
    save_with_history(candidate, by=by, fields=["status"])
    if _receives_offer(new, election):
        _offer_on_declaration(candidate, by, at)
    StatusChange.objects.create(
        candidate=candidate,
        old_status=old,
        new_status=new,
        changed_at=at,
        changed_by=by,
        note=note,
        is_correction=rules.is_correction(old, new),
    )
    return candidate


@transaction.atomic
def import_sopn(
    plan: SopnPlan, *, election: Election, by, at: datetime | None = None
) -> list[Candidate]:
    """Apply a previewed statement of persons nominated: every row or none.

    Refuses a plan with unreadable rows (the preview shows them; staff fix the file first).
    Effects: each matched prospective candidate is moved to declared through
    set_candidate_status, and their party and address are set to the statement's where they
    differ (the statement is authoritative); each unmatched row creates a declared candidate
    with its party and address; candidates already declared are left alone. Returns those
    declared or created.
    """
    if plan.errors:
        raise ValueError("Fix the rows the preview could not read, then import the file again.")
    at = at or timezone.now()
    note = "On the statement of persons nominated (imported)."
    done: list[Candidate] = []
    for row in plan.rows:
        if row.action == SopnAction.DECLARE:
            changes: dict[str, object] = {}
            if row.party_changed:
                changes["party_id"] = row.party_id
            if row.address:
                changes["postal_address"] = row.address
            if changes:
                update_candidate(row.candidate_id, by=by, **changes)
            done.append(
                set_candidate_status(
                    row.candidate_id, rules.Status.DECLARED, by=by, note=note, at=at
                )
            )
        elif row.action == SopnAction.CREATE:
            done.append(
                create_candidate(
                    election=election,
                    by=by,
                    status=rules.Status.DECLARED,
                    note=note,
                    at=at,
                    name=row.name,
                    party_id=row.party_id,
                    postal_address=row.address,
                )
            )
    return done


def _receives_offer(status: rules.Status, election: Election) -> bool:
    """Return True if a candidate arriving at `status` is made the equal offer: on declaring,
    and, where the election counts prospective candidates as candidates (Norfolk 6), on being
    recorded as prospective (or announcing again after withdrawing)."""
    if status == rules.Status.DECLARED:
        return True
    return (
        status == rules.Status.PROSPECTIVE
        and election.undeclared_treated_as == UndeclaredTreatment.CANDIDATE
    )


def _offer_on_declaration(candidate: Candidate, by, at: datetime) -> None:
    """A newly declared candidate receives the election's equal offer (Avon and Somerset 8.1.2).

    Called from the status funnel, so however a candidate is declared (by hand or through the
    SoPN import) the offer follows in the same transaction.
    """
    # Imported here: the one call up the dependency order (docs/ARCHITECTURE.md): briefings
    # imports candidates' models, and the equal offer must follow every declaration.
    from briefings.services import offer_to_candidate

    offer_to_candidate(candidate, by=by, now=at)
