"""Helpers shared by the tests that start real processes (the SMTP sink, the Celery worker,
the deployed stack, the fault tests): a free local port, and the URL of this test run's
PostgreSQL database for another process to open."""

from __future__ import annotations

import socket
from urllib.parse import quote

import pytest
from django.db import connection


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
    import subprocess

    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
