"""Who may use the staff application, and who may configure the election.

Views call only these functions; templates receive the booleans they return.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone

# Up the dependency order (docs/ARCHITECTURE.md): staff linked to a standing candidate.
from candidates.queries import user_is_linked_to_standing_candidate
from election_protocol.roles import Role

User = AbstractBaseUser | AnonymousUser
STAFF_GROUPS = frozenset(role.value for role in Role)


def is_staff_member(user: User) -> bool:
    """Return True if `user` may use the staff application at all.

    A user must be signed in, active, a superuser or in one of the staff role groups, and must
    not be linked to a standing candidate: an incumbent PCC or Deputy who stands is a candidate
    like any other and must never see the register (Cumbria protocol 3.4.2; PRODUCT.md;
    candidates.rules.blocks_staff_access). The candidate check applies to superusers too.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    # Set by StaffOnlyMiddleware for the request's own user object, so the many permission
    # checks of one page cost one query, not one each.
    cached = getattr(user, "_is_staff_member", None)
    if cached is not None:
        return cached
    if user_is_linked_to_standing_candidate(user, timezone.now()):
        return False
    if user.is_superuser:
        return True
    return bool(role_names(user) & STAFF_GROUPS)


def role_names(user) -> set[str]:
    """Return the names of `user`'s groups, read once per user object (that is, per request)."""
    if not hasattr(user, "_staff_group_names"):
        user._staff_group_names = set(user.groups.values_list("name", flat=True))
    return user._staff_group_names


def can_view_election(user: User) -> bool:
    """Return True if `user` may see the election, its timetable and non-working days."""
    return is_staff_member(user) and user.has_perm("election_protocol.view_election")


def can_manage_non_working_days(user: User) -> bool:
    """Return True if `user` may add or remove the election's non-working days."""
    return is_staff_member(user) and user.has_perm("election_protocol.add_nonworkingday")
