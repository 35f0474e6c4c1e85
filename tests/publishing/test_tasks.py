"""The publishing task and its safety nets: eager Celery, as the demo runs it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from kombu.exceptions import OperationalError

from publishing import services, site
from publishing.models import PublishRun
from publishing.site import publish as publish_module
from publishing.site import scan
from publishing.site.target import default_target
from publishing.tasks import (
    task_publish_site,
    task_publish_slow_files,
    task_requeue_publish_runs,
)
from tests.builders import NOW, answered, published
from tests.clock import frozen_clock

pytestmark = pytest.mark.usefixtures("_frozen")


_frozen = frozen_clock(NOW)


def test_an_approval_publishes_the_site_after_commit(
    election, cast, django_capture_on_commit_callbacks
):
    entry = services.prepare_public_entry(answered(election, cast), cast["spoc"])
    services.submit_for_approval(entry.pk, cast["spoc"])
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_and_publish(entry.pk, cast["ce"], False, NOW)
    # The approval's run publishes at once with the register PDF's stand-in; the slow step
    # then renders the whole-register PDF outside the lock and publishes it in a run of its own.
    run, pdf_run = PublishRun.objects.order_by("pk")
    assert run.status == PublishRun.Status.PUBLISHED and run.attempts == 1
    assert "register PDF follows" in run.progress
    assert pdf_run.status == PublishRun.Status.PUBLISHED
    assert pdf_run.version == default_target().current_version()
    live = default_target().current_path
    assert "Eight officers" in (live / f"entries/{entry.reference}.html").read_text()
    pdf_text = "\n".join(scan.readings("register.pdf", (live / "register.pdf").read_bytes()))
    assert entry.reference in pdf_text and "being brought up to date" not in pdf_text
    assert site.publish_slow_files(election.pk) == "up to date"


def test_the_task_is_idempotent(election, cast, django_capture_on_commit_callbacks):
    published(election, cast)
    with django_capture_on_commit_callbacks(execute=True):
        run = site.schedule_publish(election.pk)
    run.refresh_from_db()
    assert run.status == "published"
    assert PublishRun.objects.count() == 2  # the run, and the register PDF's own
    assert task_publish_site.delay(run_id=run.pk).get() == "skipped"
    assert task_publish_site.delay(run_id=999_999).get() == "skipped"
    assert task_publish_slow_files.delay(election_id=election.pk).get() == "up to date"
    assert PublishRun.objects.count() == 2


def test_a_second_request_joins_the_queued_run(election, cast):
    first = site.schedule_publish(election.pk)  # on_commit never runs: it stays queued
    second = site.schedule_publish(election.pk)
    assert first.pk == second.pk and first.status == "queued"


def test_a_broker_outage_leaves_the_run_queued_for_the_beat(
    election, cast, monkeypatch, django_capture_on_commit_callbacks
):
    published(election, cast)

    def broker_down(**kwargs):
        raise OperationalError("Redis is down")

    monkeypatch.setattr(task_publish_site, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        run = site.schedule_publish(election.pk)
    run.refresh_from_db()
    assert run.status == "queued" and default_target().current_version() is None
    monkeypatch.undo()
    assert site.requeue_publish_runs(now=timezone.now() + timedelta(seconds=30)) == 0
    with time_machine.travel(NOW + timedelta(minutes=3), tick=False):
        assert task_requeue_publish_runs.delay().get() == 1
    run.refresh_from_db()
    assert run.status == "published"


def test_a_run_left_running_by_a_dead_worker_is_taken_over(election, cast):
    published(election, cast)
    run = PublishRun.objects.create(
        election=election,
        status="running",
        created_at=NOW - timedelta(hours=1),
        started_at=NOW - timedelta(hours=1),
        progress_at=NOW - timedelta(minutes=20),
        attempts=1,
    )
    # While it holds the lock, another run waits its turn.
    waiting = PublishRun.objects.create(election=election, created_at=NOW - timedelta(minutes=5))
    with pytest.raises(site.PublishBusy):
        site.run_publish(waiting.pk)
    assert site.requeue_publish_runs(now=NOW) == 2
    run.refresh_from_db()
    waiting.refresh_from_db()
    assert run.status == "published" and run.attempts == 2
    assert waiting.status == "published"


def test_a_storage_error_is_retried_then_given_up(election, cast, monkeypatch):
    published(election, cast)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(publish_module, "publish_site", disk_full)
    run = PublishRun.objects.create(election=election, created_at=NOW)
    with pytest.raises(site.TransientPublishError):
        site.run_publish(run.pk)
    run.refresh_from_db()
    assert (run.status, run.attempts) == ("queued", 1)
    assert "No space left on device" in run.progress
    PublishRun.objects.filter(pk=run.pk).update(attempts=publish_module.MAX_ATTEMPTS - 1)
    with pytest.raises(OSError):
        site.run_publish(run.pk)
    run.refresh_from_db()
    assert run.status == "failed" and "gave up" in run.reason


def test_an_unexpected_error_fails_the_run_without_quoting_it(election, cast, monkeypatch):
    published(election, cast)

    def broken(*args, **kwargs):
        raise ValueError("Dorothy Pennington-Smythe broke it")

    monkeypatch.setattr(publish_module, "publish_site", broken)
    run = PublishRun.objects.create(election=election, created_at=NOW)
    with pytest.raises(ValueError):
        task_publish_site.delay(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == "failed"
    assert "ValueError" in run.reason and "Dorothy" not in run.reason


def test_the_register_pdf_follows_in_a_step_of_its_own(
    election, cast, monkeypatch, django_capture_on_commit_callbacks
):
    """At 10,000 entries the whole-register PDF takes minutes: a run after an approval
    publishes a one-page stand-in (no entry in it) and the slow step replaces it; if the data
    moved on while the PDF was rendering, the stand-in stays and the step is asked again."""
    first = published(election, cast)
    result = site.publish_site(election, slow="defer")
    live = default_target().current_path
    stand_in = "\n".join(scan.readings("register.pdf", (live / "register.pdf").read_bytes()))
    assert result.slow_pending == ["register.pdf"]
    assert "being brought up to date" in stand_in and first.reference not in stand_in

    enqueued = []
    monkeypatch.setattr(publish_module, "enqueue_slow_files", enqueued.append)
    real_plan = publish_module.pages.plan_site
    calls = []

    def plan_then_publish_another(data, *, now):
        # The first plan is the slow step's render; an approval lands before it publishes.
        calls.append(1)
        outputs = real_plan(data, now=now)
        if len(calls) == 1:
            published(election, cast, topic="Road safety")
        return outputs

    monkeypatch.setattr(publish_module.pages, "plan_site", plan_then_publish_another)
    with django_capture_on_commit_callbacks(execute=True):
        assert site.publish_slow_files(election.pk) == "published"
    monkeypatch.undo()
    stand_in = "\n".join(scan.readings("register.pdf", (live / "register.pdf").read_bytes()))
    assert "being brought up to date" in stand_in  # the rendered PDF was out of date: not used
    # ... and the step is asked again for the newer data (by the slow step's run, and by the
    # approval's own run, which published the stand-in as well)
    assert enqueued and set(enqueued) == {election.pk}

    assert site.publish_slow_files(election.pk) == "published"
    full = "\n".join(scan.readings("register.pdf", (live / "register.pdf").read_bytes()))
    assert first.reference in full and "being brought up to date" not in full
    assert site.publish_slow_files(election.pk) == "up to date"


def test_the_beat_asks_again_for_a_stand_in_left_live(election, cast, monkeypatch):
    """The broker was down, or the worker died or failed while rendering the register PDF:
    the beat's requeue asks for the slow step again once the stand-in is older than the grace."""
    published(election, cast)
    asked = []
    monkeypatch.setattr(publish_module, "enqueue_slow_files", lambda pk: asked.append(pk) or True)
    assert site.publish_site(election, slow="defer").slow_pending == ["register.pdf"]
    assert site.requeue_publish_runs(now=NOW + timedelta(seconds=30)) == 0 and asked == []
    assert site.requeue_publish_runs(now=NOW + timedelta(minutes=3)) == 1
    assert asked == [election.pk]
    monkeypatch.undo()
    assert site.publish_slow_files(election.pk) == "published"
    asked.clear()
    assert site.requeue_publish_runs(now=NOW + timedelta(minutes=9)) == 0 and asked == []


def test_the_pdf_step_keeps_each_rendered_part_on_disk_and_leaves_nothing_behind(
    election, cast, monkeypatch, tmp_path
):
    """The slow step holds one part in memory at a time: each part it renders goes to a spool
    folder of its own (read back by the run that publishes it), and the folder is removed when
    the step ends, published or failed (issue 16, item 2: the step's memory is bounded)."""
    import tempfile

    from publishing.site import slow

    first = published(election, cast)
    monkeypatch.setattr(publish_module, "enqueue_slow_files", lambda pk: True)
    assert site.publish_site(election, slow="defer").slow_pending == ["register.pdf"]
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    seen = {}
    real_publish = slow._publish_prerendered

    def publish_from_the_spool(election, prerendered):
        ready = prerendered["register.pdf"]
        seen["files"] = sorted(p.name for p in ready.folder.iterdir())
        seen["html"] = ready.source_html
        return real_publish(election, prerendered)

    monkeypatch.setattr(slow, "_publish_prerendered", publish_from_the_spool)
    assert site.publish_slow_files(election.pk) == "published"
    assert seen["files"] == ["0.bin", "0.html", "0.readings.json"]
    assert first.reference in seen["html"]
    assert list(tmp_path.iterdir()) == []  # the spool is gone
    live = default_target().current_path
    full = "\n".join(scan.readings("register.pdf", (live / "register.pdf").read_bytes()))
    assert first.reference in full and "being brought up to date" not in full

    published(election, cast, topic="Road safety")
    # The downloads only gained an entry: the same step makes them (Output.behind).
    assert sorted(site.publish_site(election, slow="defer").slow_pending) == [
        "register.csv",
        "register.json",
        "register.pdf",
        "search-index.json",
    ]

    def crash(html):
        raise RuntimeError("worker out of memory")

    monkeypatch.setattr(site.pages.pdf, "render_pdf", crash)
    with pytest.raises(RuntimeError):
        site.publish_slow_files(election.pk)
    assert list(tmp_path.iterdir()) == []  # a failed render leaves no spool either


@pytest.mark.parametrize("pdf_due", [True, False])
def test_a_write_past_the_fingerprint_trigger_is_published_after_the_pdf_step(
    election, cast, django_capture_on_commit_callbacks, monkeypatch, pdf_due
):
    """PostgreSQL: a public value written while the trigger did not fire (replica mode) is
    found by the register PDF's step, and published: by the step's own run when the PDF
    changed too, else by a run the step asks for."""
    from django.db import connection

    from publishing.models import PublicEntry
    from publishing.site import slow

    entry = published(election, cast)
    with django_capture_on_commit_callbacks(execute=True):
        site.schedule_publish(election.pk)
    assert site.publish_slow_files(election.pk) == "up to date"
    if connection.vendor != "postgresql":  # no fingerprint kept: every run reads every row
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        try:
            PublicEntry.objects.filter(pk=entry.pk).update(answer="Nine officers, revised.")
        finally:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    runs = PublishRun.objects.count()
    if not pdf_due:  # nothing for the step to render: it asks for a run instead
        monkeypatch.setattr(slow, "_render_due", lambda *args: {})
    with django_capture_on_commit_callbacks(execute=True):
        outcome = site.publish_slow_files(election.pk)
    assert outcome == ("published" if pdf_due else "up to date")
    assert PublishRun.objects.count() > runs
    live = default_target().current_path
    assert "Nine officers, revised." in (live / f"entries/{entry.reference}.html").read_text()
