"""Fixtures of the fault tests: private servers, processes cleaned up whatever happens, and an
SMTP server that can hold a conversation open (so a worker can be killed mid-send)."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.stack import PrivatePostgres, PrivateRedis, kill_group, stop_process
from tests.smtp import SmtpServer, _RecordingHandler


class _HoldingHandler(_RecordingHandler):
    """Records what arrives; while `hold` is set, keeps each conversation waiting at RCPT TO,
    before any message content is sent (the message is then certainly not accepted)."""

    def __init__(self) -> None:
        super().__init__()
        self.hold = 0.0
        self.conversations_held = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if self.hold:
            self.conversations_held += 1
            await asyncio.sleep(self.hold)
        envelope.rcpt_tos.append(address)
        return "250 OK"


class HoldingSmtpServer(SmtpServer):
    def __init__(self) -> None:
        super().__init__()
        self.handler = _HoldingHandler()

    def message_ids(self) -> list[str]:
        return [str(message["Message-ID"]) for message in self.messages]


@pytest.fixture
def smtp_sink() -> Iterator[HoldingSmtpServer]:
    """A real SMTP server (aiosmtpd) on localhost for the application's processes."""
    server = HoldingSmtpServer()
    server.start()
    yield server
    server.handler.hold = 0
    server.stop()


@pytest.fixture
def private_redis(tmp_path_factory) -> Iterator[PrivateRedis]:
    """A running redis-server of this test's own; the test may stop and start it."""
    redis = PrivateRedis(tmp_path_factory.mktemp("redis"))
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    """A running PostgreSQL cluster of this test's own (empty); the test may restart it."""
    # Not under pytest's tmp_path: its parent folders are private to the user running pytest,
    # and the cluster may have to belong to the `postgres` user.
    folder = Path(tempfile.mkdtemp(prefix="faults-pg-"))
    try:
        postgres = PrivatePostgres(folder)
        postgres.init()
        postgres.start()
        yield postgres
        postgres.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen]]:
    """Append every process a test starts; all are stopped at the end, pass or fail."""
    started: list[subprocess.Popen] = []
    yield started
    for process in reversed(started):
        # The test is over: nothing they would finish matters, and a warm shutdown could wait
        # for a render to end.
        if process.poll() is None:
            kill_group(process)
        stop_process(process)  # reaps what is left of its process group
