"""Celery tasks of data protection: thin wrappers, each calling one service."""

from __future__ import annotations

from django.utils import timezone

from dataprotection import queries, services
from election_protocol.celery import app


@app.task(name="dataprotection.task_apply_retention")
def task_apply_retention() -> int:
    """Apply the retention rule to every election whose retention date has passed (Celery
    beat, daily). Returns how many runs erased something. Each election runs in its own
    transaction: one failing does not keep the others' data."""
    today = timezone.localdate()
    done = 0
    for election in queries.elections_due(today):
        run = services.apply_retention(election.pk, run_by=None, today=today)
        done += run is not None
    return done
