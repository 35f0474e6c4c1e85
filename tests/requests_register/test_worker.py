"""A real Celery worker process sends an outbox e-mail through Redis to a real SMTP server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from election_protocol.celery import app as celery_app
from requests_register import outbox
from requests_register.models import OutboundEmail
from tests.processes import shared_test_database_url, stop

pytestmark = [
    pytest.mark.redis,
    pytest.mark.celery_worker,
    # Committed for real: the worker is another process and reads the test database.
    pytest.mark.django_db(transaction=True),
]

WAIT_SECONDS = 30


def _start_worker(smtp_server, log_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": shared_test_database_url("The Celery worker tests"),
        "REDIS_URL": os.environ["REDIS_URL"],
        "DEBUG": "1",
        "EMAIL_HOST": smtp_server.host,
        "EMAIL_PORT": str(smtp_server.port),
        # No lingering connection that would stop the test database being dropped.
        "DB_CONN_MAX_AGE": "0",
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "election_protocol",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "-Q",
        celery_app.conf.task_default_queue,
        "-l",
        "info",
        "-n",
        f"test-{uuid.uuid4().hex[:8]}@%h",
        # Start faster and talk to no other worker.
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    log = log_path.open("wb")
    try:
        return subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
            command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    finally:
        log.close()


def test_worker_sends_a_queued_email_once(smtp_server, tmp_path):
    assert celery_app.conf.task_always_eager is False, "this test needs the Redis broker"
    log_path = tmp_path / "worker.log"
    worker = _start_worker(smtp_server, log_path)
    try:
        with transaction.atomic():
            email = outbox.queue_email(
                purpose="reply",
                to=["alex@example.org"],
                subject="TS01-0001: our reply",
                body="Dear Alex,\n\nThe answer.\n",
                reply_to="spoc@testshire.example.org",
            )
        # Committed: the on-commit hook has put the task on Redis for the worker.

        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline and worker.poll() is None:
            email.refresh_from_db()
            if email.state == OutboundEmail.State.SENT and smtp_server.messages:
                break
            time.sleep(0.25)
        # A moment more, so a second (wrong) delivery would be seen.
        time.sleep(0.5)

        email.refresh_from_db()
        log = log_path.read_text(errors="replace")[-3000:]
        assert worker.poll() is None, f"the worker stopped early:\n{log}"
        assert email.state == OutboundEmail.State.SENT, f"{email.state}: {email.last_error}\n{log}"
        assert email.attempts == 1
        assert [m["Message-ID"] for m in smtp_server.messages] == [email.message_id]
        assert smtp_server.received[0].rcpt_tos == ["alex@example.org"]
        assert smtp_server.messages[0]["Reply-To"] == "spoc@testshire.example.org"
    finally:
        stop(worker)
