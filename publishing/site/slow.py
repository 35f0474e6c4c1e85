"""The register's PDF in a step of its own: rendered outside the publishing lock, then
published in a run of its own (publish.publish_site with `prerendered`)."""

import contextlib
import json
import logging
import os
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from election_protocol.models import Election
from publishing.site import pages, scan
from publishing.site import publish as funnel  # a cycle by design: the step ends in a run
from publishing.site.checks import _sha
from publishing.site.health import Heartbeat
from publishing.site.target import live_site, site_target

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prerendered:
    """A slow file rendered outside the publishing lock (publish_slow_files): its key, bytes,
    the texts a reader could get from it, and the HTML it was made from (both scanned again
    against the identifiers of the moment it is published)."""

    key: str
    content: bytes
    readings: list[str]
    source_html: str | None


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

    cache = _pdf_readings_file(content)
    try:
        return json.loads(cache.read_text())
    except (OSError, ValueError):
        pass
    return scan.readings(path, content)


def _pdf_readings_file(content: bytes) -> Path:

    return Path(settings.VAR_DIR) / "cache" / "pdf-readings" / f"{_sha(content)}.json"


def _cache_pdf_readings(path: str, content: bytes, texts: list[str]) -> None:
    """Keep the readings of a PDF that has just been published (so it held nothing private):
    a PDF that was blocked leaves nothing behind on disk."""
    if not path.endswith(".pdf"):
        return
    cache = _pdf_readings_file(content)
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
    """Render the slow files (the whole-register PDF) that the live version lacks, outside the
    publishing lock, then publish them in a run of their own; return what happened.

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


def _render_due(election: Election, live: dict, now: datetime | None) -> dict[str, Prerendered]:
    """Render the slow files whose key the live version lacks. A function of its own so the
    site's data and plan it reads are freed before the run that publishes them reads its own
    (both alive at once raised the step's peak memory; `make bench` measures it)."""
    outputs = pages.plan_site(pages.load(election), now=now or timezone.now())
    due = [o for o in outputs if o.slow and live.get(o.path, {}).get("key") != o.key]
    prerendered = {}
    for output in due:
        content = output.render()
        prerendered[output.path] = Prerendered(
            key=output.key,
            content=content,
            readings=_readings(output.path, content),
            source_html=output.source_html() if output.source_html else None,
        )
    return prerendered


def _publish_slow_files(election_id: int, now: datetime | None) -> str:
    election = Election.objects.get(pk=election_id)
    site = live_site(election, timezone.localdate(now or timezone.now()))
    if site is None:
        return "not live"  # a past or closed election: its archive keeps its page
    target = site_target(site)
    current = target.current_version()
    live = (target.manifest(current) or {}).get("files", {}) if current else {}
    prerendered = _render_due(election, live, now)
    if not prerendered:
        return "up to date"
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
