"""The public election page: a static site rendered from THE GATE (publishing.queries),
checked for every private identifier in the database, and switched live atomically.

- pages.py: every file of the site (HTML pages, CSV, JSON, Atom, iCalendar, PDF, assets),
  each with a key for incremental publishing;
- scan.py: the private identifiers and the leak check; pdftext.py: reading PDFs (pypdf);
- target.py: version folders, the `current` pointer, rollback and pruning;
- publish.py: the run's funnel (schedule, claim, publish, block);
- checks.py: what a run checks and the record of what each version was checked against;
- slow.py: the register's PDF in a step of its own; rollback.py: rollback_to;
- health.py: the run's heartbeat, and whether a change is live or publishing is delayed.
"""

from publishing.site.publish import (
    PublishBusy,
    PublishResult,
    RollbackError,
    TransientPublishError,
    current_folder,
    enqueue_run,
    enqueue_slow_files,
    publish_site,
    publish_slow_files,
    requeue_publish_runs,
    retry_delay_seconds,
    rollback_to,
    run_publish,
    schedule_publish,
)

__all__ = [
    "PublishBusy",
    "PublishResult",
    "RollbackError",
    "TransientPublishError",
    "current_folder",
    "enqueue_run",
    "enqueue_slow_files",
    "publish_site",
    "publish_slow_files",
    "requeue_publish_runs",
    "retry_delay_seconds",
    "rollback_to",
    "run_publish",
    "schedule_publish",
]
