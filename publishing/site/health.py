"""Is publishing alive? A heartbeat while a run (or the register PDF's step) works, and what
the staff screens say about the public page (issue 16, item 5: a dead worker is seen in
seconds, not after STALE_AFTER).

A worker killed mid-run (SIGKILL, out of memory, the machine restarted) leaves its run RUNNING.
While a run works, a thread of its own (`Heartbeat`) touches the run's `progress_at` every
HEARTBEAT_EVERY seconds, whatever the run is doing (reading 10,000 entries, rendering a PDF);
so a running run whose `progress_at` is older than HEARTBEAT_STALE has lost its worker: the
beat's requeue hands it on (publish.requeue_publish_runs), and `site_state` says "publishing
delayed" on the entry's page meanwhile. A rollback is never handed on: the requeue records it
(as made if its version is live, else failed), and until then it counts as not made.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from publishing.models import PublishRun

logger = logging.getLogger(__name__)

Status = PublishRun.Status

HEARTBEAT_EVERY = timedelta(seconds=5)
# A running run not heard from for this long lost its worker (six beats missed).
HEARTBEAT_STALE = timedelta(seconds=30)
# A queued run waits for a worker at most this long before the page says it is delayed (the
# beat re-enqueues it after publish.QUEUED_GRACE).
QUEUED_DELAYED = timedelta(minutes=2)
# How a rollback's run is recorded (rollback.rollback_to): its progress while it checks and
# switches (requeue_publish_runs tells a dead one by it), and once it is live. Its version is
# the one rolled back to, made by an earlier run.
ROLLING_BACK = "Rolling back to version"
ROLLED_BACK = "Rolled back to version"


class Heartbeat:
    """Context manager: while the block runs, touch PublishRun `run_id`'s progress_at (only
    while it is RUNNING) and call `also()` every `every`. Its own thread and database
    connection, closed on exit; a failed beat is logged, never raised (the run goes on)."""

    def __init__(self, run_id: int | None, *, every: timedelta = HEARTBEAT_EVERY, also=None):
        self.run_id = run_id
        self.every = every.total_seconds()
        self.also = also
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True, name="publish-heartbeat")

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def beat(self) -> None:
        if self.run_id is not None:
            PublishRun.objects.filter(pk=self.run_id, status=Status.RUNNING).update(
                progress_at=timezone.now()
            )
        if self.also is not None:
            self.also()

    def _beat(self) -> None:
        try:
            while not self._stop.wait(self.every):
                try:
                    self.beat()
                except Exception:
                    logger.warning("Publishing heartbeat missed", exc_info=True)
        finally:
            with contextlib.suppress(Exception):
                connection.close()


def is_stale(run: PublishRun, now: datetime) -> bool:
    """Return True if `run` is RUNNING but its worker has not been heard from for
    HEARTBEAT_STALE (killed, or the machine stopped)."""
    heard = run.progress_at or run.started_at or run.created_at
    return run.status == Status.RUNNING and heard < now - HEARTBEAT_STALE


@dataclass(frozen=True)
class SiteState:
    """What the staff screen says about a change reaching the public page. `kind`: "live",
    "publishing", "delayed", "not-published", "rolled-back" or "not-live"; `text` for the
    person."""

    kind: str
    text: str

    @property
    def delayed(self) -> bool:
        return self.kind in ("delayed", "not-published")

    @property
    def rolled_back(self) -> bool:
        return self.kind == "rolled-back"


def site_state(election_id: int, changed_at: datetime, *, now: datetime | None = None) -> SiteState:
    """Return whether a change made at `changed_at` (an approval, a withdrawal, a correction)
    is on the public page yet, from the election's publish runs:

    - live: the version on the page now was made by a run that read the data after the
      change (the published run that finished last, or, if that was a rollback, a run that
      made the version it rolled back to);
    - rolled-back: the page was rolled back to a version made before the change, and no run
      started since, bar a rollback that failed or whose process died (it lasts until the
      next run: rollback.rollback_to);
    - delayed: a run meant to publish it is RUNNING with a stale heartbeat (its worker died),
      QUEUED for longer than QUEUED_DELAYED (no worker took it), or FAILED;
    - not-published: the latest run after the change was BLOCKED (private details found);
    - publishing: a run is queued or running and alive;
    - not-live: the latest run was SKIPPED (a past or closed election has no live page).
    """
    now = now or timezone.now()
    runs = list(
        PublishRun.objects.filter(election_id=election_id)
        .filter(_runs_for(changed_at))
        .order_by("-created_at", "-pk")[:20]
    )
    # The runs switch the page one at a time: the one that finished last is what it shows (by
    # when they finished: a run queued just before a rollback claimed may publish after it).
    shown = max(
        (r for r in runs if r.status == Status.PUBLISHED),
        key=lambda r: (r.finished_at or r.started_at or r.created_at, r.pk),
        default=None,
    )
    if shown is not None and not _made_before(shown, changed_at):
        return SiteState("live", str(_("On the public election page.")))
    for run in runs:
        # A rollback is never taken over: the beat's requeue records it (published if it
        # switched, else failed) within seconds; until then it counts as not made.
        if is_stale(run, now) and not is_rollback(run):
            return SiteState(
                "delayed",
                str(
                    _(
                        "The worker publishing the public page stopped. "
                        "Another takes over automatically; the page still shows the previous "
                        "version."
                    )
                ),
            )
        if run.status == Status.QUEUED and run.created_at < now - QUEUED_DELAYED:
            return SiteState(
                "delayed",
                str(
                    _(
                        "Waiting for a worker for longer than usual. It is "
                        "retried automatically; the page still shows the previous version."
                    )
                ),
            )
    # The run that started last (a waiting one: by when it was queued), bar a rollback that
    # failed or whose process died (it switched nothing, and is never run again).
    latest = max(
        (
            r
            for r in runs
            if not (is_rollback(r) and (r.status == Status.FAILED or is_stale(r, now)))
        ),
        key=lambda r: (r.started_at or r.created_at, r.pk),
        default=None,
    )
    if shown is not None and latest is shown:
        # A rollback, to a version made before the change, and nothing since: a run after it
        # (blocked, failed, waiting or working) says more, below.
        return SiteState(
            "rolled-back",
            str(
                _(
                    "Not on the public page now: it was rolled back to version %(version)s, "
                    "made before this change. The next publishing run puts it back: the next "
                    "approval, or Publish now on the Publishing runs page."
                )
                % {"version": shown.version}
            ),
        )
    if latest is not None and latest.status == Status.SKIPPED:
        # A past or closed election has no live page (target.live_site): not a delay.
        return SiteState(
            "not-live",
            str(_("Not on a live public page: this election is over; its archive keeps its page.")),
        )
    if latest is not None and latest.status == Status.BLOCKED:
        return SiteState(
            "not-published",
            str(
                _(
                    "Not on the public page: the last publishing run was blocked. See "
                    "Publishing runs for the reason."
                )
            ),
        )
    if latest is not None and latest.status == Status.FAILED:
        return SiteState(
            "delayed",
            str(
                _(
                    "The last publishing run failed. See Publishing runs; "
                    "the page still shows the previous version."
                )
            ),
        )
    if latest is not None:
        return SiteState("publishing", str(_("Being published: the public page is being updated.")))
    if changed_at < now - QUEUED_DELAYED:
        return SiteState(
            "delayed",
            str(
                _(
                    "No publishing run was recorded for this change. Use "
                    "Publish now on the Publishing runs page."
                )
            ),
        )
    return SiteState(
        "publishing", str(_("Waiting to be published: the public page is not updated yet."))
    )


def is_rollback(run: PublishRun) -> bool:
    """Return True if `run` records a rollback (rollback.rollback_to), not a publish run."""
    return run.progress.startswith((ROLLING_BACK, ROLLED_BACK))


def _made_before(shown: PublishRun, changed_at: datetime) -> bool:
    """Return True if the version `shown` (the published run that finished last) put on the
    page was made from the data before `changed_at`: a rollback's version, unless a publish
    run that read the data at or after `changed_at` made it (or found it unchanged). A
    publish run in site_state's runs read the data after the change."""
    if not is_rollback(shown):
        return False
    made = (
        PublishRun.objects.filter(
            election_id=shown.election_id, version=shown.version, status=Status.PUBLISHED
        )
        .filter(Q(started_at__gte=changed_at) | Q(started_at=None, created_at__gte=changed_at))
        .exclude(progress__startswith=ROLLED_BACK)
    )
    return not made.exists()


def _runs_for(changed_at: datetime) -> Q:
    # Runs that started after the change, and any still waiting or working (a queued run
    # reads the data when it starts, so it covers a change made before it was queued).
    return (
        Q(created_at__gte=changed_at)
        | Q(started_at__gte=changed_at)
        | Q(status__in=[Status.QUEUED, Status.RUNNING])
    )
