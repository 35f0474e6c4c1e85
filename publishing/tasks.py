"""Celery tasks of publishing: thin wrappers taking ids, each calling one function of
publishing.site."""

from __future__ import annotations

from election_protocol.celery import app
from publishing import site


@app.task(
    bind=True,
    name="publishing.task_publish_site",
    # Acknowledged after the run: a worker killed mid-render has the task redelivered. The
    # version it was building is a folder nothing points to; the live site is untouched.
    acks_late=True,
    max_retries=10,
)
def task_publish_site(self, *, run_id: int) -> str:
    """Publish the public site for one PublishRun; skipped if it is already finished.

    Waits its turn while another run renders; retries an OSError with exponential back-off.
    A run given up on stays queued (busy) or failed (errors); the beat's requeue picks up
    queued ones.
    """
    try:
        return site.run_publish(run_id)
    except site.PublishBusy as busy:
        raise self.retry(exc=busy, countdown=60) from busy
    except site.TransientPublishError as error:
        raise self.retry(exc=error, countdown=site.retry_delay_seconds(error.attempts)) from error


@app.task(
    bind=True,
    name="publishing.task_publish_slow_files",
    acks_late=True,  # a worker killed while rendering: redelivered; nothing half-published
    max_retries=10,
)
def task_publish_slow_files(self, *, election_id: int) -> str:
    """Render the whole-register PDF outside the publishing lock and publish it (a run of its
    own); nothing to do if the live version's PDF is current."""
    try:
        return site.publish_slow_files(election_id)
    except site.PublishBusy as busy:
        raise self.retry(exc=busy, countdown=60) from busy


@app.task(name="publishing.task_requeue_publish_runs")
def task_requeue_publish_runs() -> int:
    """Re-enqueue publish runs the broker or a worker lost (Celery beat, every two minutes)."""
    return site.requeue_publish_runs()
