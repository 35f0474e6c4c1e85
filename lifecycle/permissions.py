"""Who may do what in the election's lifecycle. Views call only these.

- Every staff member who sees the election may choose which election to look at.
- The close-down checklist: the SPOC, the Chief Executive and the auditor read it; the SPOC and
  the Chief Executive take its steps.
"""

from __future__ import annotations

from election_protocol.permissions import can_view_election, is_staff_member


def can_choose_election(user) -> bool:
    return can_view_election(user)


def can_view_closedown(user) -> bool:
    return is_staff_member(user) and user.has_perm("lifecycle.view_closure")


def can_close_down(user) -> bool:
    return is_staff_member(user) and user.has_perm("lifecycle.close_down_election")
