"""Every write to the register: logging, the status funnel, answers, assignments, notes.

E-mail goes through requests_register.outbox: recorded in the same transaction as the change
that causes it, sent by a Celery task after commit.

A package along its seams, names re-exported: `common` (attachments, targets, the e-mail to
the requester), `intake` (logging and editing an entry), `status` (the status funnel and the
replies it sends), `work` (answers, assignments, contributions, notes, approvers) and `digest`
(the daily digest).
"""

from requests_register.services.common import (
    ALLOWED_ATTACHMENT_TYPES,
    MAX_ATTACHMENT_BYTES,
    ConcurrentEditError,
    IncomingFile,
    check_attachment,
    target_for,
)
from requests_register.services.digest import (
    queue_daily_digests,
)
from requests_register.services.intake import (
    EDITABLE_FIELDS,
    log_entry,
    update_entry,
)
from requests_register.services.status import (
    FINAL_REPLIES,
    _facts,
    record_reply_elsewhere,
    reply_key,
    set_entry_status,
    set_target_date,
)
from requests_register.services.work import (
    add_attachments,
    add_contribution,
    add_note,
    assign_entry,
    draft_answer,
    set_approval_deputies,
)

__all__ = [
    "ALLOWED_ATTACHMENT_TYPES",
    "EDITABLE_FIELDS",
    "FINAL_REPLIES",
    "MAX_ATTACHMENT_BYTES",
    "ConcurrentEditError",
    "IncomingFile",
    "_facts",
    "add_attachments",
    "add_contribution",
    "add_note",
    "assign_entry",
    "check_attachment",
    "draft_answer",
    "log_entry",
    "queue_daily_digests",
    "record_reply_elsewhere",
    "reply_key",
    "set_approval_deputies",
    "set_entry_status",
    "set_target_date",
    "target_for",
    "update_entry",
]
