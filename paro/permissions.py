"""Who may record PARO consultations and on what. Views call only these.

Whoever may see an entry, booking or incident sees the consultations on it (on its own page);
the SPOC and the Chief Executive record them (they manage the register, and the Chief
Executive is the one the protocols name as seeking the PARO's guidance).
"""

from __future__ import annotations

from django.http import Http404

from briefings import permissions as briefing_permissions
from election_protocol.permissions import is_staff_member
from incidents import permissions as incident_permissions
from paro import rules
from requests_register import permissions as register_permissions


def can_record_consultations(user) -> bool:
    """Return True if `user` may record consultations with the PARO (SPOC, Chief Executive)."""
    return is_staff_member(user) and user.has_perm("requests_register.change_entry")


def get_target_for_user(user, kind: str, pk: int):
    """Return the entry, booking or incident `pk` if `user` may see it; Http404 alike for
    missing, not theirs and an unknown kind."""
    if kind not in rules.KINDS:
        raise Http404("No such page.")
    if kind == "entry":
        return register_permissions.get_entry_for_user(user, pk)
    if kind == "booking":
        return briefing_permissions.get_booking_for_user(user, pk)
    return incident_permissions.get_incident_for_user(user, pk)
