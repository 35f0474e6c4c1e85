"""Celery tasks of briefings: thin wrappers taking ids, each calling one service."""

from __future__ import annotations

from briefings import letter_queue
from election_protocol.celery import app


@app.task(
    name="briefings.task_send_booking_letter",
    # Acknowledged after the run: a worker killed mid-render has the task redelivered; the
    # letter's e-mail, set once, makes the redelivery harmless.
    acks_late=True,
)
def task_send_booking_letter(*, letter_id: int) -> str:
    """Render a booking letter (PDF) and queue it to the candidate."""
    return letter_queue.send_booking_letter(letter_id)


@app.task(name="briefings.task_requeue_booking_letters")
def task_requeue_booking_letters() -> int:
    """Enqueue every booking letter still owed (Celery beat, every two minutes)."""
    return letter_queue.requeue_booking_letters()
