"""Pure rules of the register: statuses and their transitions, who may do what when.

No ORM and no clock: callers pass the facts and the moment.

A package (issue 17, item 11): vocabulary.py, transitions.py, uploads.py;
every public name is importable from here, as before.
"""

from __future__ import annotations

from requests_register.rules.transitions import (
    CLOSED_ELSEWHERE_FROM,
    STEPS_ELSEWHERE,
    EntryFacts,
    Step,
    TransitionError,
    available_steps,
    check_entry_transition,
    is_reopening,
    is_return,
    may_take_step,
    needs_confirmation,
    needs_reason,
    needs_sign_off,
)
from requests_register.rules.uploads import (
    ATTACHMENT_MAGIC,
    attachment_type_problem,
    treated_as_candidate,
)
from requests_register.rules.vocabulary import (
    BAD_ORIGINALS,
    CHANNEL_LABELS,
    DONE,
    ENDINGS,
    KIND_LABELS,
    NEEDS_WRITTEN_CONFIRMATION,
    NO_REPLY_LABELS,
    NO_REPLY_SIGNED_OFF,
    OPEN,
    SENDS_REPLY,
    SIGNED_OFF_ENDINGS,
    STATUS_LABELS,
    TRANSITIONS,
    Channel,
    Kind,
    NoReplyReason,
    Status,
    is_no_reply_closure,
)

__all__ = [
    "ATTACHMENT_MAGIC",
    "BAD_ORIGINALS",
    "CHANNEL_LABELS",
    "CLOSED_ELSEWHERE_FROM",
    "DONE",
    "ENDINGS",
    "KIND_LABELS",
    "NEEDS_WRITTEN_CONFIRMATION",
    "NO_REPLY_LABELS",
    "NO_REPLY_SIGNED_OFF",
    "OPEN",
    "SENDS_REPLY",
    "SIGNED_OFF_ENDINGS",
    "STATUS_LABELS",
    "STEPS_ELSEWHERE",
    "TRANSITIONS",
    "Channel",
    "EntryFacts",
    "Kind",
    "NoReplyReason",
    "Status",
    "Step",
    "TransitionError",
    "attachment_type_problem",
    "available_steps",
    "check_entry_transition",
    "is_no_reply_closure",
    "is_reopening",
    "is_return",
    "may_take_step",
    "needs_confirmation",
    "needs_reason",
    "needs_sign_off",
    "treated_as_candidate",
]
