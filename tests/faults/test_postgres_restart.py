"""PostgreSQL restarted while the application is in use (issue 6, item 2): the web process and
the worker carry on without being restarted themselves.

A throwaway PostgreSQL cluster of the test's own (the machine's is shared and never touched),
migrated by manage.py; gunicorn with one worker process and persistent connections
(DB_CONN_MAX_AGE left at its production default, CONN_HEALTH_CHECKS on), a Celery worker, a
private Redis and a real SMTP server. The restart is `pg_ctl restart -m fast`, which cuts every
open connection.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from election_protocol.roles import Role
from tests.faults.stack import StaffBrowser, app_env, manage, start_web, start_worker, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.celery_worker]

SEED = """
from django.test import Client
from tests.factories import ElectionFactory, UserFactory
ElectionFactory()
user = UserFactory(role={role!r}, username="spoc-restart", email="spoc-restart@example.org")
client = Client()
client.force_login(user)
print("SESSION", client.cookies["sessionid"].value)
"""


def _log(browser: StaffBrowser, n: int):
    received = timezone.localtime() - timedelta(hours=1)
    return browser.post(
        "/register/log/",
        {
            "received_at": received.strftime("%Y-%m-%dT%H:%M"),
            "channel": "email",
            "first_reached": "opcc",
            "kind": "information",
            "topic": f"Custody {n}",
            "question": f"How many custody suites are open on day {n}?",
            "requester_type": "public",
            "requester_name": f"Requester {n}",
            "requester_email": f"requester{n}@example.org",
            "acknowledge": "on",
        },
        follow=False,
    )


def test_the_application_recovers_from_a_postgresql_restart_by_itself(
    private_postgres, private_redis, smtp_sink, processes, tmp_path
):
    env = app_env(
        database_url=private_postgres.url,
        redis_url=private_redis.url,
        smtp=smtp_sink,
        var_dir=tmp_path / "var",
    )
    env.pop("DB_CONN_MAX_AGE", None)  # persistent connections, as in production
    manage(env, "migrate", "-v0")
    output = manage(env, "shell", "-c", SEED.format(role=Role.SPOC.value))
    session_key = output.split("SESSION ", 1)[1].split()[0]

    web, base_url = start_web(env, tmp_path / "web.log", workers=1)
    processes.append(web)
    processes.append(start_worker(env, tmp_path / "worker.log"))
    officer = StaffBrowser(base_url, session_key)

    before = officer.get("/register/")
    assert (before.status_code, before.history) == (200, [])
    assert _log(officer, 1).status_code == 302
    wait_for(lambda: len(smtp_sink.messages) == 1, 30, "the first acknowledgement")

    private_postgres.restart()  # every connection of gunicorn and the worker is cut

    statuses = []
    for _ in range(5):
        page = officer.get("/register/")
        statuses.append(page.status_code)
        assert "Custody 1" in page.text or page.status_code != 200
    web_log = (tmp_path / "web.log").read_text(errors="replace")[-3000:]
    assert statuses == [200] * 5, f"{statuses}\n{web_log}"
    # A write through the web process, and the worker sends its e-mail: both reconnected.
    logged = _log(officer, 2)
    assert logged.status_code == 302, logged.text[-2000:]
    wait_for(lambda: len(smtp_sink.messages) == 2, 30, "the acknowledgement after the restart")
    time.sleep(0.5)
    assert [m["To"] for m in smtp_sink.messages] == [
        "requester1@example.org",
        "requester2@example.org",
    ]
    assert web.poll() is None  # the same gunicorn throughout
    print(f"\nPostgreSQL restart: the 5 pages after it answered {statuses}")
