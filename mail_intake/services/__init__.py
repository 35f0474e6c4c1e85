"""Every write of the SPOC mailbox: the fetch pass, sorting a message, the triage decisions.

The pass (``fetch_mail``), per message, in this order:

1. the message is recorded (``record_message``: raw bytes, Message-ID, fingerprint) and the
   transaction commits;
2. it is sorted (``sort_message``, the system's funnel): a bounce marks its outbox e-mail
   failed, an automatic reply is filed, a reply is added to its entry (and recognised as the
   requester's written confirmation), anything else waits in the triage inbox; a message that
   cannot be read or sorted needs attention, with the reason;
3. only then is it moved to the processed folder on the server.

A crash after 1 finds the message on the server again next pass: its fingerprint is already
recorded, so it is only moved (and sorted, if 2 had not happened: ``sort_pending``). A crash
before 1 loses nothing: the message is still in the folder. Re-running a pass is harmless.
Staff decide what waits in the triage inbox (``accept_message``, ``mark_duplicate``,
``dismiss_message``); every change writes a history row naming who made it.

A package (issue 17, item 11): common.py, record.py (1), sorting.py (2), fetch.py (the pass),
triage.py (staff decisions); every public name is importable from here, as before.
"""

from __future__ import annotations

from mail_intake.services.common import (
    BATCH,
    MAILBOX_USERNAME,
    MAX_MESSAGE_BYTES,
    State,
    logger,
    mailbox_config,
    mailbox_user,
)
from mail_intake.services.fetch import (
    PassResult,
    fetch_mail,
)
from mail_intake.services.record import (
    record_message,
)
from mail_intake.services.sorting import (
    sort_message,
    sort_pending,
)
from mail_intake.services.triage import (
    accept_message,
    dismiss_message,
    mark_duplicate,
)

__all__ = [
    "BATCH",
    "MAILBOX_USERNAME",
    "MAX_MESSAGE_BYTES",
    "PassResult",
    "State",
    "accept_message",
    "dismiss_message",
    "fetch_mail",
    "logger",
    "mailbox_config",
    "mailbox_user",
    "mark_duplicate",
    "record_message",
    "sort_message",
    "sort_pending",
]
