"""Publishing the public election page: the run's funnel, the render, the check, the switch.

`schedule_publish` (after every approval, withdrawal and correction: publishing.services, and
the staff "Publish now" button) records a queued PublishRun and enqueues the task after commit.
`run_publish` (the task) claims it and calls `publish_site`, which:

1. reads the public data through THE GATE only (pages.load -> publishing.queries);
2. builds every file into a fresh folder, carrying over from the live version each file whose
   key is unchanged (pages.plan_site) and rendering the rest;
3. scans every file, carried or rendered, and the HTML the PDF is made from, for every private
   identifier in the database (scan.private_identifiers);
4. if one is found: nothing is switched, the run is BLOCKED with the kind and the file (never
   the value), the SPOC officers are e-mailed through the outbox, the live version stays;
5. otherwise switches to the new version atomically (target.py) and keeps the last five.

Around it: checks.py (what is checked, the check records), slow.py (the register's PDF in a
step of its own), rollback.py (`rollback_to` makes an earlier version live again, after
checking it afresh), health.py (the heartbeat, and whether a change is live or delayed). Their
public names are importable from here and from publishing.site as before.
"""

from __future__ import annotations

import errno
import gc
import hashlib
import json
import logging
import os
import re
import time
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Set
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from election_protocol import queue_notice
from election_protocol.models import Election
from election_protocol.queries import current_election
from election_protocol.roles import Role
from publishing.models import PublishRun
from publishing.site import checks, listings, pages, scan
from publishing.site import target as target_module
from publishing.site.checks import (
    _carried_check,
    _changed_texts,
    _read,
    _save_check_record,
    _sha,
    _site_words,
    _unchanged_since_written,
    _write,
    scanner,
)
from publishing.site.health import HEARTBEAT_STALE, ROLLED_BACK, ROLLING_BACK, Heartbeat
from publishing.site.pages import data as site_data
from publishing.site.pages import opendata
from publishing.site.pages import pdf as site_pdf
from publishing.site.pages import web as site_web
from publishing.site.rollback import RollbackError, current_folder, rollback_to
from publishing.site.slow import (
    Prerendered,
    _cache_pdf_readings,
    _readings,
    _readings_cached,
    enqueue_slow_files,
    publish_slow_files,
)
from publishing.site.target import (
    MANIFEST,
    LocalTarget,
    TargetError,
    _listing_line,
    clear_preview_folder,
    live_site,
    live_targets,
    running_sites,
    site_target,
    texts_per_record,
)
from requests_register.outbox import queue_email, render_template

logger = logging.getLogger(__name__)

__all__ = [
    "Prerendered",
    "RollbackError",
    "current_folder",
    "enqueue_slow_files",
    "publish_slow_files",
    "rollback_to",
    "scanner",
]

Status = PublishRun.Status

# A queued run is re-enqueued by the beat after this long (the broker was down at commit).
QUEUED_GRACE = timedelta(minutes=2)
# A running run not heard from for this long lost its worker: its heartbeat (health.py)
# touches progress_at every few seconds, whatever the run is doing.
STALE_AFTER = HEARTBEAT_STALE
MAX_ATTEMPTS = 5
PROGRESS_EVERY = 250  # files between two looks at the clock for a progress update
# At most one progress update a second: a query each (eighty a run at 10,000 entries were a
# tenth of a second of an approval); the heartbeat (health.py) says the worker is alive.
PROGRESS_SECONDS = 1.0


class PublishBusy(RuntimeError):
    """Another run is rendering; this one waits its turn."""


class TransientPublishError(RuntimeError):
    """The run failed for a reason that may pass (disk, storage unreachable); retry later."""

    def __init__(self, reason: str, *, attempts: int) -> None:
        super().__init__(reason)
        self.attempts = attempts


@dataclass
class PublishResult:
    status: str  # "published", "blocked" or "skipped" (not the current election)
    version: str | None
    folder: Path | None
    rendered: list[str] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)
    changed: int = 0
    findings: list[scan.Finding] = field(default_factory=list)
    reason: str = ""
    unchanged: bool = False
    # Slow files (the whole-register PDF) published as their "being updated" stand-in: the
    # step of their own (publish_slow_files) is enqueued to bring them up to date.
    slow_pending: list[str] = field(default_factory=list)

    @property
    def files(self) -> int:
        return len(self.rendered) + len(self.carried)


def retry_delay_seconds(attempts: int) -> int:
    """Return the back-off after `attempts` tries: 1, 2, 4, 8 ... minutes, at most an hour."""
    return min(60 * 2 ** max(attempts - 1, 0), 3600)


# --- scheduling --------------------------------------------------------------------------------


def enqueue_run(run_id: int) -> bool:
    """Enqueue task_publish_site for a run; return False if the broker could not take it (the
    run stays queued and the beat's requeue_publish_runs tries again)."""
    from publishing.tasks import task_publish_site  # tasks imports publishing.site

    try:
        task_publish_site.delay(run_id=run_id)
    except BrokerError as error:
        logger.warning("Publish run %s left for the periodic requeue: %s", run_id, error)
        queue_notice.note_deferred(queue_notice.PUBLISH)  # the person is told, not shown an error
        return False
    return True


def schedule_publish(election_id: int, *, by=None, now: datetime | None = None) -> PublishRun:
    """Ask for the public site of election `election_id` to be published again.

    Effects: a PublishRun (queued) and, after commit, task_publish_site enqueued (robust: a
    broker outage leaves the run queued for the beat). A run already queued for the election
    is returned instead: it reads the data when it starts, so it covers this change too.
    """
    now = now or timezone.now()
    with transaction.atomic():
        waiting = (
            PublishRun.objects.filter(election_id=election_id, status=Status.QUEUED)
            .order_by("created_at", "pk")
            .first()
        )
        if waiting is not None:
            return waiting
        run = PublishRun.objects.create(
            election_id=election_id,
            status=Status.QUEUED,
            requested_by=by,
            created_at=now,
            progress="Waiting for a worker",
        )
        transaction.on_commit(partial(enqueue_run, run.pk), robust=True)
    return run


def requeue_publish_runs(*, now: datetime | None = None) -> int:
    """Re-enqueue what the broker or a worker lost; return how many runs were enqueued.

    Picks queued runs older than QUEUED_GRACE, and running runs whose heartbeat has stopped
    for STALE_AFTER, seconds (set back to queued, or failed after MAX_ATTEMPTS; a rollback's
    is never run again by a worker: published if its version is live, else failed,
    _settle_dead_rollback). Claiming is conditional, so
    enqueueing a run twice is harmless.
    """
    now = now or timezone.now()
    stale = PublishRun.objects.filter(status=Status.RUNNING, progress_at__lt=now - STALE_AFTER)
    for run in stale.filter(progress__startswith=ROLLING_BACK):  # rollback_to's: never run again
        _settle_dead_rollback(run, stale, now)
    stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Status.FAILED,
        finished_at=now,
        reason="The worker stopped while rendering, too many times; nothing was switched.",
    )
    handed_on = list(stale.values_list("pk", flat=True))
    stale.filter(pk__in=handed_on).update(
        status=Status.QUEUED, progress="The worker stopped; trying again"
    )
    # Queued at least QUEUED_GRACE ago (the broker lost them), or just taken from a dead worker.
    picked = PublishRun.objects.filter(status=Status.QUEUED).filter(
        Q(created_at__lt=now - QUEUED_GRACE) | Q(pk__in=handed_on)
    )
    enqueued = 0
    for run_id in picked.order_by("created_at", "pk").values_list("pk", flat=True):
        try:
            enqueued += enqueue_run(run_id)
        except Exception:
            logger.exception("Requeueing publish run %s failed", run_id)
    return enqueued + _requeue_stand_ins(now)


def _settle_dead_rollback(run: PublishRun, stale, now: datetime) -> None:
    """Record a rollback whose process died (`run`, still in `stale`: the update is
    conditional, as the claim is): published if its version is live on the site that keeps
    it (the process was killed between the switch and its record), so the staff pages say
    what the page shows (health.site_state); otherwise failed, nothing switched."""
    version = run.progress.removeprefix(ROLLING_BACK).strip()
    still = stale.filter(pk=run.pk)
    if version and _live_version(version, now):
        still.update(
            status=Status.PUBLISHED,
            finished_at=now,
            version=version,
            progress=f"{ROLLED_BACK} {version}",
        )
        return
    still.update(
        status=Status.FAILED,
        finished_at=now,
        reason="A rollback stopped before it finished (its process died). The publication "
        "page shows which version is live: roll back again if need be.",
    )


def _live_version(version: str, now: datetime) -> bool:
    """Return True if `version` is the live version of a live site (the default target's
    when none is running), as rollback_to looks for it (which refuses the version already
    live, so only the rollback's switch made it live). False if it cannot be read (a storage
    down, whatever its error): the rollback is then failed, freeing the claim, and its reason
    says to look at which version is live; the beat's requeue goes on either way."""
    try:
        live = live_targets(timezone.localdate(now))
        return any(target.current_version() == version for _site, target in live)
    except Exception:
        logger.exception("Could not read the live version for a rollback that stopped")
        return False


def _requeue_stand_ins(now: datetime) -> int:
    """Ask again for the slow files (the register PDF) of a live version still showing their
    stand-in, or a whole-register file left behind (Output.behind), after QUEUED_GRACE: the
    broker was down, the worker died or the render failed. The step is idempotent and one at
    a time (its lock), so asking twice costs nothing."""
    enqueued = 0
    for site in running_sites(timezone.localdate(now)):  # each live site's own stand-in
        try:
            target = site_target(site)
            manifest = target.manifest(target.current_version())
        except (OSError, ValueError, TargetError):
            continue
        if not manifest or not any(
            str(f.get("key", "")).startswith("pending:") or f.get("behind") is True
            for f in manifest["files"].values()
        ):
            continue
        generated = datetime.fromisoformat(manifest["generated_at"])
        if now - generated >= QUEUED_GRACE:
            enqueued += int(enqueue_slow_files(manifest["election"]))
    return enqueued


# --- the run's funnel --------------------------------------------------------------------------


def _progress(run: PublishRun | None, text: str) -> None:
    """Say how far the run is (PublishRun.progress). On PostgreSQL, outside any transaction
    of the caller's, committed without waiting for the write-ahead log to reach the disk
    (synchronous_commit off, for this write only): other sessions see it at once all the
    same, and a crash can lose only the latest progress text of a run that died with it.
    Each wait was a millisecond or more of an approval's run, longer as its files' writing
    kept the disk busy (issue 16)."""
    if run is None:
        return
    values = {"progress": text[:200], "progress_at": timezone.now()}
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        PublishRun.objects.filter(pk=run.pk).update(**values)
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        PublishRun.objects.filter(pk=run.pk).update(**values)


def _finish(run: PublishRun, status: str, **fields) -> None:
    PublishRun.objects.filter(pk=run.pk).update(
        status=status, finished_at=timezone.now(), progress_at=timezone.now(), **fields
    )


def _start_run(
    election_id: int,
    now: datetime,
    by=None,
    *,
    attempts: int = 1,
    progress: str = "Starting",
) -> PublishRun:
    """Record a run already running (publish_site called directly: the command, the demo;
    rollback_to): the one-at-a-time claim (one_publish_run_at_a_time). Raises PublishBusy if
    another run holds it."""
    try:
        with transaction.atomic():
            return PublishRun.objects.create(
                election_id=election_id,
                status=Status.RUNNING,
                requested_by=by,
                created_at=now,
                started_at=now,
                progress_at=now,
                attempts=attempts,
                progress=progress,
            )
    except IntegrityError:
        if not PublishRun.objects.filter(status=Status.RUNNING).exists():
            raise  # not the claim: another constraint, for the caller's log
        raise PublishBusy("Another publish run is rendering: try again in a minute.") from None


def run_publish(run_id: int) -> str:
    """Perform a queued run: claim it, publish, record the outcome; return the status, or
    "skipped" for a run already finished or taken by another worker.

    Raises PublishBusy if another run is rendering (the run stays queued), and
    TransientPublishError after an OSError while attempts remain (the run goes back to queued).
    Any other error marks the run failed (the reason names the error's type, not its text,
    which could quote data) and is raised for the worker's log.
    """
    now = timezone.now()
    try:
        with transaction.atomic():
            claimed = PublishRun.objects.filter(pk=run_id, status=Status.QUEUED).update(
                status=Status.RUNNING,
                started_at=now,
                progress_at=now,
                attempts=F("attempts") + 1,
                progress="Starting",
            )
    except IntegrityError:
        raise PublishBusy("Another publish run is rendering.") from None
    if not claimed:
        return "skipped"
    run = PublishRun.objects.select_related("election").get(pk=run_id)
    try:
        with Heartbeat(run.pk):
            result = publish_site(run.election, run=run, slow="defer")
    except OSError as error:
        what = f"{type(error).__name__}: {error.strerror or 'storage error'}"
        if run.attempts >= MAX_ATTEMPTS:
            _finish(run, Status.FAILED, reason=f"Could not write the site ({what}); gave up.")
            raise
        PublishRun.objects.filter(pk=run.pk, status=Status.RUNNING).update(
            status=Status.QUEUED, progress=f"Waiting to retry after an error ({what})"[:200]
        )
        raise TransientPublishError(what, attempts=run.attempts) from error
    except Exception as error:
        _finish(run, Status.FAILED, reason=_failure_reason(error))
        raise
    return result.status


def _alert_spoc(run: PublishRun, election: Election, reason: str) -> None:
    """Queue the SPOC officers' alert (requests_register.outbox): why, and that the previous
    version is still online. Falls back to the SPOC mailbox if no officer has an address."""
    to = sorted(
        set(
            get_user_model()
            .objects.filter(groups__name=Role.SPOC.value, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    ) or [election.spoc_email]
    subject, body = render_template("public_site_blocked", {"run": str(run.pk), "reason": reason})
    queue_email(purpose="public_site_blocked", to=to, subject=subject, body=body)


def _block(run: PublishRun | None, election: Election, reason: str) -> None:
    if run is None:
        return
    with transaction.atomic():
        _finish(run, Status.BLOCKED, reason=reason, progress="Blocked: nothing was published")
        _alert_spoc(run, election, reason)


def _make_folder(path: str) -> None:
    """Make the folder `path` (and its parents if need be): os.mkdir first, as a version's
    folders are made parents first, so the usual case is one system call (os.makedirs looks at
    the parent before each one: a tenth of a second over twenty thousand permalinks)."""
    try:
        os.mkdir(path)
    except FileNotFoundError:
        os.makedirs(path, exist_ok=True)
    except FileExistsError:
        if not os.path.isdir(path):
            raise


def _folders_to_make(previous: dict[str, dict], linked: set[str]) -> list[str]:
    """Return every folder of the live version's files (`previous`) and each of their
    parents, parents first, but the folders linked whole (`linked`) and those inside them
    (the links' to make): what the new version is made with, ahead of its files
    (FolderCarrier.make_ahead); the run's loop makes any other it needs, and
    _remove_unused_folders removes those it leaves empty. A path the site never has (from
    root, with "..", "." or an empty part: a manifest changed by hand) gives none."""
    folders: set[str] = set()
    # Each distinct folder once (twenty thousand permalinks are in two).
    for folder in _folder_counts(previous).keys() - {""}:
        parts = folder.split("/")  # from root: its first part is empty
        if any(part in ("", ".", "..") for part in parts):
            continue
        for depth in range(1, len(parts) + 1):
            folders.add("/".join(parts[:depth]))
    return sorted(
        (f for f in folders - linked if not any(f.startswith(f"{link}/") for link in linked)),
        key=lambda f: (f.count("/"), f),
    )


def _remove_unused_folders(root: str, premade: list[str], used: set[str]) -> None:
    """Remove each folder made ahead (_folders_to_make) that holds no file of the new
    version (a topic's page no longer in the register): the live version had it, this one
    does not. Deepest first; a folder holding a used one is left as it is."""
    needed = set()
    for folder in used:
        while folder and folder not in needed:
            needed.add(folder)
            folder = folder.rpartition("/")[0]
    for relative in reversed(premade):
        if relative not in needed:
            try:
                os.rmdir(f"{root}/{relative}")
            except OSError as error:
                if error.errno not in (errno.ENOTEMPTY, errno.EEXIST):  # EEXIST: some systems'
                    raise


# The manifest this worker process last made live, parsed, by the SHA-256 of its file: the
# next run's "previous" is usually that very file, whose parsing (twenty thousand entries at
# 10,000 entries) is a twentieth of a run. Read only: nothing changes a manifest once written.
_MANIFEST_KEPT: dict[str, dict] = {}


def _previous_manifest(target, version: str | None) -> tuple[dict | None, str | None]:
    """Return the live version's manifest and the SHA-256 of its file (None, None if it has
    none): the parsed one this worker kept when the file is byte for byte the one it wrote;
    otherwise parsed, with the kept records adopted where equal (_adopt_records) and the
    folder views moved to it where they still hold (_move_folder_views). The file's SHA-256
    is the one its run recorded while the file is the one it wrote (checks.
    _recorded_manifest_digest: the same file, size and time, before and after it is read),
    else worked out; a manifest this worker keeps is then not read at all."""
    found = target.manifest_stat(version)
    digest = checks._recorded_manifest_digest(found) if found is not None else None
    if digest is not None and digest in _MANIFEST_KEPT:
        return _MANIFEST_KEPT[digest], digest  # the file this worker wrote: not read
    if digest is not None and _MANIFEST_KEPT:
        # Made from the kept one by another process (the register PDF's step): its changes
        # and its last keys are all that is read of five megabytes, while it is that file.
        ends = target.manifest_ends(version, MANIFEST_HEAD, MANIFEST_TAIL)
        if ends is not None and _same_file(found, target.manifest_stat(version)):
            applied = _apply_changes(ends[0], digest, ends[1])
            if applied is not None:
                return _bridged(applied), digest
    data = target.manifest_bytes(version)
    if data is None:
        return None, None
    if digest is None or not _same_file(found, target.manifest_stat(version)):
        digest = hashlib.sha256(data).hexdigest()  # no digest recorded, or written since
    kept = _MANIFEST_KEPT.get(digest)
    if kept is not None:
        return kept, digest
    applied = _apply_changes(data, digest)
    if applied is not None:
        return _bridged(applied), digest
    manifest = json.loads(data)
    for last in _MANIFEST_KEPT.values():
        others = _adopt_records(manifest, last)
        if others is not None:
            _move_folder_views(last["files"], manifest["files"], others)
    return manifest, digest


def _bridged(applied: tuple[dict, dict, list[str]]) -> dict:
    """Return the manifest _apply_changes made from the kept one, its folder views moved to it
    and the bridge between them kept (_BRIDGE)."""
    manifest, last, others = applied
    _move_folder_views(last["files"], manifest["files"], others)
    _BRIDGE[:] = [(manifest["files"], last["files"], manifest["changes"])]
    return manifest


def _same_file(found: os.stat_result | None, again: os.stat_result | None) -> bool:
    """Whether two os.stat of a path are of one file, unchanged between them."""
    if found is None or again is None:
        return False
    return (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns) == (
        again.st_dev,
        again.st_ino,
        again.st_size,
        again.st_mtime_ns,
    )


def _changes(
    base: str, previous: dict[str, dict], files: dict[str, dict], made: list[str] | None = None
) -> dict:
    """Return a manifest's "changes": what its files' records (`files`) changed from those of
    the manifest it was made from (`previous`, whose file's SHA-256 is `base`): each new or
    changed record, the paths gone, and how many files it lists. The first key of the file
    (its keys are sorted), so a worker that keeps the manifest `base` makes this one from it
    and these few records (_apply_changes) instead of parsing twenty thousand (issue 16).

    `made`: the paths whose records the run made (its loop's); every other record in `files`
    is the very object `previous` has for its path (a permalink carried, _carry_permalinks),
    so only those are compared, and the paths gone are looked for only when the counts say
    some went: not twenty thousand paths a run (issue 16). None: every path is compared."""
    get = previous.get
    changed = {}
    new = 0  # of `made`, the paths `previous` has not
    for path in files if made is None else made:
        record = files[path]
        old = get(path)
        if old is None:
            new += 1
        if old is not record and old != record:
            changed[path] = record
    some_gone = made is None or len(files) - new != len(previous)
    return {
        "base": base,
        "changed": changed,
        "count": len(files),
        "gone": sorted(previous.keys() - files.keys()) if some_gone else [],
    }


_CHANGES_HEAD = re.compile(rb', "election": (-?\d+), "files": \{')
_MANIFEST_TAIL = re.compile(
    rb'\}, "format": (\d+), "generated_at": ("[^"\\]*"), "version": ("[^"\\]*")\}\n\Z'
)
# How much of a manifest's start and end _previous_manifest reads for _apply_changes: its
# changes (an approval's or the register PDF's step's: a few records) and its last keys.
MANIFEST_HEAD = 256 * 1024
MANIFEST_TAIL = 512


def _apply_changes(
    data: bytes, digest: str, tail: bytes | None = None
) -> tuple[dict, dict, list[str]] | None:
    """Return the manifest in `data` (a manifest.json's bytes, whose SHA-256 is `digest`; or
    only its first bytes, with `tail` its last MANIFEST_TAIL) made from the manifest this
    worker keeps and the file's "changes" (_changes), with the kept one and the paths whose
    record is not the kept one's; None (parse the file) unless its changes are from the very
    manifest kept here (and in the bytes given) and the file is one a run wrote.

    The kept manifest is the one whose file's SHA-256 the changes name, parsed or written by
    this worker; the process that wrote `data` (the register PDF's step, in another worker
    in production) worked the changes out from it and the files it listed, and recorded what
    it checked under the file's digest, saying it wrote the file (checks._save_check_record,
    `written`). A file whose record says so is byte for byte one a run wrote, its changes and
    its files written together: a manifest edited since has another digest, no such record,
    and is parsed (what it says is what counts).
    So the result equals json.loads(data) (a test compares them after each kind of run), with
    the kept records themselves for every unchanged file: their manifest fragments and
    listing lines are reused by identity, and twenty thousand records are neither parsed nor
    compared, nor is the file decoded or hashed a second time (issue 16)."""
    if not data.startswith(b'{"changes": ') or not _MANIFEST_KEPT:
        return None
    try:
        # The changes' end: the first top-level key after them (inside the changes every
        # quote of a text is escaped, and no record has an "election").
        head = _CHANGES_HEAD.search(data)
        end = _MANIFEST_TAIL.search(data[-MANIFEST_TAIL:] if tail is None else tail)
        if head is None or end is None:
            return None
        changes = json.loads(data[len(b'{"changes": ') : head.start()])
        last = _MANIFEST_KEPT.get(changes["base"])
        if last is None or not checks._written_by_a_run(digest):
            return None
        changed, gone = changes["changed"], changes["gone"]
        files = dict(last["files"])
        for path in gone:
            del files[path]
        files.update(changed)
        if len(files) != changes["count"]:
            return None
        manifest = {
            "changes": changes,
            "election": int(head.group(1)),
            "files": files,
            "format": int(end.group(1)),
            "generated_at": json.loads(end.group(2)),
            "version": json.loads(end.group(3)),
        }
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return manifest, last, [*changed, *gone]


def _adopt_records(manifest: dict, last: dict) -> list[str] | None:
    """Put in `manifest` (just parsed) the very record objects of `last` (the manifest this
    worker kept) wherever a file's record is equal to it.

    A version written by another process (the register PDF's step, which in production runs
    in another worker) differs from the last one this worker kept by a few files: adopting
    the equal records keeps the texts made from them (the manifest's fragments, the listing
    lines, texts_per_record) valid by identity, so the run after such a step makes texts for
    those few files and not for twenty thousand again (issue 16). A record is a plain JSON
    object (str, int and None values), never changed once parsed, so equal is the same.

    Return the paths whose record was not adopted (new or changed) if every file of `last` is
    still in `manifest` (its record equal and adopted, or changed), else None."""
    files, old = manifest.get("files"), last.get("files")
    if not isinstance(files, dict) or not isinstance(old, dict):
        return None
    get = old.get
    others = []
    present = 0  # the files of `last` that are in `manifest`
    for path, record in files.items():
        known = get(path)
        if known is None:
            others.append(path)
            continue
        present += 1
        if known == record:
            files[path] = known
        else:
            others.append(path)
    return others if present == len(old) else None


# Each file's part of the manifest this worker process last wrote ('"path": {record}'), by
# path, with the record it was made from: the next run's carried files have the very same
# records (the kept manifest's), so only the others are serialised again.
_FRAGMENTS: dict[str, tuple[dict, bytes]] = {}


@dataclass
class _Section:
    """The files' part of the manifest this worker last wrote: for `files` (that very dict),
    its paths in order and each one's part, in the same order."""

    files: dict[str, dict]
    paths: list[str]
    parts: list[bytes]


# The section last written (at most one), and a manifest another process wrote that this
# worker made from the kept one (_apply_changes): its files, the kept files it was made
# from, and its changes.
_SECTION: list[_Section] = []
_BRIDGE: list[tuple[dict, dict, dict]] = []


def _manifest_bytes(manifest: dict, previous: dict[str, dict] | None = None) -> bytes:
    """Return the manifest's file: json.dumps(manifest, sort_keys=True) and a newline, byte for
    byte, but each file's record taken from the last one written when it is the same record.
    Serialising twenty thousand records was a twelfth of a run at 10,000 entries (issue 16);
    each part is kept as bytes (json.dumps gives ASCII), as joining the texts and encoding
    the five megabytes they made was a third of what was left.

    A manifest made from `previous` (its "changes") whose files' part this worker wrote, or
    made from that one by another process's changes (_BRIDGE), is that part with those
    changes applied: the new and changed records' parts put in their places, those gone
    taken out (_patched_section), not twenty thousand records looked up and sorted again.
    Not indented: indenting makes json use its pure Python encoder."""
    files = manifest["files"]
    section = _patched_section(files, previous, manifest.get("changes"))
    if section is None:
        paths = sorted(files)
        parts = texts_per_record(_FRAGMENTS, ((path, files[path]) for path in paths), _part)
        section = _Section(files, paths, parts)
    _SECTION[:] = [section]
    head, tail = json.dumps({**manifest, "files": {}}, sort_keys=True).split('"files": {}', 1)
    return b"".join(
        (f'{head}"files": {{'.encode(), b", ".join(section.parts), f"}}{tail}\n".encode())
    )


def _part(path: str, record: dict) -> bytes:
    """Return a file's part of a manifest: '"path": {record}', as json.dumps sorts it."""
    return f"{json.dumps(path)}: {json.dumps(record, sort_keys=True)}".encode()


def _patched_section(
    files: dict[str, dict], previous: dict[str, dict] | None, changes: dict | None
) -> _Section | None:
    """Return the files' part of a manifest of `files` made from `previous` with `changes`
    (_changes), from the part this worker last wrote (_SECTION), patched in place; None (make
    it whole) when that part is not of `previous`, nor of the manifest it was made from by the
    changes of another process's manifest (_BRIDGE)."""
    if not _SECTION or previous is None or changes is None:
        return None
    last = _SECTION.pop()
    steps = [changes]
    if last.files is not previous:
        if not _BRIDGE or _BRIDGE[0][0] is not previous or _BRIDGE[0][1] is not last.files:
            return None
        steps.insert(0, _BRIDGE[0][2])
    paths, parts = last.paths, last.parts
    for step in steps:
        for path in step["gone"]:
            at = bisect_left(paths, path)
            if at == len(paths) or paths[at] != path:
                return None
            del paths[at], parts[at]
        for path, record in step["changed"].items():
            at = bisect_left(paths, path)
            if at < len(paths) and paths[at] == path:
                parts[at] = _part(path, record)
            else:
                paths.insert(at, path)
                parts.insert(at, _part(path, record))
    if len(paths) != len(files):
        return None
    return _Section(files, paths, parts)


def _keep_manifest(digest: str, manifest: dict) -> None:
    _MANIFEST_KEPT.clear()
    _MANIFEST_KEPT[digest] = manifest


def forget_kept() -> None:
    """Forget what this worker process keeps from one run to the next: the register's rows
    (pages.data, each with its digests, and the rows and keys of the last read), its listing
    of fingerprints and its split by topic, the topics' list pages' keys and Outputs and the
    permalinks' keys (pages.web), the whole-register files' pieces and the feed's latest
    changes (pages.opendata), the PDF
    stand-in and its parts' keys (pages.pdf), the large files' readings, their lines' strings
    and hash states, the last check record and the site's own words (checks), the requesters'
    rows and identifiers (with their digests) and the digest of the site's words (scan), the
    lines of the permalinks' listings (target) and the generations' listings with their
    watches (listings), the live version's manifest, its folders' file counts and the records'
    parts of the manifest last written (here).
    The next run works everything out again, as a worker's first run after a start does: the
    benchmark's "first run" figure, and tests that compare kept with cold."""
    site_data._ROWS.clear()
    site_data._LISTINGS.clear()
    site_data._SOURCES.clear()
    site_data._LAST_ROWS.clear()
    site_data._SPLITS.clear()
    site_web._TOPIC_KEYS.clear()
    site_web._TOPIC_PAGES.clear()
    site_web._ROW_KEYS.clear()
    opendata._PIECES.clear()
    opendata._LATEST.clear()
    site_pdf._STAND_INS.clear()
    site_pdf._PART_KEYS.clear()
    checks._READINGS.clear()
    checks._JSON_LINES.clear()
    checks._RECORD_KEPT.clear()
    checks._HASH_STATES.clear()
    checks._SITE_WORDS.clear()
    scan._words_digest.cache_clear()
    scan._REQUESTERS.forget()
    target_module._LINES.clear()
    listings.forget()
    _MANIFEST_KEPT.clear()
    _FRAGMENTS.clear()
    _SECTION.clear()
    _BRIDGE.clear()
    _FOLDER_VIEWS.clear()
    _FOLDER_COUNTS.clear()


@contextmanager
def _no_automatic_cycle_collection() -> Iterator[None]:
    """Keep Python's cycle collector from running by itself during one run.

    A warm worker holds about three hundred thousand objects (Django, and the rows, pieces
    and readings it keeps between runs), and a run makes tens of thousands that live until its
    end (a plan and a manifest entry per file). Those are enough to start the collector's full
    collections, each of which walks everything held: about an eighth of a second each, once
    or twice a run at 10,000 entries, a fifth of what an approver waits for. What a run makes
    is freed by reference counting as it ends, and the collector, running again afterwards,
    finds what is left in cycles as usual: nothing is kept from it. Measured here: a warm run
    at 10,000 entries leaves about a hundred such objects; a first publish of 3,000 entries
    (every page rendered) a few hundred, its peak memory a fifteenth higher.
    Another thread's run may switch it back on early; then this one is only slower."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def version_name(now: datetime, run: PublishRun) -> str:
    return f"{now.astimezone(UTC):%Y%m%dT%H%M%SZ}-{run.pk}"


def publish_site(
    election: Election,
    *,
    run: PublishRun | None = None,
    to: Path | None = None,
    now: datetime | None = None,
    slow: str = "render",
    prerendered: dict[str, Prerendered] | None = None,
) -> PublishResult:
    """Render the public site of `election`, check it, and make it live.

    `to`: render into that folder instead (a preview: nothing switched, no run recorded; an
    earlier preview there is replaced). Otherwise into a new version of the target
    (target.site_target: the election's own live site), recorded on `run` (one is created,
    running, if not given).

    Effects, target only: a version folder (or none, if nothing changed since the live
    version); the run's progress, counts and outcome; when a private identifier is found, the
    run blocked with the reason and the SPOC alerted (see _block), the live version untouched;
    otherwise the new version switched live atomically and all but the last five pruned.
    Raises PublishBusy if another run is rendering.

    `slow`: "render" renders slow files (the whole-register PDF) in this run, as the command
    and the demo do; "defer", as the task after an approval does, carries them when unchanged,
    takes them from `prerendered` when their key matches, and otherwise publishes their
    "being updated" stand-in and enqueues publish_slow_files after commit: a run at 10,000
    entries then takes seconds, not minutes, and the PDF follows in a step of its own.
    """
    now = now or timezone.now()
    if to is None:
        refusal = not_the_live_election(election, now)
        if refusal:
            if run is not None:
                _finish(run, Status.SKIPPED, reason=refusal, progress="Nothing was published")
            return PublishResult(status="skipped", version=None, folder=None, reason=refusal)
    if to is None and run is None:
        # Called directly (the command, the demo): record the run, and its failure too.
        run = _start_run(election.pk, now)
        try:
            with Heartbeat(run.pk):
                return _publish(election, run, None, now, slow, prerendered or {})
        except Exception as error:
            _finish(run, Status.FAILED, reason=_failure_reason(error))
            raise
    return _publish(election, run, to, now, slow, prerendered or {})


def _what_follows(pending: list[str]) -> str:
    """Say what the step of the slow files brings up to date after this run."""
    pdf = any(path.endswith(".pdf") for path in pending)
    downloads = any(not path.endswith(".pdf") for path in pending)
    if pdf and downloads:
        return "the register PDF and the downloads (CSV, JSON, search) follow"
    if downloads:
        return "the downloads (CSV, JSON, search) follow"
    return "the register PDF follows"


def not_the_live_election(election: Election, now: datetime) -> str:
    """Return why `election`'s site may not go live now, or "" if it may.

    Every running election has a live site of its own (target.live_site: the current
    election's at /election/, another's at /election/<prefix>/), so a run for one never
    replaces another's. A past or closed election has none: its page is kept by its archive
    (lifecycle.archive, which renders with `to=`), never by a live link (issue 15).
    """
    if live_site(election, timezone.localdate(now)) is not None:
        return ""
    live = current_election(timezone.localdate(now))
    return (
        f"Not published: {election} is over, and the live public election pages are the "
        f"current election's{f' ({live})' if live is not None else ''} and those of elections "
        "still running. A past election's page is kept by its archive (close-down)."
    )


def _failure_reason(error: BaseException) -> str:
    # The type only: an error's text could quote the data being rendered.
    return (
        f"The site could not be rendered ({type(error).__name__}); nothing was switched. "
        "The worker's log has the details."
    )


def _carry_permalinks(
    plan: pages.Plan,
    carrier,
    previous: dict[str, dict],
    files: dict,
    result: PublishResult,
    whole: set[str],
) -> list[pages.Output]:
    """Carry the permalinks of `plan` whose key is the live version's and whose file, linked
    ahead, is still the one recorded (carrier.keep_linked): each one's record in the new
    manifest (`files`) is the live one's, as the run's loop would have made it. Return the
    Outputs the loop must still go through: every other file of the plan, in order. A
    folder none of whose live files changed or went is kept whole: if it is a link to a
    generation, and exactly what the live manifest records, the run only adds to it
    (target.LocalTarget.commit).

    For the run's leak check, a carried file is the live version's file byte for byte; so
    this is called only when the live version's check record says no identifier recorded
    since could be in it (publish: `carried_checker` is None), as the loop would then not
    read it either. At 10,000 entries, twenty thousand permalinks are carried without an
    Output or a loop turn each. When the worker keeps views of the live manifest's folders
    (_FOLDER_VIEWS), a folder whose every live file keeps its key, nothing gone (an approval:
    only new names), is told so by comparing its planned keys with the kept ones as whole
    dicts (_unchanged_folders), and, if every file is still the one recorded, carried in one
    step and added to `whole`."""
    parts = [part for part in plan.parts if isinstance(part, pages.PermalinkFolder)]
    unchanged = _unchanged_folders(parts, previous)
    # One folder may hold several parts (the answers' permalinks and the withdrawn entries'
    # notices): its files are kept, and its generation added to or not, as one.
    same: dict[str, dict[str, dict]] = {
        part.folder: unchanged[part.folder].records if part.folder in unchanged else {}
        for part in parts
    }
    for part in parts:
        if part.folder in unchanged:
            continue
        records = same[part.folder]
        for name, key in part.keys.items():
            old = previous.get(part.path(name))
            if old is not None and old.get("key") == key:
                records[name] = old
    others = set(same) - set(unchanged)
    counts = _files_per_folder(previous, others) if others else {}
    kept: dict[str, Set[str]] = {}
    for folder, records in same.items():
        # `whole`: none of the live version's files in the folder changed or went (an
        # approval): its generation is only added to.
        names = carrier.keep_linked(
            folder,
            records,
            folder in unchanged or len(records) == counts[folder],
            unchanged[folder].lines if folder in unchanged else None,
        )
        # Every one kept: the records' own names (a view), not ten thousand put in a set.
        kept[folder] = records.keys() if len(names) == len(records) else set(names)
    new_names = _new_names(parts, unchanged)
    todo: list[pages.Output] = []
    for part in plan.parts:
        if not isinstance(part, pages.PermalinkFolder):
            todo += part
            continue
        here, records = kept[part.folder], same[part.folder]
        view = unchanged.get(part.folder)
        if view is not None and len(here) == len(records):
            if part.folder not in whole:  # every live file of the folder, in one step
                whole.add(part.folder)
                files.update(zip(view.paths.values(), records.values(), strict=True))
                result.carried.extend(view.paths.values())
            names = new_names.get(id(part))
            if names is None:
                names = [name for name in part.keys if name not in records]
            todo += [part.make(name) for name in names]
            continue
        for name in part.keys:
            if name in here:
                path = part.path(name)
                files[path] = records[name]
                result.carried.append(path)
            else:
                todo.append(part.make(name))
    return todo


def _new_names(
    parts: list[pages.PermalinkFolder], unchanged: dict[str, _FolderView]
) -> dict[int, list[str]]:
    """Return, by id, the names each part of a folder in `unchanged` plans that its view does
    not hold (new permalinks), in the plan's order, when they are the last names of the parts:
    as an approval adds them (a new entry is the register's last). Found from each part's end,
    and known to be all of them when as many as the folder's planned names outnumber its
    kept ones (every kept name is planned: _unchanged_folders); otherwise none is given for
    the folder (the caller looks at every name), not ten thousand names looked up per folder
    (issue 16)."""
    found: dict[int, list[str]] = {}
    for folder, view in unchanged.items():
        here = [part for part in parts if part.folder == folder]
        tails = {}
        for part in here:
            tail = []
            for name in reversed(part.keys):
                if name in view.records:
                    break
                tail.append(name)
            tails[id(part)] = tail[::-1]
        planned = sum(len(part.keys) for part in here)
        if sum(map(len, tails.values())) == planned - len(view.records):
            found.update(tails)
    return found


@dataclass
class _FolderView:
    """A permalinks' folder of a manifest: each file's name with its record, its key and its
    path in the version, the three dicts in one order, and the lines find lists for them."""

    records: dict[str, dict]
    keys: dict[str, str]
    paths: dict[str, str]
    lines: set[str]  # the lines find lists for the records (target._listing_line)


# The permalinks' folders of the live manifest as this worker knows it, as views: [its files
# dict (compared by identity: the manifest this worker last made live, or one parsed since
# whose records were adopted, _move_folder_views), {folder: _FolderView}]. Made by
# _keep_folder_views.
_FOLDER_VIEWS: list = []


def _unchanged_folders(
    parts: list[pages.PermalinkFolder], previous: dict[str, dict]
) -> dict[str, _FolderView]:
    """Return the permalinks' folders of `parts` whose every file in the live manifest
    (`previous`) is planned again with the same key, none gone, each with its view: known
    only when `previous` is the manifest this worker keeps views of (_FOLDER_VIEWS). The kept
    keys are looked for among the planned ones as one dict's items (in C: the planned names
    not kept are new), not one permalink at a time, nor the planned keys copied (issue 16)."""
    if not _FOLDER_VIEWS or _FOLDER_VIEWS[0] is not previous:
        return {}
    views: dict[str, _FolderView] = _FOLDER_VIEWS[1]
    by_folder: dict[str, list[dict[str, str]]] = {}
    for part in parts:
        found = by_folder.setdefault(part.folder, [])
        if part.keys:
            found.append(part.keys)
    # A folder's planned keys: its one part's own dict (only read), or its parts' merged (the
    # answers' permalinks and the withdrawal notices share a folder).
    planned = {}
    for folder, keys in by_folder.items():
        if len(keys) == 1:
            planned[folder] = keys[0]
        else:
            planned[folder] = merged = {}
            for part_keys in keys:
                merged.update(part_keys)
    unchanged = {}
    for folder, keys in planned.items():
        view = views.get(folder)
        # Every live file's name planned with its key (the others are new): in C.
        if view is not None and view.keys.items() <= keys.items():
            unchanged[folder] = view
    return unchanged


def _keep_folder_views(
    files: dict[str, dict], previous: dict[str, dict], rendered: list[str], whole: set[str]
) -> None:
    """Keep the permalinks' folders of the manifest just made live (`files`) as views
    (_FOLDER_VIEWS): a folder the run carried whole from the live one's view (`whole`,
    _carry_permalinks) is that view and the run's new files in it (`rendered`: only new
    names, as nothing else in it changed); any other is made from `files`, in one pass."""
    last = _FOLDER_VIEWS[1] if _FOLDER_VIEWS and _FOLDER_VIEWS[0] is previous else {}
    views: dict[str, _FolderView] = {}
    for folder in whole & last.keys():
        view = last[folder]
        new = {}
        for path in rendered:
            parent, _, name = path.rpartition("/")
            if parent == folder:
                new[name] = path
        # Added to in place (the last manifest's view is of no use once this one is live): not
        # ten thousand names copied four times a folder (issue 16).
        view.records.update((name, files[path]) for name, path in new.items())
        view.keys.update((name, files[path]["key"]) for name, path in new.items())
        view.paths.update(new)
        view.lines.update(_listing_line(name, files[path]) for name, path in new.items())
        views[folder] = view
    made = {f: _FolderView({}, {}, {}, set()) for f in pages.permalink_folders() if f not in views}
    if made:
        for path, record in files.items():
            folder, _, name = path.rpartition("/")
            view = made.get(folder)
            if view is not None:
                view.records[name] = record
                view.keys[name] = record.get("key")
                view.paths[name] = path
                view.lines.add(_listing_line(name, record))
        views.update(made)
    _FOLDER_VIEWS[:] = [files, views]


def _move_folder_views(old: dict, files: dict, others: list[str]) -> None:
    """Keep the permalinks' folders' views (_FOLDER_VIEWS) of the manifest `old` for `files`,
    a manifest parsed since in which every record of `old` was adopted (_adopt_records), but
    those of the folders holding one of `others` (a new or changed file): those are made
    again by the next run (_keep_folder_views)."""
    if not _FOLDER_VIEWS or _FOLDER_VIEWS[0] is not old:
        return
    touched = {path.rpartition("/")[0] for path in others}
    views = _FOLDER_VIEWS[1]
    _FOLDER_VIEWS[:] = [files, {f: view for f, view in views.items() if f not in touched}]


def _files_per_folder(previous: dict[str, dict], folders: set[str]) -> dict[str, int]:
    """Return how many of the live version's files (`previous`) each of `folders` holds."""
    counts = _folder_counts(previous)
    return {folder: counts.get(folder, 0) for folder in folders}


# How many files each folder of a manifest holds (its files dict, compared by identity, and
# the counts by folder): the live manifest's as this worker last worked them out (_folder_counts).
_FOLDER_COUNTS: list = []


def _folder_counts(files: dict[str, dict]) -> dict[str, int]:
    """Return how many of the manifest's `files` each folder holds (itself, not its
    subfolders; "" the site's root). Only read.

    Worked out from the counts kept for the manifest `files` was made from, with its changes:
    the manifest this worker made live (_keep_folder_counts), or the one another process made
    from it (_BRIDGE); from every path otherwise. Twenty thousand paths cut at their last
    slash were a sixtieth of a run at 10,000 entries (issue 16)."""
    if _FOLDER_COUNTS and _FOLDER_COUNTS[0] is files:
        return _FOLDER_COUNTS[1]
    counts = None
    if _FOLDER_COUNTS and _BRIDGE and _BRIDGE[0][0] is files:
        made_from, changes = _BRIDGE[0][1], _BRIDGE[0][2]
        if _FOLDER_COUNTS[0] is made_from:
            counts = _counts_changed(_FOLDER_COUNTS[1], made_from, changes)
    if counts is None:
        counts = {}
        for path in files:
            folder = path.rpartition("/")[0]
            counts[folder] = counts.get(folder, 0) + 1
    _FOLDER_COUNTS[:] = [files, counts]
    return counts


def _counts_changed(
    counts: dict[str, int], previous: dict[str, dict], changes: dict
) -> dict[str, int] | None:
    """Return `counts` (of the manifest whose files are `previous`) after `changes` (_changes),
    or None if they do not fit (a path gone from a folder counted empty)."""
    counts = dict(counts)
    for path in changes["gone"]:
        folder = path.rpartition("/")[0]
        if counts.get(folder, 0) < 1:
            return None
        counts[folder] -= 1
        if not counts[folder]:
            del counts[folder]
    for path in changes["changed"]:
        if path not in previous:
            folder = path.rpartition("/")[0]
            counts[folder] = counts.get(folder, 0) + 1
    return counts


def _keep_folder_counts(files: dict[str, dict], previous: dict[str, dict], changes: dict | None):
    """Keep the counts of the manifest just made live (`files`), made from `previous` with
    `changes`, when the counts kept are `previous`'s (_folder_counts)."""
    counts = None
    if changes is not None and _FOLDER_COUNTS and _FOLDER_COUNTS[0] is previous:
        counts = _counts_changed(_FOLDER_COUNTS[1], previous, changes)
    _FOLDER_COUNTS[:] = [files, counts] if counts is not None else []


@_no_automatic_cycle_collection()
def _publish(
    election: Election,
    run: PublishRun | None,
    to: Path | None,
    now: datetime,
    slow: str,
    prerendered: dict[str, Prerendered],
) -> PublishResult:
    site = live_site(election, timezone.localdate(now)) if to is None else None
    target = site_target(site) if site is not None else None
    previous_version = target.current_version() if target else None
    previous_manifest, previous_digest = (
        _previous_manifest(target, previous_version) if target else (None, None)
    )
    if previous_manifest and previous_manifest.get("election") != election.pk:
        # The folder was another election's (the current election changed): nothing carried.
        previous_manifest, previous_digest = None, None
    previous = (previous_manifest or {}).get("files", {})
    version = version_name(now, run) if target else None
    folder = clear_preview_folder(Path(to)) if target is None else target.stage(version)

    # The live version's files are carried by a link made at their folders' descriptors (a
    # copy for a storage other than a local folder); nothing to carry without a live version.
    # The permalinks' folders are linked whole meanwhile, in processes of their own, while
    # the entries are read and the site planned (FolderCarrier.link_ahead).
    carrier = (
        target.carrier(previous_version, folder)
        if target is not None and previous_version
        else None
    )
    root = str(folder)
    made: set[str] = {""}  # folders already made in the new version (relative)
    premade: list[str] = []
    with carrier if carrier is not None else nullcontext():
        if carrier is not None and previous:
            linked = pages.permalink_folders()
            carrier.make_ahead(_folders_to_make(previous, set(linked)))
            carrier.link_ahead(linked)
        _progress(run, "Reading the published entries")
        outputs = pages.plan_site(pages.load(election), now=now)
        identifiers = scan.private_identifiers(_site_words())
        digests = checks._identifier_digests(identifiers)  # for the carried check and record
        checker = scan.scanner_of(identifiers, digests)
        carried_checker, known = _carried_check(previous_digest, identifiers, checker, digests)
        # The new version's summary: the live one's (a superset for what is carried) plus what is
        # read here; from nothing when the live one's is unknown.
        summary = known if known is not None else scan.Summary()

        result = PublishResult(status="published", version=version, folder=folder)
        files: dict[str, dict] = {}
        made_here: list[str] = []  # the paths whose records the loop made (_changes)
        used: set[str] = set()  # the folders of the files the loop carried or wrote
        whole: set[str] = set()  # the permalinks' folders carried whole (_carry_permalinks)
        # Cached once the run is clean, those not cached yet: a PDF's path, its digest and what
        # gives its readings (a part rendered by the slow step: its spool on disk, so the parts of
        # a 10,000-entry register are not all held in memory at the end of the run).
        pdf_readings: list[tuple[str, str, Callable[[], list[str]]]] = []
        next_progress = time.monotonic() + PROGRESS_SECONDS
        todo: Iterable[pages.Output] = outputs
        if carrier is not None:
            premade = carrier.settle()
            made.update(premade)
            if previous and carried_checker is None and known is not None:
                # What is carried needs no reading (the live version's check record covers
                # it): the permalinks whose key is unchanged are carried here, in bulk.
                todo = _carry_permalinks(outputs, carrier, previous, files, result, whole)
            else:  # each file carried by the loop: the shared folders linked whole first
                carrier.link_shared()
        total = len(outputs)
        for number, output in enumerate(todo, start=len(result.carried) + 1):
            if number % PROGRESS_EVERY == 0 and time.monotonic() >= next_progress:
                _progress(run, f"Building and checking file {number} of {total}")
                next_progress = time.monotonic() + PROGRESS_SECONDS
            # Plain strings and os calls: pathlib's overhead counts at 20,000 files.
            dest = f"{root}/{output.path}"
            parent = output.path.rpartition("/")[0]
            if parent not in made:
                _make_folder(f"{root}/{parent}")
                made.add(parent)
            used.add(parent)
            old = previous.get(output.path)
            content, carried, from_ready, stat = None, False, False, None
            altered = False  # the live file is not the one its record describes
            key, ready, source_html = output.key, prerendered.get(output.path), output.source_html
            standing_in = (
                output.slow
                and slow == "defer"
                and not (ready is not None and ready.key == output.key)
                and old is not None
                and old.get("key") == f"pending:{output.key}"
            )
            # A whole-register file the live version's may stand for while the slow files'
            # step makes it (pages.base.Output.behind): carried, and pending like a stand-in.
            lagging = (
                output.behind is not None
                and slow == "defer"
                and old is not None
                and old.get("key") != key
                and not (ready is not None and ready.key == output.key)
                and output.behind(old)
            )
            if standing_in or lagging:  # the live file stays for now: carried, still pending
                key = old["key"]
                result.slow_pending.append(output.path)
            if old and old.get("key") == key:
                stat = carrier.carry(output.path)  # also the new manifest's record, if carried
                if _unchanged_since_written(stat, old):
                    carried = True
                else:
                    content = _read(dest)
                    carried = _sha(content) == old["sha256"]
                    if not carried:  # changed since it was written: never trust it, render it again
                        os.unlink(dest)
                        content, altered = None, True
                if carried:
                    result.carried.append(output.path)
                elif standing_in or lagging:
                    result.slow_pending.remove(output.path)
                    key, lagging = output.key, False
            if standing_in and carried:
                source_html = None  # the stand-in holds no entry
            made_ahead = ready is not None and ready.key == output.key
            if content is None and not carried and slow == "defer" and (output.slow or made_ahead):
                if made_ahead:
                    content, from_ready = ready.content, True
                    source_html = (
                        (lambda html=ready.source_html: html) if ready.has_source else None
                    )
                else:  # the stand-in now; the file itself in a step of its own
                    content, key, source_html = output.pending(), f"pending:{output.key}", None
                    result.slow_pending.append(output.path)
                if carrier is not None:
                    carrier.release(output.path)
                _write(dest, content)
                result.rendered.append(output.path)
            if content is None and not carried:
                content = output.render()
                if carrier is not None:
                    carrier.release(output.path)  # linked ahead: never written into
                _write(dest, content)
                result.rendered.append(output.path)
            live = None  # the live version's file, as checked, if read for the digest
            if carried:  # the live version's file itself (one inode): its recorded digest
                digest, size = old["sha256"], old["size"]
            else:
                if old and target is not None and len(content) >= checks.HASHED_IN_STEPS_FROM:
                    live = checks._live_file(target, previous_version, output.path, old)
                digest = checks._digest_of_rendered(
                    output.path, content, live, old["sha256"] if old else None
                )
                size = len(content)
            made_here.append(output.path)
            files[output.path] = {
                "sha256": digest,
                "key": key,
                "size": size,
                "mtime_ns": (stat if carried else os.stat(dest)).st_mtime_ns,
            }
            if output.extra is not None:  # what Output.behind reads: the live file's own
                files[output.path].update(
                    {**{name: old[name] for name in output.extra}, "behind": True}
                    if lagging
                    else output.extra
                )
            if old is None or old.get("sha256") != digest or altered:
                # Altered (by hand, in the live version): rendered as recorded, it is still a
                # change of what is served, so the run's version goes live in its place.
                result.changed += 1
            # A carried file is the live version's, byte for byte: see _carried_check.
            check = carried_checker if carried else checker
            if check is None:
                continue
            if content is None:
                content = _read(dest)
            summarise = not carried or known is None
            # A verified copy of a repository file (GOV.UK Frontend, our scripts) holds no data.
            changed = None
            if not carried and old and known is not None and not output.path.endswith(".pdf"):
                changed = _changed_texts(
                    target,
                    previous_version,
                    output.path,
                    old,
                    content,
                    digest,
                    checker,
                    whole=carried_checker is not None,
                    previous=live,
                )
            if changed is not None and (output.asset is None or digest != output.key):
                # Only what changed since the live version (which was checked) against every
                # identifier; the whole file against those recorded since, if any could be there.
                # The summary made from the same pass over each window (Scanner.kinds_in).
                result.findings += checker.scan(output.path, changed.new, summary)
                if carried_checker is not None:
                    result.findings += carried_checker.scan(output.path, changed.whole)
            elif output.asset is None or digest != output.key:
                texts = ready.readings if from_ready else None
                texts = texts or _readings(output.path, content)
                result.findings += check.scan(output.path, texts, summary if summarise else None)
                if output.path.endswith(".pdf"):
                    if from_ready:
                        pdf_readings.append(
                            (output.path, digest, lambda ready=ready: ready.readings)
                        )
                    elif not _readings_cached(digest):
                        pdf_readings.append((output.path, digest, lambda texts=texts: texts))
            if source_html is not None:
                texts = scan.readings(".html", source_html().encode())
                result.findings += check.scan(output.path, texts, summary if summarise else None)
        if carrier is not None:
            # Linked ahead but neither carried nor written: not a file of this version.
            carrier.sweep()
        _remove_unused_folders(root, premade, used)
    changes = _changes(previous_digest, previous, files, made_here) if previous_digest else None
    result.changed += len(changes["gone"] if changes else previous.keys() - files.keys())
    manifest = {
        **({"changes": changes} if changes else {}),
        "format": pages.SITE_FORMAT,
        "election": election.pk,
        "version": version,
        "generated_at": timezone.localtime(now).isoformat(),
        "files": files,
    }
    manifest_bytes = _manifest_bytes(manifest, previous)
    (folder / MANIFEST).write_bytes(manifest_bytes)

    if result.findings:
        result.status = "blocked"
        findings = sorted(set(result.findings), key=lambda f: f.path)
        result.reason = scan.describe(findings)
        live = sorted({f.path for f in findings if f.path in result.carried})
        if live:
            # Carried over unchanged: the live site has it too (a person's details recorded
            # after it was published). Say so: it must not stay there quietly.
            result.reason += (
                f" The live version has it too, in {', '.join(live[:6])}: withdraw or correct "
                "the entry, or roll back."
            )
        if target is not None:
            target.discard(folder)
            result.folder = None
        _block(run, election, result.reason)
        logger.warning("Publish run %s blocked: %s", run.pk if run else "-", result.reason)
        return result

    if target is not None:
        result.unchanged = bool(previous) and result.changed == 0
        manifest_digest = previous_digest if result.unchanged else _sha(manifest_bytes)
        if not result.unchanged and isinstance(target, LocalTarget):
            checks._record_manifest_digest(folder / MANIFEST, manifest_digest)
        _save_check_record(
            manifest_digest,
            identifiers,
            summary,
            digests,
            base=previous_digest,
            # An unchanged run records the live version's check again: its manifest is the
            # one found, written by a run only if its record said so.
            written=not result.unchanged or checks._written_by_a_run(manifest_digest),
        )
        for path, sha256, texts in pdf_readings:
            _cache_pdf_readings(path, sha256, texts())
        if result.unchanged:
            # Nothing changed: keep the live version (and the five kept for rollback), and
            # its manifest as parsed (perhaps just now: written by another process), with the
            # folder views that describe it.
            target.discard(folder)
            result.version, result.folder = previous_version, None
            _keep_manifest(previous_digest, previous_manifest)
        else:
            _progress(run, f"Switching to version {version}")
            target.commit(
                version,
                folder,
                pages.permalink_folders(),
                carrier.adding() if carrier is not None else None,
            )
            target.switch(version)
            _keep_manifest(manifest_digest, manifest)
            _keep_folder_counts(files, previous, changes)
            try:  # only what the next run may reuse: never a reason to call this one failed
                _keep_folder_views(files, previous, result.rendered, whole)
            except Exception:
                _FOLDER_VIEWS.clear()
                logger.exception("Could not keep the permalinks' folder views")
            if not (result.slow_pending and run is not None):
                # Deleting an old version (a folder and a link per file: tens of thousands of
                # entries) is no part of what an approver waits for: when the register PDF's
                # step follows (enqueued below), its own run prunes, after this one.
                target.prune()
                checks._prune_check_records(manifest_digest)
            if isinstance(target, LocalTarget):
                result.folder = target.versions_dir / version
        _finish(
            run,
            Status.PUBLISHED,
            version=result.version,
            files_written=result.files,
            files_rendered=len(result.rendered),
            files_carried=len(result.carried),
            pages_changed=result.changed,
            progress=(
                f"No change: version {result.version} was already live"
                if result.unchanged
                else f"Live: {len(result.rendered)} files rendered, "
                f"{len(result.carried)} carried over"
                + (
                    f"; {_what_follows(result.slow_pending)} in a few minutes"
                    if result.slow_pending
                    else ""
                )
            ),
        )
        if result.slow_pending and run is not None:
            # After the run is finished (the slow step publishes a run of its own).
            transaction.on_commit(partial(enqueue_slow_files, election.pk), robust=True)
    return result
