"""A Celery worker killed (SIGKILL, children included) in the middle of sending or publishing.

What must hold (issue 6, item 2): the work is redone, never duplicated, and the public page is
never half-written. The worker is a real prefork worker process group on a private Redis; the
e-mail goes to a real SMTP server; the site is written to a real folder.
"""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from publishing import rules as public_rules
from publishing.models import PublicEntry, PublishRun
from publishing.site import publish_site, requeue_publish_runs, schedule_publish
from requests_register import outbox
from requests_register.models import Entry, OutboundEmail
from tests.factories import ElectionFactory
from tests.faults.stack import (
    app_env,
    celery_publishing_to,
    kill_group,
    live_version_problems,
    publishing_settled,
    start_worker,
    wait_for,
)
from tests.processes import shared_test_database_url

pytestmark = [
    pytest.mark.redis,
    pytest.mark.celery_worker,
    # Committed for real: the worker is another process reading the test database.
    pytest.mark.django_db(transaction=True),
]

State = OutboundEmail.State


def _env(private_redis, tmp_path, **kwargs) -> dict[str, str]:
    return app_env(
        database_url=shared_test_database_url("The fault tests"),
        redis_url=private_redis.url,
        var_dir=tmp_path / "var",
        # No idle connection left behind that would keep the test database from being dropped.
        DB_CONN_MAX_AGE="0",
        **kwargs,
    )


def test_a_worker_killed_mid_send_sends_every_email_exactly_once(
    private_redis, smtp_sink, processes, tmp_path
):
    """Killed while the SMTP conversation is open, before the message is handed over: the
    claimed e-mail is sent once by the next worker (after the beat's requeue), the others once
    each, and nothing twice (counted by Message-ID at the SMTP server)."""
    env = _env(private_redis, tmp_path, EMAIL_HOST=smtp_sink.host, EMAIL_PORT=str(smtp_sink.port))
    log = tmp_path / "worker.log"
    smtp_sink.handler.hold = 120  # the first conversation waits at RCPT TO
    processes.append(worker := start_worker(env, log))

    with celery_publishing_to(private_redis.url):
        emails = [
            outbox.queue_email(
                purpose="reply",
                to=[f"requester{n}@example.org"],
                subject=f"TS26-000{n}: our reply",
                body=f"Dear requester {n},\n\nThe answer.\n",
                reply_to="spoc@testshire.example.org",
            )
            for n in range(1, 4)
        ]
        wait_for(
            lambda: (
                smtp_sink.handler.conversations_held == 1
                and OutboundEmail.objects.filter(state=State.SENDING).count() == 1
            ),
            30,
            "the worker to claim an e-mail and open the SMTP conversation",
        )
        claimed = OutboundEmail.objects.get(state=State.SENDING)
        kill_group(worker)  # SIGKILL to the worker and its pool child, mid-conversation

        assert smtp_sink.messages == []
        claimed.refresh_from_db()
        # The claim outlives the worker: no other worker may send it while it looks busy.
        assert (claimed.state, claimed.attempts) == (State.SENDING, 1)

        smtp_sink.handler.hold = 0
        processes.append(start_worker(env, log))
        # The e-mails the dead worker never started are on the queue: the new worker sends them.
        wait_for(lambda: len(smtp_sink.messages) == 2, 30, "the two other e-mails to arrive")
        assert str(claimed.message_id) not in smtp_sink.message_ids()
        # The claimed one waits for the beat's safety net, which treats a claim older than ten
        # minutes as a dead worker's. Run it as the beat would, ten minutes and more later
        # (rather than wait): it hands the row to the new worker.
        assert outbox.requeue_unsent(now=timezone.now() + timedelta(minutes=11)) == 1
        wait_for(
            lambda: not OutboundEmail.objects.exclude(state=State.SENT).exists(),
            30,
            "every e-mail to be marked sent",
        )
        # The dead worker's task message is still unacknowledged in Redis: had the beat run
        # twice, or Redis redelivered it, the claim would skip a row already sent.
        assert outbox.requeue_unsent(now=timezone.now() + timedelta(minutes=30)) == 0
        time.sleep(1.0)  # time for a wrong second delivery to arrive

    assert sorted(smtp_sink.message_ids()) == sorted(e.message_id for e in emails)
    claimed.refresh_from_db()
    assert (claimed.state, claimed.attempts, claimed.last_error) == (State.SENT, 2, "")
    assert set(OutboundEmail.objects.values_list("state", flat=True)) == {State.SENT}


# --- publishing --------------------------------------------------------------------------------


def _published_entries(election, user, approver, start: int, count: int) -> None:
    """Bulk-create answered register entries with their published public entries (what
    prepare + approve leave behind, without the per-row work: the fault is not in there)."""
    now = timezone.now()
    entries = [
        Entry(
            election=election,
            number=number,
            reference=f"{election.reference_prefix}-{number:04d}",
            received_at=now - timedelta(days=3),
            channel="email",
            kind="information",
            topic=f"Neighbourhood policing {number % 7}",
            question=f"How many officers will patrol ward {number} at night next year?",
            requester_type="public",
            requester_name=f"Requester Number{number}",
            requester_email=f"requester.{number}@example.org",
            treated_as="routine",
            status="sent",
            target_date=timezone.localdate(),
            answer=f"Ward {number} will keep its two night patrols, as every candidate was told.",
            answered_at=now - timedelta(days=1),
            created_by=user,
        )
        for number in range(start, start + count)
    ]
    Entry.objects.bulk_create(entries)
    PublicEntry.objects.bulk_create(
        PublicEntry(
            kind=public_rules.Kind.REGISTER_ANSWER,
            entry=entry,
            election=election,
            number=entry.number,
            reference=entry.reference,
            topic=entry.topic,
            received_on=entry.received_at.date(),
            answered_on=entry.answered_at.date(),
            answering_body=PublicEntry.AnsweringBody.OFFICE,
            question=entry.question,
            answer=entry.answer,
            status=public_rules.Status.PUBLISHED,
            published_at=now,
            prepared_by=user,
            prepared_at=now,
            approved_by=approver,
            approved_at=now,
            factual_confirmed=True,
        )
        for entry in entries
    )


class LiveSiteWatcher(threading.Thread):
    """Checks the live site over and over, as a reader would see it, until stopped."""

    def __init__(self, root: Path) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.checks = 0
        self.problems: list[str] = []
        self.versions_seen: set[str] = set()
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.versions_seen.add(os.readlink(self.root / "current"))
            self.problems += live_version_problems(self.root, full=False)
            self.checks += 1
            time.sleep(0.01)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=10)


def _written_here(path: Path) -> bool:
    try:
        return path.stat().st_nlink == 1  # not a link to a file of the live version
    except FileNotFoundError:  # removed by the run meanwhile
        return False


def test_a_worker_killed_mid_publish_never_leaves_the_public_page_half_written(
    private_redis, processes, tmp_path, make_user
):
    """Killed while rendering a new version: the live version stays complete throughout, the
    half-built folder is never used, and the run is redone once and goes live."""
    from election_protocol.roles import Role

    root = Path(settings.PUBLIC_SITE_ROOT)  # a fresh folder (tests/conftest.py)
    election = ElectionFactory()
    spoc, ce = make_user(Role.SPOC), make_user(Role.CHIEF_EXECUTIVE)
    _published_entries(election, spoc, ce, 1, 5)
    first = publish_site(election)  # the live version before the fault
    assert first.status == "published"
    assert live_version_problems(root, full=True) == []
    # New entries: the next render writes a page for each (in each language) and more.
    _published_entries(election, spoc, ce, 6, 30)

    env = _env(private_redis, tmp_path, PUBLIC_SITE_ROOT=str(root))
    log = tmp_path / "worker.log"
    processes.append(worker := start_worker(env, log))
    watcher = LiveSiteWatcher(root)
    watcher.start()
    try:
        with celery_publishing_to(private_redis.url):
            run = schedule_publish(election.pk)
            staging = root / "staging"

            def half_built() -> bool:
                # Written by this run: not the live version's permalinks linked ahead.
                files = list(staging.rglob("*.html")) if staging.is_dir() else []
                return sum(1 for f in files if _written_here(f)) >= 10

            wait_for(half_built, 60, "the worker to be part-way through the render", 0.02)
            kill_group(worker)
            run.refresh_from_db()
            assert run.status == PublishRun.Status.RUNNING, run.progress
            (killed_folder,) = staging.iterdir()
            assert not (killed_folder / "manifest.json").exists()  # never complete
            assert os.readlink(root / "current") == f"versions/{first.version}"
            assert live_version_problems(root, full=True) == []

            processes.append(start_worker(env, log))
            # A killed run's heartbeat stops: within seconds (health.HEARTBEAT_STALE) the
            # beat's requeue hands it on. Run the requeue as the beat does, in real time.
            killed_at = time.monotonic()
            wait_for(lambda: requeue_publish_runs() == 1, 75, "the dead run to be seen", 1)
            assert time.monotonic() - killed_at < 60  # seconds, not STALE_AFTER minutes
            # One read of the status: two could see it queued, then running, and pass.
            wait_for(
                lambda: (
                    PublishRun.objects.get(pk=run.pk).status
                    not in (PublishRun.Status.RUNNING, PublishRun.Status.QUEUED)
                ),
                90,
                "the run to be redone",
                0.2,
            )
    finally:
        watcher.stop()
    assert watcher.checks > 20, watcher.checks
    watchers_problems, watchers_seen = watcher.problems, watcher.versions_seen

    run.refresh_from_db()
    assert run.status == PublishRun.Status.PUBLISHED, (run.reason, log.read_text()[-3000:])
    assert run.attempts == 2  # the killed attempt and the one that finished
    assert not killed_folder.exists()  # the half-built folder was cleared, never used
    # The step that follows a run (the whole-register PDF) finishes too.
    watcher = LiveSiteWatcher(root)
    watcher.start()
    try:
        wait_for(lambda: publishing_settled(root, election), 90, "publishing to finish", 0.2)
    finally:
        watcher.stop()
    assert set(PublishRun.objects.values_list("status", flat=True)) == {"published"}
    assert watchers_problems == [] and watcher.problems == []
    # Readers only ever saw complete versions: the first, then the redone run's and later.
    assert all(v.startswith("versions/") for v in watchers_seen | watcher.versions_seen)
    assert live_version_problems(root, full=True) == []
    for folder in (root / "versions").iterdir():  # no half-built version was ever moved in
        assert (folder / "manifest.json").is_file(), folder.name
    manifest = json.loads((root / "current" / "manifest.json").read_text())
    permalinks = [p for p in manifest["files"] if p.startswith("entries/")]
    assert len(permalinks) == 35, permalinks  # the five first entries and the thirty new
