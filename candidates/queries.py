"""Reusable reads about candidates. "Now" is always a parameter."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from candidates import rules
from candidates.models import Candidate
from election_protocol import calendar


def candidates_for_election(election_id: int) -> QuerySet[Candidate]:
    """Return an election's candidates with their party, ordered by name."""
    return (
        Candidate.objects.filter(election_id=election_id).select_related("party").order_by("name")
    )


def user_is_linked_to_standing_candidate(user: object, at: datetime) -> bool:
    """Return True if `user` is linked to a candidate whose link refuses staff access at `at`.

    See rules.blocks_staff_access. One query for users with no link (nearly everyone).
    """
    if not getattr(user, "pk", None):
        return False
    linked = (
        Candidate.objects.filter(linked_user_id=user.pk)
        .select_related("election")
        .prefetch_related("election__non_working_days")
    )
    for candidate in linked:
        tt = candidate.election.timetable
        if rules.blocks_staff_access(
            rules.Status(candidate.status),
            at,
            tt.close_of_nominations,
            calendar.local_midnight(tt.takes_office),
        ):
            return True
    return False
