"""Celery tasks of the SPOC mailbox: thin wrappers, each calling one service."""

from __future__ import annotations

from election_protocol.celery import app
from mail_intake import services


@app.task(name="mail_intake.task_fetch_mail")
def task_fetch_mail() -> str:
    """Read the SPOC mailbox once (Celery beat, every minute); nothing when MAILBOX_URL is unset.

    A failed pass (server down) is not retried here: the beat's next run, a minute later, is
    the retry, and the message stays on the server meanwhile.
    """

    return services.fetch_mail().summary()
