"""Every write to publishing: preparing public entries (publishing.preparation, re-exported
here), redacting and restoring, the status funnel (submit, approve and publish, return,
withdraw) and corrections.

A public entry is prepared from what was told (a sent register answer, the notes of a held
meeting or of a briefing event), never edited by hand: its public texts are always computed
from the private text and the active redactions (rules.apply_redactions), so no step can
put back what a redaction hides except a restore, which needs a reason and another approver.

A package along its seams, names re-exported: `review` (redacting and restoring a draft, with
its version check), `status` (the status funnel: submit, approve and publish, return, withdraw)
and `corrections` (a published entry corrected, with its own second approver).
"""

from publishing.preparation import (  # noqa: F401 - re-exported: callers import from here
    CANDIDATE_LABEL,
    REQUESTER_LABEL,
    _active,
    _candidate_subjects,
    _create_redactions,
    _private_texts,
    _recompute,
    _redactions_for,
    _requester_subjects,
    _save_private_text,
    _spans,
    keep_for,
    prepare_event_notes,
    prepare_meeting_notes,
    prepare_public_entry,
    requester_label,
    subjects_for,
)
from publishing.publication import (  # noqa: F401 - re-exported: callers import from here
    prepare_action_entry,
    prepare_declined_booking,
    propose_not_for_publication,
    set_not_for_publication_status,
)
from publishing.services.corrections import (
    approve_correction,
    correct,
    preview_correction,
    reject_correction,
)
from publishing.services.review import (
    ConcurrentEditError,
    redact_more,
    restore,
)
from publishing.services.status import (
    _schedule_publish,
    approve_and_publish,
    in_pre_election_period,
    return_to_draft,
    set_public_status,
    submit_for_approval,
    withdraw,
)

__all__ = [
    "ConcurrentEditError",
    "_schedule_publish",
    "approve_and_publish",
    "approve_correction",
    "correct",
    "in_pre_election_period",
    "preview_correction",
    "redact_more",
    "reject_correction",
    "restore",
    "return_to_draft",
    "set_public_status",
    "submit_for_approval",
    "withdraw",
]
