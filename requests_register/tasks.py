"""Celery tasks of the register: thin wrappers taking ids, each calling one service."""

from __future__ import annotations

from django.utils import timezone

from election_protocol.celery import app
from election_protocol.queries import current_election
from requests_register import outbox, reminders, services


@app.task(
    bind=True,
    name="requests_register.task_send_email",
    # Acknowledged after the run: a worker killed mid-send has the task redelivered; the claim
    # in send_outbound_email makes the redelivery harmless.
    acks_late=True,
    max_retries=outbox.MAX_SEND_ATTEMPTS - 1,
)
def task_send_email(self, *, email_id: int) -> str:
    """Send one outbox e-mail; on a transient failure retry with exponential back-off.

    After the last attempt the error is raised and the row stays FAILED with its reason.
    """
    try:
        return outbox.send_outbound_email(email_id)
    except outbox.TransientSendError as error:
        # Counted on the row, not on this chain of retries: a send the periodic requeue
        # restarted does not get a fresh set of attempts.
        if error.attempts >= outbox.MAX_SEND_ATTEMPTS:
            raise
        raise self.retry(exc=error, countdown=outbox.retry_delay_seconds(error.attempts)) from error


@app.task(name="requests_register.task_requeue_unsent")
def task_requeue_unsent() -> int:
    """Enqueue every outbox e-mail left unsent (Celery beat, every two minutes)."""
    return outbox.requeue_unsent()


@app.task(name="requests_register.task_send_daily_digest")
def task_send_daily_digest() -> int:
    """Queue today's digest for the current election (Celery beat, each working morning)."""
    today = timezone.localdate()
    election = current_election(today)
    if election is None:
        return 0
    return services.queue_daily_digests(election, today=today)


@app.task(name="requests_register.task_send_reminders")
def task_send_reminders() -> dict[str, int]:
    """Queue the reminders for the current election (Celery beat, hourly in office hours):
    approvals, unconfirmed oral requests, the pre-election period. Idempotent."""

    election = current_election(timezone.localdate())
    if election is None:
        return {}
    return reminders.run_reminders(election)
