"""The outbox: every outgoing e-mail is recorded first, then sent by a Celery task after commit.

Replies, acknowledgements and confirmations go by e-mail only (Cumbria protocol 6.1.2). The flow:

1. `queue_email` (or `queue_templated_email`) stores an OutboundEmail row in state QUEUED, in the
   caller's transaction, and enqueues `task_send_email` with `transaction.on_commit`.
2. `send_outbound_email` claims the row with a conditional UPDATE (QUEUED/FAILED -> SENDING), so
   only one worker ever sends it, sends it through Django's mailer and records SENT or FAILED.
3. `requeue_unsent` (Celery beat, every two minutes) is the safety net for whatever the broker or a
   worker lost: rows still QUEUED, FAILED rows whose retry never came, and rows left SENDING by a
   worker that died.

Delivery is at least once, never twice by our doing: the claim stops two workers sending the same
row, and a row already SENT is never claimed again. The one duplicate we cannot rule out is a
worker dying after the SMTP server accepted the message but before SENT was stored; the message
then goes again with the same Message-ID, so the receiving side can tell it is the same message.

A package along its seams, names re-exported: `checks` (what a message may hold: headers,
addresses, attachments; its MIME form; the retry schedule), `queue` (an e-mail recorded and
enqueued after commit, from a template) and `send` (the worker's send, and the requeue of what
was left).
"""

from requests_register.outbox.checks import (
    MAX_ATTACHMENTS_BYTES,
    MAX_SEND_ATTEMPTS,
    QUEUED_GRACE,
    SENT,
    SKIPPED,
    WORKER_STOPPED,
    AttachmentSpec,
    State,
    TransientSendError,
    UnknownTemplateError,
    build_message,
    check_address,
    check_attachments,
    check_header_value,
    describe_send_error,
    message_id_domain,
    one_line,
    retry_delay_seconds,
    substitute,
)
from requests_register.outbox.queue import (
    _enqueue_send,
    queue_email,
    queue_templated_email,
    render_template,
)
from requests_register.outbox.send import (
    requeue_unsent,
    send_outbound_email,
)

__all__ = [
    "MAX_ATTACHMENTS_BYTES",
    "MAX_SEND_ATTEMPTS",
    "QUEUED_GRACE",
    "SENT",
    "SKIPPED",
    "WORKER_STOPPED",
    "AttachmentSpec",
    "State",
    "TransientSendError",
    "UnknownTemplateError",
    "_enqueue_send",
    "build_message",
    "check_address",
    "check_attachments",
    "check_header_value",
    "describe_send_error",
    "message_id_domain",
    "one_line",
    "queue_email",
    "queue_templated_email",
    "render_template",
    "requeue_unsent",
    "retry_delay_seconds",
    "send_outbound_email",
    "substitute",
]
