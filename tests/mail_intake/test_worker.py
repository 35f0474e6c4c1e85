"""A real Celery worker reads the real IMAP server, is SIGKILLed mid-pass, and the next pass
(a new worker, as after a crash and restart) leaves every message recorded exactly once and
moved: nothing lost, nothing twice (issue 14, "Done when")."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.utils import timezone

from election_protocol.celery import app as celery_app
from mail_intake.models import InboundMessage, MailboxState
from mail_intake.tasks import task_fetch_mail
from tests.mail_intake.mail import mail
from tests.processes import start_celery_worker, stop

pytestmark = [
    pytest.mark.redis,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]

MESSAGES = 40
LEASE_SECONDS = 3
WAIT_SECONDS = 90


def _start_worker(dovecot, log_path: Path) -> subprocess.Popen:
    env = {
        "MAILBOX_URL": dovecot.url(),
        "MAILBOX_CA_FILE": dovecot.ca_file,
        "MAILBOX_TIMEOUT": "5",
        "MAILBOX_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    return start_celery_worker(
        env, log_path, who="The mailbox worker tests", name="mail", append=True
    )


def test_worker_killed_mid_pass_loses_nothing_and_records_nothing_twice(dovecot, tmp_path):
    assert celery_app.conf.task_always_eager is False, "this test needs the Redis broker"
    # Big enough that a pass takes a while: the kill lands in the middle of it.
    filler = "The quick brown fox jumps over the lazy dog. " * 4000
    ids = [f"<kill-{n}@example.org>" for n in range(MESSAGES)]
    dovecot.deliver(
        *(mail(subject=f"Request {n}", body=filler, message_id=ids[n]) for n in range(MESSAGES))
    )
    log_path = tmp_path / "worker.log"

    worker = _start_worker(dovecot, log_path)
    try:
        task_fetch_mail.delay()
        deadline = time.monotonic() + WAIT_SECONDS
        while InboundMessage.objects.count() < 3 and time.monotonic() < deadline:
            assert worker.poll() is None, log_path.read_text(errors="replace")[-3000:]
            time.sleep(0.02)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    at_kill = InboundMessage.objects.count()
    assert 3 <= at_kill < MESSAGES, f"the kill did not land mid-pass ({at_kill} recorded)"
    assert dovecot.count("INBOX") > 0

    # The dead pass's lease runs out; the beat's next run (here: enqueued by hand) goes on.
    time.sleep(LEASE_SECONDS + 0.5)
    worker = _start_worker(dovecot, log_path)
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            task_fetch_mail.delay()
            time.sleep(2)
            if (
                dovecot.count("INBOX") == 0
                and not InboundMessage.objects.filter(state=InboundMessage.State.RECEIVED).exists()
                and not InboundMessage.objects.filter(moved_at__isnull=True).exists()
            ):
                break
        log = log_path.read_text(errors="replace")[-3000:]
        assert worker.poll() is None, f"the worker stopped early:\n{log}"
    finally:
        stop(worker)

    recorded = list(InboundMessage.objects.values_list("message_id", flat=True))
    assert sorted(recorded) == sorted(i.strip("<>") for i in ids), "lost or doubled"
    assert set(InboundMessage.objects.values_list("state", flat=True)) == {"triage"}
    assert not InboundMessage.objects.filter(moved_at__isnull=True).exists()
    assert (dovecot.count("INBOX"), dovecot.count("Processed")) == (0, MESSAGES)
    state = MailboxState.objects.get()
    assert state.last_success_at is not None and state.last_success_at <= timezone.now()
