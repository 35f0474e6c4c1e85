"""Who may use the staff application, and who may configure the election.

Views call only these functions; templates receive the booleans they return.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Manager, Model, QuerySet
from django.http import Http404
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user

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


def rows_for_user[M: Model](
    user: User, model: type[M], perm: str, *, sees_all: Callable[[User], bool]
) -> QuerySet[M]:
    """Return the rows of `model` that `user` may see: none unless a staff member; every row
    if `sees_all(user)`; else only those whose object permission `perm` (django-guardian) was
    granted to them or their role group, never through the global permission (a chief or a
    liaison holds `perm` only on what was assigned to them)."""
    if not is_staff_member(user):
        return model.objects.none()
    if sees_all(user):
        return model.objects.all()
    return get_objects_for_user(user, perm, klass=model, accept_global_perms=False)


def first_or_404[M: Model](
    rows: QuerySet[M] | Manager[M], message: str | None = None, **lookup
) -> M:
    """Return the row of `rows` (what the user may see) that matches `lookup`, or raise
    Http404(`message`): the same answer for a row that does not exist and one the user may not
    see, so a guessed id tells nothing."""
    row = rows.filter(**lookup).first()
    if row is None:
        raise Http404(message) if message else Http404
    return row


def get_managed[T](
    user: User, pk: int, get: Callable[[User, int], T], may_manage: Callable[[User], bool]
) -> T:
    """Return `get(user, pk)` (404 alike for missing and not visible to `user`) for one who
    may change it: PermissionDenied (403) if `user` sees it but `may_manage(user)` is False."""
    row = get(user, pk)
    if not may_manage(user):
        raise PermissionDenied
    return row


def can_view_election(user: User) -> bool:
    """Return True if `user` may see the election, its timetable and non-working days."""
    return is_staff_member(user) and user.has_perm("election_protocol.view_election")


def can_manage_non_working_days(user: User) -> bool:
    """Return True if `user` may add or remove the election's non-working days."""
    return is_staff_member(user) and user.has_perm("election_protocol.add_nonworkingday")
