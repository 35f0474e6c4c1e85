"""Celery tasks for incidents: thin wrappers over services (HOUSE_STYLE)."""

from __future__ import annotations

from django.utils import timezone

from election_protocol.celery import app
from election_protocol.queries import current_election
from incidents import services


@app.task(name="incidents.task_alert_overdue_incidents")
def task_alert_overdue_incidents() -> int:
    """Tell the SPOC, once each, about incidents past their target (beat, every 15 minutes):
    targets are often in hours, too urgent for the morning digest alone."""

    election = current_election(timezone.localdate())
    if election is None:
        return 0
    return services.alert_overdue(election)
