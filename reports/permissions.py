"""Who may read the equal-treatment report. Views call only this; templates get booleans.

The SPOC, the Chief Executive (who answers for the office's even-handedness, Cumbria 3.3.1)
and the auditor (read-only accountability) hold `reports.view_equal_treatment_report`
(election_protocol.roles). The report holds staff-only figures (every candidate's dealings
with the office, refusals, incidents): chiefs and liaisons, who see only what is assigned to
them, do not read it, and it is never published.
"""

from __future__ import annotations

from election_protocol.permissions import is_staff_member


def can_view_equal_treatment_report(user) -> bool:
    return is_staff_member(user) and user.has_perm("reports.view_equal_treatment_report")
