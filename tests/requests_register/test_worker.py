"""A real Celery worker process sends an outbox e-mail through Redis to a real SMTP server."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from django.db import transaction

from election_protocol.celery import app as celery_app
from requests_register import outbox
from requests_register.models import OutboundEmail
from tests.processes import start_celery_worker, stop

pytestmark = [
    pytest.mark.redis,
    pytest.mark.celery_worker,
    # Committed for real: the worker is another process and reads the test database.
    pytest.mark.django_db(transaction=True),
]

WAIT_SECONDS = 30


def _start_worker(smtp_server, log_path: Path) -> subprocess.Popen:
    env = {"EMAIL_HOST": smtp_server.host, "EMAIL_PORT": str(smtp_server.port)}
    return start_celery_worker(env, log_path, who="The Celery worker tests", name="test")


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
