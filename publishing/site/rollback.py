"""Rollback: making an earlier kept version live again, after checking it afresh."""

import logging
import re
from datetime import datetime
from pathlib import Path

from django.utils import timezone

from publishing.models import PublishRun
from publishing.site import scan
from publishing.site.checks import scanner
from publishing.site.health import ROLLED_BACK, ROLLING_BACK, Heartbeat
from publishing.site.target import (
    LocalTarget,
    TargetError,
    default_target,
    live_targets,
    site_target,
)

logger = logging.getLogger(__name__)

Status = PublishRun.Status


class RollbackError(RuntimeError):
    """The version asked for cannot be made live; the message says why."""


# --- rollback ----------------------------------------------------------------------------------

_VERSION = re.compile(r"[0-9]{8}T[0-9]{6}Z-[0-9]+")


def rollback_to(version: str, *, by=None, now: datetime | None = None) -> PublishRun:
    """Make an earlier `version` live again, after checking it against today's identifiers.

    A rollback holds the one-at-a-time claim a publish run holds (PublishRun's
    one_publish_run_at_a_time): no run renders, switches or prunes while it checks and
    switches. It is refused while a run is rendering or waiting (queued), whose version would
    replace it as soon as it was made. It lasts until the next run (the next approval, the
    register PDF's step), which publishes the database's state again: to keep something off
    the page, withdraw or correct the entry too.

    Raises RollbackError if it is not a complete kept version, if it is already live, if it
    is another election's (made while that election had the page), if a run is rendering or
    queued, or if the check finds a private identifier in it (nothing recorded then).
    Effects: a PublishRun, running while it checks and switches (a rollback whose process
    died is recorded by requeue_publish_runs, published if its version is live, else failed,
    never run again as a publish), then published
    ("Rolled back to version ..."); on a local folder, the version's permalink folders given
    generations of their own (target.LocalTarget.fresh_generations); `current` (and
    current.txt) switched to it.
    """
    now = now or timezone.now()
    # Version names are unique across sites (they end with the run's id): the live site that
    # keeps it is the one rolled back.
    live = live_targets(timezone.localdate(now))
    targets = [t for _s, t in live]
    site, target = next(((s, t) for s, t in live if version in t.versions()), live[0])
    if not _VERSION.fullmatch(version) or version not in target.versions():
        raise RollbackError(_no_such_version(version, targets))
    if version == target.current_version():
        # Nothing to switch; and so a version found live after a rollback's process died
        # was made live by it (requeue_publish_runs records it as made).
        raise RollbackError(f"Version {version} is already the live version: nothing to roll back.")
    manifest = target.manifest(version)
    if site is not None and manifest.get("election") != site.election_id:
        # Made while another election had this page (the current election changed since):
        # its register would stand on this election's page.
        raise RollbackError(
            f"Version {version} is another election's register, made while that election had "
            f"this page ({site.url}), so nothing was rolled back: the page now serves another "
            "election. Roll back to a version made since, or publish again."
        )
    run = _claim(manifest["election"], version, by)
    try:
        with Heartbeat(run.pk):
            if version not in target.versions():  # pruned by a run that ended meanwhile
                raise RollbackError(_no_such_version(version, targets))
            checker = scanner()
            findings = []
            for path in manifest["files"]:
                findings += checker.scan(path, scan.readings(path, target.read(version, path)))
            if findings:
                raise RollbackError(scan.describe(findings, outcome="Not rolled back."))
            if isinstance(target, LocalTarget):
                # Its permalink folders as they were, not as later runs added to them.
                target.fresh_generations(version, manifest)
            target.switch(version)
    except RollbackError:
        run.delete()  # nothing switched: the claim given back, as if never asked
        raise
    except (TargetError, OSError) as error:
        run.delete()
        raise RollbackError(
            f"Version {version} could not be made live ({type(error).__name__}): nothing was "
            "switched. The log has the details."
        ) from error
    except BaseException:
        run.delete()
        raise
    from publishing.site.publish import _finish  # publish imports this module

    _finish(
        run,
        Status.PUBLISHED,
        version=version,
        files_written=len(manifest["files"]),
        files_carried=len(manifest["files"]),
        progress=f"{ROLLED_BACK} {version}",
    )
    run.refresh_from_db()
    return run


def _no_such_version(version: str, targets) -> str:
    kept = ", ".join(v for t in targets for v in t.versions()) or "none"
    return f"There is no complete version {version!r}. Kept versions: {kept}."


def _claim(election_id: int, version: str, by) -> PublishRun:
    """Record the rollback as a running PublishRun: the claim every publish run makes, so
    none renders or switches meanwhile. Raises RollbackError if one is rendering or queued.

    Recorded with every attempt used, so a rollback whose process died is never queued again
    as a publish run (that would publish from the database, which is not what was asked
    for): requeue_publish_runs records it, by its progress (ROLLING_BACK), as made if its
    version is live, else failed."""
    # publish imports this module: its names are taken when asked for.
    from publishing.site.publish import MAX_ATTEMPTS, PublishBusy, _start_run

    try:
        run = _start_run(
            election_id,
            timezone.now(),
            by,
            attempts=MAX_ATTEMPTS,
            progress=f"{ROLLING_BACK} {version}",
        )
    except PublishBusy:
        raise RollbackError(
            "A publish run is rendering now, so nothing was rolled back: its version would "
            "replace the one rolled back to. Try again when it has finished (the publication "
            "page shows its progress)."
        ) from None
    if PublishRun.objects.filter(election_id=election_id, status=Status.QUEUED).exists():
        run.delete()
        raise RollbackError(
            "A publish run is waiting to publish approved changes, so nothing was rolled "
            "back: its version would replace the one rolled back to within a minute. Try "
            "again when it has finished (the publication page shows its progress)."
        )
    return run


def current_folder(site=None) -> Path | None:
    """Return the local folder of the live version (the `current` symlink) of `site` (a
    target.LiveSite; the current election's by default), or None for a storage that is not a
    local folder."""
    target = default_target() if site is None else site_target(site)
    return target.current_path if isinstance(target, LocalTarget) else None
