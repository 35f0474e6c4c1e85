"""A publish run whose worker died is seen in seconds, and the approver is told the truth
(issue 16, item 5, finding 3): before, a killed run blocked publishing for 15 minutes while
the Chief Executive's page said the entry was approved and published, nothing more."""

from __future__ import annotations

import html
import re
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from publishing import site
from publishing.models import PublishRun
from publishing.site.health import Heartbeat, site_state
from tests.builders import published


@pytest.fixture
def cast(spoc, chief_executive):
    return {"spoc": spoc, "ce": chief_executive}


def _dead_run(election, *, silent_for: timedelta) -> PublishRun:
    """A run its worker was killed in: RUNNING, last heard from `silent_for` ago."""
    now = timezone.now()
    return PublishRun.objects.create(
        election=election,
        status=PublishRun.Status.RUNNING,
        created_at=now - silent_for - timedelta(seconds=5),
        started_at=now - silent_for - timedelta(seconds=5),
        progress_at=now - silent_for,
        attempts=1,
        progress="Building and checking file 250 of 900",
    )


def _page_state(client, user, public_entry) -> tuple[str, str]:
    client.force_login(user)
    page = client.get(reverse("publishing:review", args=[public_entry.pk]))
    assert page.status_code == 200
    pattern = r'<p[^>]*id="public-page-state" data-state="([a-z-]+)">(.*?)</p>'
    found = re.search(pattern, page.content.decode(), re.S)
    assert found is not None, "the review page says nothing about the public page"
    text = html.unescape(re.sub(r"<[^>]+>", " ", found.group(2)))
    return found.group(1), " ".join(text.split())


def test_a_run_whose_worker_died_a_minute_ago_is_handed_on(election, cast):
    """Silent for a minute (its heartbeat beats every few seconds): handed to another worker
    by the beat's requeue, not after 15 minutes."""
    run = _dead_run(election, silent_for=timedelta(minutes=1))
    assert site.requeue_publish_runs() == 1
    run.refresh_from_db()
    # Celery is eager here: the next worker took it at once and finished it.
    assert run.status == PublishRun.Status.PUBLISHED
    assert run.attempts == 2


def test_a_live_run_is_left_alone(election, cast):
    run = _dead_run(election, silent_for=timedelta(seconds=3))
    assert site.requeue_publish_runs() == 0
    run.refresh_from_db()
    assert run.status == PublishRun.Status.RUNNING


def test_the_approver_sees_publishing_delayed_while_the_worker_is_dead(election, cast, client):
    public_entry = published(election, cast)  # approved by the Chief Executive
    # The approval's run was taken by a worker that was then killed.
    run = _dead_run(election, silent_for=timedelta(seconds=45))
    run.created_at = run.started_at = timezone.now()
    run.save()
    PublishRun.objects.filter(pk=run.pk).update(
        started_at=timezone.now() - timedelta(seconds=50),
        progress_at=timezone.now() - timedelta(seconds=45),
    )
    public_entry.refresh_from_db()
    public_entry.approved_at = timezone.now() - timedelta(minutes=1)
    public_entry.save(update_fields=["approved_at"])
    state, text = _page_state(client, cast["ce"], public_entry)
    assert state == "delayed"
    assert text.startswith("Publishing delayed")
    assert "previous version" in text


def test_the_approver_sees_when_it_is_live(election, cast, client):
    public_entry = published(election, cast)
    public_entry.approved_at = timezone.now() - timedelta(minutes=1)
    public_entry.save(update_fields=["approved_at"])
    run = _dead_run(election, silent_for=timedelta(seconds=2))
    state, _ = _page_state(client, cast["ce"], public_entry)
    assert state == "publishing"  # alive: being published
    PublishRun.objects.filter(pk=run.pk).update(
        status=PublishRun.Status.PUBLISHED, finished_at=timezone.now()
    )
    state, text = _page_state(client, cast["ce"], public_entry)
    assert (state, text) == ("live", "On the public election page.")


def test_a_blocked_run_is_not_called_publishing(election, cast):
    changed = timezone.now() - timedelta(seconds=10)
    PublishRun.objects.create(
        election=election,
        status=PublishRun.Status.BLOCKED,
        created_at=changed + timedelta(seconds=1),
        started_at=changed + timedelta(seconds=1),
        finished_at=changed + timedelta(seconds=3),
        reason="Private details found.",
    )
    assert site_state(election.pk, changed).kind == "not-published"


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_keeps_a_long_run_alive(election, cast):
    """A run that works for longer than the stale limit without a progress step (reading a
    large register, rendering a PDF) keeps beating, so it is never taken for dead."""
    run = _dead_run(election, silent_for=timedelta(minutes=5))
    started = timezone.now()
    with Heartbeat(run.pk, every=timedelta(seconds=0.05)):
        time.sleep(0.5)
    run.refresh_from_db()
    assert run.progress_at >= started  # touched while the block ran
    assert site.requeue_publish_runs() == 0


@pytest.mark.django_db(transaction=True)
def test_progress_is_seen_at_once_and_never_loosens_a_callers_transaction(election):
    """A run's progress is written without waiting for the disk on PostgreSQL (publish.
    _progress: synchronous_commit off for that write only): it is there to read at once, the
    session's own setting is untouched after it, and inside a caller's transaction the write
    is an ordinary part of it (SET LOCAL would loosen the whole transaction's commit)."""
    from django.db import connection, transaction

    from publishing.site import publish as publish_module

    run = PublishRun.objects.create(
        election=election, status=PublishRun.Status.RUNNING, created_at=timezone.now()
    )

    def synchronous_commit() -> str | None:
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    setting = synchronous_commit()
    assert setting in (None, "on")
    publish_module._progress(run, "Reading the published entries")
    assert PublishRun.objects.get(pk=run.pk).progress == "Reading the published entries"
    assert synchronous_commit() == setting
    with transaction.atomic():
        publish_module._progress(run, "Switching to version 2")
        assert synchronous_commit() == setting  # the caller's transaction as it was
    assert PublishRun.objects.get(pk=run.pk).progress == "Switching to version 2"


def test_the_run_that_finished_last_is_what_the_page_shows(election):
    """A run queued just before a rollback claimed (its time taken, its row not yet
    committed) publishes after the rollback: the page shows its version, so the change is
    live, although the rollback's row is the newer by when it was made."""
    changed = timezone.now() - timedelta(minutes=10)

    def run(version: str, made: int, finished: int, **fields) -> PublishRun:
        fields.setdefault("status", PublishRun.Status.PUBLISHED)
        fields.setdefault("finished_at", changed + timedelta(minutes=finished))
        return PublishRun.objects.create(
            election=election,
            version=version,
            created_at=changed + timedelta(minutes=made),
            started_at=changed + timedelta(minutes=max(made, finished - 1)),
            **fields,
        )

    run("v-before", made=-5, finished=-4)
    run("v-after", made=1, finished=2)
    run("v-before", made=4, finished=5, progress="Rolled back to version v-before")
    assert site_state(election.pk, changed).kind == "rolled-back"
    # A second rollback whose process died switched nothing: still rolled back.
    run(
        "v-after",
        made=6,
        finished=6,
        status=PublishRun.Status.FAILED,
        reason="The rollback's worker stopped.",
        progress="Rolling back to version v-after",
    )
    assert site_state(election.pk, changed).kind == "rolled-back"
    # A third one's process died a minute ago: nothing takes a rollback over (the requeue
    # records it within seconds), so it is not "delayed" meanwhile.
    silent = run(
        "",
        made=6,
        finished=6,
        status=PublishRun.Status.RUNNING,
        progress="Rolling back to version v-after",
        finished_at=None,
    )
    PublishRun.objects.filter(pk=silent.pk).update(
        progress_at=timezone.now() - timedelta(minutes=1)
    )
    assert site_state(election.pk, changed).kind == "rolled-back"
    silent.delete()
    # Queued just before the rollback claimed, run after it: blocked, so not on the page, and
    # not put back by it either.
    late = run(
        "", made=3, finished=8, status=PublishRun.Status.BLOCKED, reason="Private details found."
    )
    assert site_state(election.pk, changed).kind == "not-published"
    late.delete()
    run("v-queued", made=3, finished=8)
    assert site_state(election.pk, changed).kind == "live"
