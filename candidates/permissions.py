"""Who may see and change candidates. Views call only these; templates get the booleans."""

from __future__ import annotations

from django.http import Http404

from candidates.models import Candidate
from election_protocol.permissions import first_or_404, is_staff_member


def can_view_candidates(user) -> bool:
    """Return True if `user` may list candidates and read their public details."""
    return is_staff_member(user) and user.has_perm("candidates.view_candidate")


def can_view_candidate_contacts(user) -> bool:
    """Return True if `user` may see candidates' private contact details and agents."""
    return can_view_candidates(user) and user.has_perm("candidates.view_candidate_contacts")


def can_edit_candidate(user) -> bool:
    """Return True if `user` may add candidates and edit their details."""
    return can_view_candidates(user) and user.has_perm("candidates.change_candidate")


def can_change_candidate_status(user) -> bool:
    """Return True if `user` may change a candidate's status."""
    return can_view_candidates(user) and user.has_perm("candidates.change_candidate_status")


def can_correct_candidate_status(user) -> bool:
    """Return True if `user` may correct a mistaken status (rules.CORRECTIONS)."""
    return can_change_candidate_status(user) and user.has_perm(
        "candidates.correct_candidate_status"
    )


def can_import_sopn(user) -> bool:
    """Return True if `user` may import the statement of persons nominated."""
    return can_view_candidates(user) and user.has_perm("candidates.import_sopn")


def get_candidate_for_user(user, pk: int) -> Candidate:
    """Return the candidate `pk` if `user` may view it; Http404 alike for missing and forbidden."""
    if not can_view_candidates(user):
        raise Http404("No such candidate.")
    return first_or_404(
        Candidate.objects.select_related("party", "election"), "No such candidate.", pk=pk
    )
