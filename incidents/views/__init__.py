"""Staff pages for incidents: the list (what awaits you, open, closed), recording one of each
kind, an incident's page with its next steps, the decision page (phone-friendly), the
statement, consultations, evidence, assignment and the election's settings.

A package by purpose, names re-exported for the URLs: `listing` (the list and the office's
settings), `record` (recording an incident and its evidence) and `case` (one incident's page
and every step taken on it).
"""

from incidents.views.case import (
    STEP_LABELS,
    STEP_NOTE_LABELS,
    assign,
    consult,
    decide,
    detail,
    reminder,
    statement,
    step,
)
from incidents.views.listing import (
    incident_list,
    settings_page,
)
from incidents.views.record import (
    add_evidence,
    evidence_file,
    record,
)

__all__ = [
    "STEP_LABELS",
    "STEP_NOTE_LABELS",
    "add_evidence",
    "assign",
    "consult",
    "decide",
    "detail",
    "evidence_file",
    "incident_list",
    "record",
    "reminder",
    "settings_page",
    "statement",
    "step",
]
