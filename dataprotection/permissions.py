"""Who may do what with data protection. Views call only these; templates get booleans.

- The retention page (period, when data is due for erasure, the log of runs): the SPOC, the
  Chief Executive and the auditor (read-only accountability: it shows counts and register
  references, no personal data).
- Setting the retention period: the Chief Executive only (the office's decision; the privacy
  notice promises it to the public).
- Placing or lifting a legal hold: the SPOC and the Chief Executive (they manage the register).
- Subject access exports and their log: the SPOC and the Chief Executive. An export holds every
  contact detail, so only roles that already see requesters' and candidates' contact details
  may make one; the auditor sees no contact details, and chiefs and liaisons see only entries
  assigned to them.
"""

from __future__ import annotations

from election_protocol.permissions import is_staff_member


def can_view_retention(user) -> bool:
    return is_staff_member(user) and user.has_perm("dataprotection.view_retentionrun")


def can_change_retention_period(user) -> bool:
    return is_staff_member(user) and user.has_perm("dataprotection.change_retention_period")


def can_set_legal_hold(user) -> bool:
    return is_staff_member(user) and user.has_perm("requests_register.set_legal_hold")


def can_export_subject_data(user) -> bool:
    return is_staff_member(user) and user.has_perm("dataprotection.export_subject_data")
