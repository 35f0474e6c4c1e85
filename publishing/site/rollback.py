"""Rollback: making an earlier kept version live again, after checking it afresh."""

import logging
import re
from datetime import datetime
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from publishing.models import PublishRun
from publishing.site import scan
from publishing.site.checks import scanner
from publishing.site.health import Heartbeat
from publishing.site.target import (
    LocalTarget,
    TargetError,
    default_target,
    running_sites,
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

    Raises RollbackError if it is not a complete kept version, if a publish run is rendering
    (a rollback holds the same one-at-a-time claim as a run, PublishRun's
    one_publish_run_at_a_time: otherwise the run would switch its own version over the
    rollback as soon as it finished, or prune the version being rolled back to), or if the
    check finds a private identifier in it. Effects: a PublishRun recorded as running while
    it checks and switches, then published ("Rolled back to version ..."), or blocked with
    the reason the check gives, or failed; on a local folder, the version's permalink folders
    given generations of their own (target.LocalTarget.fresh_generations); `current` (and
    current.txt) switched to it.
    """
    now = now or timezone.now()
    # Version names are unique across sites (they end with the run's id): the live site that
    # keeps it is the one rolled back.
    targets = [site_target(site) for site in running_sites(timezone.localdate(now))]
    targets = targets or [default_target()]
    target = next((t for t in targets if version in t.versions()), targets[0])
    if not _VERSION.fullmatch(version) or version not in target.versions():
        kept = ", ".join(v for t in targets for v in t.versions()) or "none"
        raise RollbackError(f"There is no complete version {version!r}. Kept versions: {kept}.")
    manifest = target.manifest(version)
    run = _claim(manifest["election"], version, by, now)
    try:
        with Heartbeat(run.pk):
            checker = scanner()
            findings = []
            for path in manifest["files"]:
                findings += checker.scan(path, scan.readings(path, target.read(version, path)))
            if findings:
                reason = scan.describe(findings, outcome="Not rolled back.")
                _end(run, Status.BLOCKED, reason=reason, progress="Nothing was rolled back")
                raise RollbackError(reason)
            if isinstance(target, LocalTarget):
                # Its permalink folders as they were, not as later runs added to them.
                target.fresh_generations(version, manifest)
            target.switch(version)
    except RollbackError:
        raise
    except TargetError as error:
        _end(run, Status.FAILED, reason=str(error), progress="Nothing was rolled back")
        raise RollbackError(str(error)) from error
    except BaseException as error:
        _end(
            run,
            Status.FAILED,
            # The type only, as a run's failure: its text could quote the files read.
            reason=f"The rollback stopped ({type(error).__name__}); see the log.",
            progress="Rollback stopped",
        )
        raise
    _end(
        run,
        Status.PUBLISHED,
        version=version,
        files_written=len(manifest["files"]),
        files_carried=len(manifest["files"]),
        progress=f"Rolled back to version {version}",
    )
    run.refresh_from_db()
    return run


def _claim(election_id: int, version: str, by, now: datetime) -> PublishRun:
    """Record the rollback as a running PublishRun: the claim every publish run makes, so
    none renders or switches meanwhile. Raises RollbackError if one is rendering.

    Recorded with every attempt used: a rollback whose process died is marked failed by
    requeue_publish_runs once its heartbeat stops, never queued again as a publish run (that
    would publish from the database, which is not what was asked for)."""
    from publishing.site.publish import MAX_ATTEMPTS  # publish imports this module

    try:
        with transaction.atomic():
            return PublishRun.objects.create(
                election_id=election_id,
                status=Status.RUNNING,
                requested_by=by,
                created_at=now,
                started_at=now,
                progress_at=now,
                attempts=MAX_ATTEMPTS,
                progress=f"Rolling back to version {version}",
            )
    except IntegrityError:
        raise RollbackError(
            "A publish run is rendering now, so nothing was rolled back: its version would "
            "replace the one rolled back to. Try again when it has finished (the publication "
            "page shows its progress)."
        ) from None


def _end(run: PublishRun, status: str, **fields) -> None:
    now = timezone.now()
    PublishRun.objects.filter(pk=run.pk).update(
        status=status, finished_at=now, progress_at=now, **fields
    )


def current_folder(site=None) -> Path | None:
    """Return the local folder of the live version (the `current` symlink) of `site` (a
    target.LiveSite; the current election's by default), or None for a storage that is not a
    local folder."""
    target = default_target() if site is None else site_target(site)
    return target.current_path if isinstance(target, LocalTarget) else None
