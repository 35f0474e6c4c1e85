"""Who may do what with the protocol document. Views call only these.

- Every staff member reads the protocol and acknowledges the version they have read.
- The SPOC and the Chief Executive write new versions.
- The Chief Executive (and the auditor) see who has not read the version in force.
"""

from __future__ import annotations

from election_protocol.permissions import is_staff_member


def can_view_protocol(user) -> bool:
    return is_staff_member(user) and user.has_perm("protocol.view_protocolversion")


def can_add_version(user) -> bool:
    return is_staff_member(user) and user.has_perm("protocol.add_protocolversion")


def can_view_acknowledgements(user) -> bool:
    return is_staff_member(user) and user.has_perm("protocol.view_acknowledgements")
