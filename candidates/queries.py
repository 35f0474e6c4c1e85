"""Reusable reads about candidates."""

from __future__ import annotations

from django.db.models import QuerySet

from candidates import rules
from candidates.models import Candidate


def candidates_for_election(election_id: int) -> QuerySet[Candidate]:
    """Return an election's candidates with their party, ordered by name."""
    return (
        Candidate.objects.filter(election_id=election_id).select_related("party").order_by("name")
    )


def user_is_linked_to_standing_candidate(user: object) -> bool:
    """Return True if `user` is linked to a candidate who stands or stood (rules.STANDING)."""
    if not getattr(user, "pk", None):
        return False
    return Candidate.objects.filter(
        linked_user_id=user.pk, status__in=[s.value for s in rules.STANDING]
    ).exists()
