"""Redis stopped while staff log 50 requests and send 50 replies (issue 6, item 2).

The application runs as in production: gunicorn and a Celery worker, configured by environment
variables, on the test database and a private Redis that the test stops and starts again. Staff
use the real pages over HTTP (log form, status buttons, draft form, "Publish now").

What must hold: every entry is saved; no error page, a clear notice instead; the e-mails and the
publication wait in the database; once Redis is back, every e-mail arrives once (counted by
Message-ID at a real SMTP server) and the pending publication completes.
"""

from __future__ import annotations

import importlib
import re
import statistics
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from election_protocol.roles import Role
from publishing.models import PublishRun
from publishing.site import requeue_publish_runs
from requests_register import outbox
from requests_register.models import EmailTemplate, Entry, OutboundEmail
from tests.factories import ElectionFactory
from tests.faults.stack import (
    StaffBrowser,
    app_env,
    celery_publishing_to,
    live_version_problems,
    publishing_settled,
    session_key_for,
    start_web,
    start_worker,
    wait_for,
)
from tests.processes import shared_test_database_url

pytestmark = [
    pytest.mark.redis,
    pytest.mark.celery_worker,
    # Committed for real: gunicorn and the worker are other processes reading the test database.
    pytest.mark.django_db(transaction=True),
]

REQUESTS = 50
EMAIL_NOTICE = "The e-mail is saved but the mail queue is not reachable just now"
PUBLISH_NOTICE = "Publishing is recorded but the task queue is not reachable just now"
# A page must not wait on the unreachable broker (Celery's publish retry policy is kept short:
# about 0.1 s per e-mail with Redis stopped). Generous: CI machines are shared and slow.
SLOWEST_ACCEPTABLE_SECONDS = 10.0


def _email_templates() -> None:
    """Put back the default e-mail templates (a data migration's rows: an earlier
    transactional test may have flushed them)."""
    migration = importlib.import_module("requests_register.migrations.0002_email_templates")
    for template in migration.TEMPLATES:
        EmailTemplate.objects.get_or_create(key=template["key"], defaults=template)


def _banner_texts(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", text).strip()
        for text in re.findall(r'class="govuk-notification-banner__heading">(.*?)</p>', html, re.S)
    ]


def test_redis_down_while_staff_log_and_reply_loses_nothing(
    private_redis, smtp_sink, processes, tmp_path, make_user
):
    _email_templates()
    election = ElectionFactory()
    spoc = make_user(Role.SPOC, username="spoc-faults", email="spoc-faults@example.org")
    ce = make_user(Role.CHIEF_EXECUTIVE, username="ce-faults", email="ce-faults@example.org")
    public_site = Path(settings.PUBLIC_SITE_ROOT)
    env = app_env(
        database_url=shared_test_database_url("The fault tests"),
        redis_url=private_redis.url,
        smtp=smtp_sink,
        public_site=public_site,
        var_dir=tmp_path / "var",
        DB_CONN_MAX_AGE="0",  # nothing left open that would keep the test database
    )
    web, base_url = start_web(env, tmp_path / "web.log")
    processes.append(web)
    officer = StaffBrowser(base_url, session_key_for(Client(), spoc))
    chief = StaffBrowser(base_url, session_key_for(Client(), ce))
    for browser in (officer, chief):
        page = browser.get("/register/log/" if browser is officer else "/register/")
        # Signed in (not sent to the login page), with a CSRF token for the forms.
        assert (page.status_code, page.history, bool(browser.csrf)) == (200, [], True)

    # --- Redis stops. Staff carry on. ---------------------------------------------------------
    private_redis.stop()
    statuses: list[int] = []
    timings: list[float] = []

    def act(browser: StaffBrowser, path: str, data: dict, *, follow: bool = False):
        started = time.monotonic()
        response = browser.post(path, data, follow=follow)
        timings.append(time.monotonic() - started)
        statuses.extend([r.status_code for r in response.history] + [response.status_code])
        return response

    received = timezone.localtime() - timedelta(hours=1)
    for n in range(1, REQUESTS + 1):
        logged = act(
            officer,
            "/register/log/",
            {
                "received_at": received.strftime("%Y-%m-%dT%H:%M"),
                "channel": "email",
                "first_reached": "opcc",
                "kind": "information",
                "topic": f"Neighbourhood policing {n}",
                "question": f"How many officers patrol ward {n} at night?",
                "requester_type": "public",
                "requester_name": f"Requester {n}",
                "requester_email": f"requester{n}@example.org",
                "acknowledge": "on",
            },
            follow=True,
        )
        assert logged.history and logged.history[0].status_code == 302, logged.text[-2000:]
        detail = logged.url.removeprefix(base_url)  # /register/<pk>/
        banners = _banner_texts(logged.text)
        assert any(f"-{n:04d} is on the register" in text for text in banners), banners
        assert any(text.startswith(EMAIL_NOTICE) for text in banners), banners

        assert act(officer, detail + "status/", {"status": "in_progress"}).status_code == 302
        drafted = act(officer, detail + "draft/", {"answer": f"Ward {n} has two night patrols."})
        assert drafted.status_code == 302
        approved = act(chief, detail + "status/", {"status": "approved"})
        assert approved.status_code == 302
        sent = act(officer, detail + "status/", {"status": "sent"}, follow=True)
        banners = _banner_texts(sent.text)
        assert any(text.startswith(EMAIL_NOTICE) for text in banners), banners
        assert "Queued" in sent.text  # the entry's e-mails, as the page lists them

    publish = act(officer, "/publishing/runs/publish/", {}, follow=True)
    assert any(t.startswith(PUBLISH_NOTICE) for t in _banner_texts(publish.text)), publish.text

    # Every entry saved, answered and sent as far as the register is concerned.
    assert Entry.objects.filter(election=election).count() == REQUESTS
    assert set(Entry.objects.values_list("status", flat=True)) == {"sent"}
    assert not [s for s in statuses if s >= 400], sorted(set(statuses))
    assert max(timings) < SLOWEST_ACCEPTABLE_SECONDS, max(timings)
    emails = list(OutboundEmail.objects.order_by("pk"))
    assert len(emails) == 2 * REQUESTS  # an acknowledgement and a reply each
    assert {e.state for e in emails} == {OutboundEmail.State.QUEUED}
    assert len({e.message_id for e in emails}) == 2 * REQUESTS
    (run,) = PublishRun.objects.filter(election=election)
    assert run.status == PublishRun.Status.QUEUED
    assert smtp_sink.messages == []
    print(
        f"\nRedis down: {len(timings)} staff POSTs, median {statistics.median(timings):.3f}s, "
        f"slowest {max(timings):.3f}s, no status >= 400 among {len(statuses)} responses"
    )

    # --- Redis is back: a worker, and the beat's safety nets. ---------------------------------
    private_redis.start()
    processes.append(start_worker(env, tmp_path / "worker.log"))
    with celery_publishing_to(private_redis.url):
        # What the beat runs every two minutes, run as it would be a few minutes on: rows
        # queued more than a minute (e-mail) or two (publication) ago are enqueued again.
        assert outbox.requeue_unsent(now=timezone.now() + timedelta(minutes=3)) == 2 * REQUESTS
        assert requeue_publish_runs(now=timezone.now() + timedelta(minutes=3)) == 1
        wait_for(
            lambda: (
                not OutboundEmail.objects.exclude(state=OutboundEmail.State.SENT).exists()
                and publishing_settled(public_site, election)
            ),
            120,
            "every e-mail sent and the publication done",
            0.5,
        )
        # A later beat run finds nothing left to send.
        assert outbox.requeue_unsent(now=timezone.now() + timedelta(minutes=30)) == 0
    time.sleep(1.0)  # time for a wrong second delivery to arrive

    assert sorted(smtp_sink.message_ids()) == sorted(e.message_id for e in emails)
    assert {e.attempts for e in OutboundEmail.objects.all()} == {1}
    recipients = sorted(r.rcpt_tos[0] for r in smtp_sink.received)
    assert recipients == sorted(f"requester{n}@example.org" for n in range(1, 51) for _ in "ab")
    run.refresh_from_db()
    assert run.status == PublishRun.Status.PUBLISHED
    assert set(PublishRun.objects.values_list("status", flat=True)) == {"published"}
    assert (public_site / "current" / "index.html").is_file()
    assert live_version_problems(public_site, full=True) == []
