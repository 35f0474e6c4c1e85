"""Who may read the audit log."""

from __future__ import annotations

from election_protocol.permissions import User, is_staff_member


def can_view_audit_log(user: User) -> bool:
    """Return True if `user` may read the audit log: the Chief Executive and the auditor
    (roles.py gives them security.view_auditevent), and superusers."""
    return is_staff_member(user) and user.has_perm("security.view_auditevent")
