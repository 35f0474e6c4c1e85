"""Republish the public site after an approved change to briefing events, materials or the
candidate briefing page (issue 13: no "Publish now" button needed).

Known exception to the dependency order (docs/ARCHITECTURE.md): briefings comes before
publishing, so publishing.site.schedule_publish is imported inside the function, as the
register's outbox imports its task. It records a PublishRun and enqueues the existing
publishing.task_publish_site after commit; a broker outage leaves the run queued for the beat.
"""

from __future__ import annotations

from django.db import transaction


def after_commit(election_id: int, *, by=None) -> None:
    """Ask for the public site of `election_id` to be published once the surrounding
    transaction commits (nothing if it rolls back)."""

    def schedule() -> None:
        from publishing.site import schedule_publish  # upward, on purpose: see the docstring

        schedule_publish(election_id, by=by)

    transaction.on_commit(schedule, robust=True)
