"""Every write of data protection: legal holds, the retention period, the retention run (one
funnel) and the log of subject access exports.

What a retention run erases, and why the rest stays, is written out in apply_retention's
docstring; the privacy notice (templates/public/privacy.html) says the same in plain words.

A package along its seams, names re-exported: `holds` (legal holds and the retention period),
`scrub` (the subjects and identifiers a text is cleaned of), `erase` (the retention run:
entries, the publishing workspace, candidates, other e-mails) and `access` (subject access
recorded).
"""

from dataprotection.services.access import (
    record_subject_access,
)
from dataprotection.services.erase import (
    COUNT_KINDS,
    ENTRY_REQUESTER_ERASED,
    ENTRY_TEXT_FIELDS,
    FOI_TEXT_FIELDS,
    SUBJECT_LENGTH,
    TOPIC_LENGTH,
    RetentionNotDue,
    apply_retention,
)
from dataprotection.services.holds import (
    set_legal_hold,
    set_retention_period,
)
from dataprotection.services.scrub import (
    ERASED_REASON,
    PERSON_LABEL,
)

__all__ = [
    "COUNT_KINDS",
    "ENTRY_REQUESTER_ERASED",
    "ENTRY_TEXT_FIELDS",
    "ERASED_REASON",
    "FOI_TEXT_FIELDS",
    "PERSON_LABEL",
    "SUBJECT_LENGTH",
    "TOPIC_LENGTH",
    "RetentionNotDue",
    "apply_retention",
    "record_subject_access",
    "set_legal_hold",
    "set_retention_period",
]
