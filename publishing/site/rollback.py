"""Rollback: making an earlier kept version live again, after checking it afresh."""

import logging
import re
from datetime import datetime
from pathlib import Path

from django.utils import timezone

from publishing.models import PublishRun
from publishing.site import scan
from publishing.site.checks import scanner
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

    Raises RollbackError if it is not a complete kept version or the check finds a private
    identifier in it. Effects: on a local folder, the version's permalink folders given
    generations of their own (target.LocalTarget.fresh_generations); `current` (and
    current.txt) switched to it; a PublishRun
    recorded as published with the reason "Rolled back".
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
    checker = scanner()
    findings = []
    for path in manifest["files"]:
        findings += checker.scan(path, scan.readings(path, target.read(version, path)))
    if findings:
        raise RollbackError(scan.describe(findings, outcome="Not rolled back."))
    try:
        if isinstance(target, LocalTarget):
            # Its permalink folders as they were, not as later runs added to them.
            target.fresh_generations(version, manifest)
        target.switch(version)
    except TargetError as error:
        raise RollbackError(str(error)) from error
    return PublishRun.objects.create(
        election_id=manifest["election"],
        status=Status.PUBLISHED,
        requested_by=by,
        created_at=now,
        started_at=now,
        finished_at=now,
        version=version,
        files_written=len(manifest["files"]),
        files_carried=len(manifest["files"]),
        progress=f"Rolled back to version {version}",
    )


def current_folder(site=None) -> Path | None:
    """Return the local folder of the live version (the `current` symlink) of `site` (a
    target.LiveSite; the current election's by default), or None for a storage that is not a
    local folder."""
    target = default_target() if site is None else site_target(site)
    return target.current_path if isinstance(target, LocalTarget) else None
