"""Every write to incidents: recording, the one status funnel, statements, consultations,
evidence, assignment, the incumbent reminder and the election's settings.

E-mail and letters go through the register's outbox (recorded first, sent after commit), each
linked to its incident (IncidentEmail: the copy kept). Every change writes a history row naming
who made it; every move an IncidentStep.

A package along its seams, names re-exported: `common` (settings, e-mail to a role, the step
record), `record` (recording an incident, its evidence, assignee and the office's settings),
`statement` (the statement, its consultations, publication and letters), `status` (the status
funnel, reminders and overdue alerts) and `retention` (erasing personal data after the
election).
"""

from incidents.services.common import (
    DECIDER_ROLE,
    settings_for,
)
from incidents.services.record import (
    add_evidence,
    assign_incident,
    record_incident,
    save_settings,
)
from incidents.services.retention import (
    erase_personal_data,
    incidents_with_personal_data,
)
from incidents.services.statement import (
    draft_statement,
    record_consultation,
)
from incidents.services.status import (
    alert_overdue,
    record_reminder,
    set_incident_status,
)

__all__ = [
    "DECIDER_ROLE",
    "add_evidence",
    "alert_overdue",
    "assign_incident",
    "draft_statement",
    "erase_personal_data",
    "incidents_with_personal_data",
    "record_consultation",
    "record_incident",
    "record_reminder",
    "save_settings",
    "set_incident_status",
    "settings_for",
]
