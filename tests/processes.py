"""Helpers shared by the tests that start real processes (the SMTP sink, the Celery worker,
the deployed stack, the fault tests): a free local port, and the URL of this test run's
PostgreSQL database for another process to open."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from election_protocol.celery import app as celery_app


def free_port() -> int:
    """Return a local TCP port nothing listens on (bound and released at once)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def shared_test_database_url(who: str = "These tests") -> str:
    """Return a DATABASE_URL for the test database this process uses, for a process `who`
    starts (PostgreSQL only: it fails, saying why, on any other database)."""
    if connection.vendor != "postgresql":
        pytest.fail(
            f"{who} run the application in other processes, which must open the same test "
            f"database; {connection.vendor} cannot be shared. Run them with DATABASE_URL set "
            "to PostgreSQL, or deselect them with -m 'not redis'."
        )
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


def stop(process) -> None:
    """Stop a process a test started (a worker, a server): SIGTERM for a warm shutdown, then
    SIGKILL if it has not ended within 15 seconds."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def start_celery_worker(
    env: dict[str, str], log_path: Path, *, who: str, name: str, append: bool = False
) -> subprocess.Popen:
    """Start a real Celery worker (solo pool, the default queue) on this test run's database
    and Redis, with `env` added to its environment; its output goes to `log_path` (appended
    to when `append`, for a second worker after a first one's crash)."""
    env = {
        **os.environ,
        "DATABASE_URL": shared_test_database_url(who),
        "REDIS_URL": os.environ["REDIS_URL"],
        "DEBUG": "1",
        # No lingering connection that would stop the test database being dropped.
        "DB_CONN_MAX_AGE": "0",
        **env,
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
        f"{name}-{uuid.uuid4().hex[:8]}@%h",
        # Start faster and talk to no other worker.
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    log = log_path.open("ab" if append else "wb")
    try:
        return subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
            command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    finally:
        log.close()
