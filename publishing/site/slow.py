"""The register's PDF in a step of its own: rendered outside the publishing lock, then
published in a run of its own (publish.publish_site with `prerendered`)."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from election_protocol.models import Election
from publishing import queries
from publishing.site import pages, scan
from publishing.site import publish as funnel  # a cycle by design: the step ends in a run
from publishing.site.checks import _sha
from publishing.site.health import Heartbeat
from publishing.site.target import live_site, site_target
from requests_register.models import Entry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prerendered:
    """A slow file rendered outside the publishing lock (publish_slow_files): its key, and in
    `folder` (a spool on the worker's disk, removed when the step ends) its bytes, the texts a
    reader could get from it and the HTML it was made from, both scanned again against the
    identifiers of the moment it is published. Read from disk when the run takes it, so the
    step holds one part in memory at a time, not every part of a 10,000-entry register."""

    key: str
    folder: Path
    name: str
    has_source: bool = True

    @classmethod
    def keep(
        cls,
        folder: Path,
        name: str,
        key: str,
        content: bytes,
        readings: list[str] | None,
        html: str | None,
    ) -> Prerendered:
        """Write a rendered file's parts under `folder` and return what reads them back."""
        (folder / f"{name}.bin").write_bytes(content)
        if readings is not None:
            (folder / f"{name}.readings.json").write_text(json.dumps(readings))
        if html is not None:
            (folder / f"{name}.html").write_text(html)
        return cls(key=key, folder=folder, name=name, has_source=html is not None)

    @property
    def content(self) -> bytes:
        return (self.folder / f"{self.name}.bin").read_bytes()

    @property
    def readings(self) -> list[str] | None:
        """The texts a reader could get from it, if they were kept (a PDF's: see keep)."""
        kept = self.folder / f"{self.name}.readings.json"
        return json.loads(kept.read_text()) if kept.exists() else None

    @property
    def source_html(self) -> str | None:
        return (self.folder / f"{self.name}.html").read_text() if self.has_source else None


# --- slow files: the whole-register PDF in a step of its own -----------------------------------

SLOW_WAIT = timedelta(minutes=3)  # how long the slow step waits for a running run to end
# One render of the slow files at a time per election. The lock is renewed by the step's
# heartbeat, so a worker killed mid-render frees it after this, not after the whole render.
SLOW_LOCK = timedelta(minutes=1)


def _readings(path: str, content: bytes) -> list[str]:
    """Return scan.readings(path, content), from a cache by content for PDFs: reading a PDF of
    thousands of entries takes many seconds, and an unchanged PDF is scanned on every run (its
    texts are checked again each time against the identifiers of the moment; only reading
    them is cached). The cache is local (VAR_DIR/cache/pdf-readings): a miss only costs time."""
    if not path.endswith(".pdf"):
        return scan.readings(path, content)

    cache = _pdf_readings_file(_sha(content))
    try:
        return json.loads(cache.read_text())
    except (OSError, ValueError):
        pass
    return scan.readings(path, content)


def _pdf_readings_file(sha256: str) -> Path:
    return Path(settings.VAR_DIR) / "cache" / "pdf-readings" / f"{sha256}.json"


def _readings_cached(sha256: str) -> bool:
    """Whether the readings of the PDF whose SHA-256 is `sha256` are kept already."""
    return _pdf_readings_file(sha256).exists()


def _cache_pdf_readings(path: str, sha256: str, texts: list[str]) -> None:
    """Keep the readings of a PDF (its SHA-256 `sha256`) that has just been published (so it
    held nothing private): a PDF that was blocked leaves nothing behind on disk."""
    if not path.endswith(".pdf"):
        return
    cache = _pdf_readings_file(sha256)
    if cache.exists():
        return
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial_file = cache.with_suffix(f".{os.getpid()}.tmp")
        partial_file.write_text(json.dumps(texts))
        partial_file.replace(cache)  # atomic: a reader never sees half a file
    except OSError:
        logger.warning("Could not cache the readings of %s", path)


def enqueue_slow_files(election_id: int) -> bool:
    """Enqueue task_publish_slow_files; False if the broker could not take it (the next run
    publishes the stand-in again and enqueues it again)."""
    from publishing.tasks import task_publish_slow_files  # tasks imports publishing.site

    try:
        task_publish_slow_files.delay(election_id=election_id)
    except BrokerError as error:
        logger.warning("Register PDF of election %s left for the next run: %s", election_id, error)
        return False
    return True


def publish_slow_files(election_id: int, *, now: datetime | None = None) -> str:
    """Render the slow files (the whole-register PDF) that the live version lacks, and the
    whole-register files an approval's run left behind (pages.base.Output.behind: the CSV,
    JSON and search index, while only entries were added), outside the publishing lock, then
    publish them in a run of their own; return what happened.

    Rendering takes minutes at 10,000 entries: approvals meanwhile publish in seconds (with
    the stand-in). If the data changed while rendering, the run publishes the stand-in again
    and this step is enqueued again (by that run) for the newer data. Idempotent: nothing to
    do when the live version's slow files are current. Raises PublishBusy if a run is still
    rendering after SLOW_WAIT (the task retries).
    """

    lock = f"publishing:slow-files:{election_id}"
    try:
        if not cache.add(lock, "rendering", timeout=int(SLOW_LOCK.total_seconds())):
            # Another worker is rendering; its run re-enqueues this step if data moved on.
            return "already rendering"
    except Exception:  # the cache (Redis) is down: render anyway, at worst twice
        logger.warning("No cache lock for the register PDF of election %s", election_id)
    timeout = int(SLOW_LOCK.total_seconds())
    try:
        with Heartbeat(None, also=lambda: cache.touch(lock, timeout)):
            return _publish_slow_files(election_id, now)
    finally:
        with contextlib.suppress(Exception):
            cache.delete(lock)


def _due_sources(election: Election, live: dict, now: datetime | None) -> list[tuple]:
    """Return (path, key, HTML) of each slow file, and each whole-register file that can be
    left behind (Output.behind), whose key the live version lacks (bytes in place of the HTML
    for a file made otherwise: the downloads are made here). A function of its own so the
    plan is freed before anything is rendered (the rows themselves a worker keeps between
    runs, pages.data._ROWS, as the kept topic pages keep the data they were planned with):
    WeasyPrint's layout of a part is then what the step adds at its peak (`make bench`)."""
    outputs = pages.plan_site(pages.load(election), now=now or timezone.now())
    return [
        (o.path, o.key, o.source_html() if o.source_html else o.render())
        for o in outputs
        if (o.slow or o.behind is not None) and live.get(o.path, {}).get("key") != o.key
    ]


def _render_due(
    election: Election,
    live: dict,
    now: datetime | None,
    spool: Path,
    prerendered: dict[str, Prerendered],
) -> None:
    """Render the slow files whose key the live version lacks, one at a time, each kept in
    `spool` (Prerendered) and put in `prerendered` as soon as it is made: the downloads (made
    already, as bytes) first, so a PDF part that fails leaves them ready to publish."""
    due = sorted(_due_sources(election, live, now), key=lambda d: isinstance(d[2], str))
    gc.collect()  # the plan, before WeasyPrint takes memory of its own
    for number, (path, key, source) in enumerate(due):
        html = source if isinstance(source, str) else None
        content = pages.pdf.render_pdf(html) if html is not None else source
        # A PDF's readings are made here, off the publishing lock; a whole-register file's
        # are not needed (the run reads only its lines that differ from the live file's).
        readings = _readings(path, content) if path.endswith(".pdf") else None
        prerendered[path] = Prerendered.keep(spool, str(number), key, content, readings, html)
        due[number] = (path, key, None)  # this part's HTML is on disk now
        del content, html, source
        _release_memory()


def _release_memory() -> None:
    """Hand back to the system what a part's layout freed (glibc keeps freed memory in its
    arenas: without this a worker's memory grows with each part it renders)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _publish_slow_files(election_id: int, now: datetime | None) -> str:
    election = Election.objects.get(pk=election_id)
    site = live_site(election, timezone.localdate(now or timezone.now()))
    if site is None:
        return "not live"  # a past or closed election: its archive keeps its page
    renewed = _renew_stale_fingerprints(election) + _renew_requesters_written_past_trigger()
    target = site_target(site)
    current = target.current_version()
    live = (target.manifest(current) or {}).get("files", {}) if current else {}
    with tempfile.TemporaryDirectory(prefix="register-pdf-") as spool:
        prerendered: dict[str, Prerendered] = {}
        try:
            _render_due(election, live, now, Path(spool), prerendered)
        except Exception:
            # A PDF part failed (the task retries it): the downloads made before it are
            # published now, not left behind until every part renders.
            downloads = {p: r for p, r in prerendered.items() if not p.endswith(".pdf")}
            if downloads:
                try:
                    _publish_prerendered(election, downloads)
                except Exception:
                    logger.exception("Could not publish the downloads of election %s", election_id)
            raise
        if not prerendered:
            # The values written past a trigger: published, or looked for (a requester's
            # details), by a run of their own.
            if renewed:
                funnel.schedule_publish(election.pk)
            return "up to date"
        _release_memory()
        return _publish_prerendered(election, prerendered)


def _renew_stale_fingerprints(election: Election) -> int:
    """Renew each stored fingerprint that is not the one its entry's public fields give
    (queries.stale_fingerprints: a write made while PostgreSQL's trigger did not fire),
    and return how many: emptied, the trigger works it out again. A publish run keys the
    rows it keeps by the stored one, so a stale one would keep an entry's old values; this
    step, off the approver's wait, compares them all (a few hundredths of a second at
    10,000 entries, what every run did before the fingerprint was kept in the row)."""
    renewed = queries.stale_fingerprints(election).update(fingerprint="")
    if renewed:
        logger.warning("Renewed %s public entries' fingerprints written past the trigger", renewed)
    return renewed


def _renew_requesters_written_past_trigger() -> int:
    """Renew the writing transaction recorded in each register entry and history row written
    while PostgreSQL's trigger did not fire (queries.renew_written_past_trigger), and return
    how many. A worker reads only the requesters' rows written since its last read, by that
    record (scan._requester_rows): a stale one would keep a requester's old details out of
    the leak check; renewed, the next run reads them."""
    renewed = queries.renew_written_past_trigger(Entry, Entry.history.model)
    if renewed:
        logger.warning(
            "Renewed %s register rows' writing transaction, written past the trigger", renewed
        )
    return renewed


def _publish_prerendered(election: Election, prerendered: dict[str, Prerendered]) -> str:
    deadline = timezone.now() + SLOW_WAIT
    while True:
        try:
            result = funnel.publish_site(election, slow="defer", prerendered=prerendered)
        except funnel.PublishBusy:
            if timezone.now() >= deadline:
                raise
            time.sleep(5)
            continue
        return result.status
