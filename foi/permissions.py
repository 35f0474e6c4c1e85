"""Who may do what with FOI requests. Views call only these; templates get booleans.

Seeing an FOI request's page follows seeing its register entry (requests_register.permissions).
Managing the clock (clarification, extension, who holds it, another authority's disclosure, a
request for review): those who manage the register (SPOC and Chief Executive). Refusing and
deciding a review: the Chief Executive or a deputy they name, as any refusal (Cumbria 3.1).
The copy of another authority's disclosure is addressed to the requester: only those who see
requesters' contact details may open it.
"""

from __future__ import annotations

from requests_register.models import Entry
from requests_register.permissions import (
    can_approve_answers,
    can_manage_entries,
    can_view_requester_contacts,
)


def can_manage_foi(user) -> bool:
    return can_manage_entries(user)


def can_refuse_foi(user, entry: Entry) -> bool:
    return can_manage_entries(user) and can_approve_answers(user, entry.election)


def can_open_disclosure_copy(user) -> bool:
    return can_view_requester_contacts(user)
