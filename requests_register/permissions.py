"""Who may see and do what on the register. Views call only these; templates get booleans.

SPOC officers and the Chief Executive manage the whole register; the auditor reads it. Chiefs'
offices and liaisons see only the entries assigned to them (django-guardian object
permissions granted by services.assign_entry), never the requester's contact details.
"""

from __future__ import annotations

from django.db.models import QuerySet

from election_protocol.models import Election
from election_protocol.permissions import first_or_404, is_staff_member, rows_for_user
from requests_register.models import Entry


def can_view_register(user) -> bool:
    """Return True if `user` may see every entry of the register."""
    return is_staff_member(user) and user.has_perm("requests_register.view_entry")


def can_log_entry(user) -> bool:
    """Return True if `user` may put a new contact on the register."""
    return is_staff_member(user) and user.has_perm("requests_register.add_entry")


def can_manage_entries(user) -> bool:
    """Return True if `user` may move entries through the workflow, draft, assign and note."""
    return is_staff_member(user) and user.has_perm("requests_register.change_entry")


def can_view_requester_contacts(user) -> bool:
    """Return True if `user` may see requesters' e-mail, phone and address."""
    return is_staff_member(user) and user.has_perm("requests_register.view_requester_contacts")


def can_approve_answers(user, election: Election) -> bool:
    """Return True if `user` may approve answers in `election`: the Chief Executive or a deputy
    they named (never their own draft: the four-eyes rule is in rules.check_entry_transition)."""
    if not is_staff_member(user):
        return False
    if user.has_perm("requests_register.approve_answer"):
        return True
    return election.approval_deputies.filter(pk=user.pk).exists()


def can_name_deputies(user) -> bool:
    """Return True if `user` may name deputies to approve answers (the Chief Executive)."""
    return is_staff_member(user) and user.has_perm("requests_register.approve_answer")


def can_contribute(user, entry: Entry) -> bool:
    """Return True if `user` may add a contribution to `entry` (assigned to them, or a manager)."""
    if not is_staff_member(user):
        return False
    return can_manage_entries(user) or user.has_perm("requests_register.contribute_entry", entry)


def can_export_register(user) -> bool:
    """Return True if `user` may export the whole register (CSV, PDF)."""
    return is_staff_member(user) and user.has_perm("requests_register.export_register")


def entries_for_user(user) -> QuerySet[Entry]:
    """Return the entries `user` may see: all of them, or those assigned to (or logged by) them."""
    return rows_for_user(user, Entry, "requests_register.view_entry", sees_all=can_view_register)


def get_entry_for_user(user, pk: int) -> Entry:
    """Return entry `pk` if `user` may see it; Http404 alike for missing and not theirs."""
    return first_or_404(
        entries_for_user(user).select_related("election", "candidate", "party", "material"),
        "No such entry.",
        pk=pk,
    )
