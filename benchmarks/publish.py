"""Publishing one more entry into 100, 1,000 and 10,000 published entries (issue 5; issue 7 item 3).

For each size: an election whose register holds that many answered requests (fictional
requesters, so the leak scan has real identifiers to look for) each with its published public
entry; the site is published once in full (timed once, reported as "first full publish"); then,
``RUNS`` times, what a user waits for after approving (issue 17, item 3): one more answered
request is prepared for publication through the services (`prepare_public_entry`, with its
private texts and redactions) and submitted by one person (untimed), then approved by another
with `approve_and_publish`, which queues the publish run, and the real Celery task
(`task_publish_site`, run in this process: Celery's eager mode) renders, checks and switches
the site. Timed from the approval to the task's end; then the register PDF's step that run
asked for is made by a process of its own (benchmarks/pdf_step.py), as another worker makes
it in production, so the next approval reads a live manifest this process did not write. The
figure is the median of those runs, and the ratio of the two medians.

Needs a configured Django and a migrated database (``python -m benchmarks`` provides both); it
writes the site into a temporary folder and deletes what it created afterwards.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess  # nosec B404 - this interpreter running our own module
import sys
import tempfile
import time
from datetime import timedelta

from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from benchmarks.common import Figure, peak_rss_mb
from election_protocol.calendar import first_possible_poll

# The ratio is of the first and the last; the middle one gives the first publish at 1,000 too
# (issue 16, item 4).
SIZES = (100, 1_000, 10_000)
# For working on this benchmark only (never in `make bench`, which writes PERFORMANCE.md):
# e.g. BENCH_PUBLISH_SIZES=100,1000.
if os.environ.get("BENCH_PUBLISH_SIZES"):
    SIZES = tuple(int(n) for n in os.environ["BENCH_PUBLISH_SIZES"].split(","))
RUNS = 3
# The register's PDF is rendered in a step of its own, outside the publishing lock: one file
# up to pages.PDF_PART_SIZE entries, beyond that an index and parts (one per topic, a large
# topic in several), so one more entry re-renders one part and the index. Its first full
# render is done (untimed) before the runs; each run's PDF step is timed at every size.
NAME = "publish"

TOPICS = [
    "Neighbourhood policing",
    "Rural crime",
    "Victims' services",
    "Road safety",
    "Budget and precept",
    "Fire prevention",
    "Custody",
    "Youth services",
    "Domestic abuse",
    "Police and crime plan",
]
FIRST = ["Avery", "Blake", "Carys", "Dylan", "Eira", "Finley", "Gwen", "Harri", "Iolo", "Jude"]
LAST = ["Ashdown", "Brightwell", "Cogan", "Dunmore", "Everleigh", "Fairbairn", "Gillow", "Hebden"]


def _make_election(size: int):
    from election_protocol.models import Election

    prefix = f"B{size % 100_000:05d}"[:6]
    for leftover in Election.objects.filter(reference_prefix=prefix):  # an interrupted run's
        _cleanup(leftover)
    return Election.objects.create(
        area="Benchshire",
        office="pcc",
        office_name="Office of the Police and Crime Commissioner for Benchshire",
        reference_prefix=prefix,
        poll_date=first_possible_poll(timezone.localdate() + timedelta(days=21)),
        police_force_name="Benchshire Police",
        paro_name="Benchshire Council",
        paro_email="paro@benchshire.example.org",
        paro_phone="07700 900100",
        spoc_name="Election SPOC",
        spoc_email="spoc@benchshire.example.org",
        spoc_phone="07700 900101",
    )


def _add_entries(election, users, start: int, count: int, rng: random.Random) -> None:
    """Bulk-create `count` answered register entries numbered from `start`, each with its
    published public entry (what prepare + approve leave behind, without the per-row work)."""
    from publishing import rules
    from publishing.models import PublicEntry
    from requests_register.models import Entry

    user, approver = users
    now = timezone.now()
    entries, public = [], []
    for number in range(start, start + count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        topic = rng.choice(TOPICS)
        reference = f"{election.reference_prefix}-{number:05d}"
        question = (
            f"How many officers will work on {topic.lower()} next year, and how will the "
            f"office measure the results? Asked by {first} {last}."
        )
        answer = (
            "The force will publish its deployment plan in May. The commissioner's office "
            f"answered this question about {topic.lower()} in the same terms to every candidate."
        )
        entries.append(
            Entry(
                election=election,
                number=number,
                reference=reference,
                received_at=now - timedelta(days=3),
                channel="email",
                kind="question",
                topic=topic,
                question=question,
                requester_type="public",
                requester_name=f"{first} {last}",
                requester_email=f"{first.lower()}.{last.lower()}.{number}@example.org",
                requester_phone=f"07700 900{number % 1000:03d}",
                treated_as="routine",
                status="answered",
                target_date=timezone.localdate(),
                answer=answer,
                answered_at=now - timedelta(days=1),
                created_by=user,
            )
        )
    Entry.objects.bulk_create(entries, batch_size=2000)
    for entry in entries:
        public.append(
            PublicEntry(
                kind=rules.Kind.REGISTER_ANSWER,
                entry=entry,
                election=election,
                number=entry.number,
                reference=entry.reference,
                topic=entry.topic,
                received_on=entry.received_at.date(),
                answered_on=entry.answered_at.date(),
                answering_body=PublicEntry.AnsweringBody.OFFICE,
                question=entry.question.split(" Asked by")[0],
                answer=entry.answer,
                status=rules.Status.PUBLISHED,
                published_at=now,
                prepared_by=user,
                prepared_at=now,
                approved_by=approver,
                approved_at=now,
                factual_confirmed=True,
            )
        )
    PublicEntry.objects.bulk_create(public, batch_size=2000)


def _one_size(size: int, users) -> dict:

    rng = random.Random(size)  # noqa: S311 - fictional data, not security
    with transaction.atomic():
        election = _make_election(size)
        _add_entries(election, users, 1, size, rng)
    from benchmarks import data

    data.settle()
    try:
        return _timed(election, size, users, rng)
    finally:
        _cleanup(election)


def _timed(election, size: int, users, rng: random.Random) -> dict:
    """Publish once as after an approval (everything but the register's PDF, whose stand-ins
    are published), render the PDF in full (its own step), then RUNS times: one more entry,
    the run an approval starts, and the PDF step that follows it (in a process of its own)."""
    from publishing.models import PublicEntry
    from publishing.site import publish as publish_module

    asked = []
    real_enqueue = publish_module.enqueue_slow_files
    publish_module.enqueue_slow_files = asked.append  # the PDF step is timed on its own below
    try:
        start = time.perf_counter()
        first = publish_module.publish_site(election, slow="defer")
        first_seconds = time.perf_counter() - start
        # The first PDF (every part) in a process of its own, as a worker renders it: its
        # time and its own peak memory (this process holds the whole register it built).
        first_pdf = _pdf_step_in_a_child(election.pk)
        first_pdf_seconds = first_pdf["seconds"]
        times, rendered, pdf_times, pdf_files = [], [], [], []
        for run in range(RUNS):
            public_entry = _prepared_entry(election, users, size + 1 + run, rng)
            asked.clear()
            start = time.perf_counter()
            publish_run = _approve(public_entry, users[1])
            times.append(time.perf_counter() - start)
            # No figure unless the approval's own run published the site.
            assert publish_run.status == "published", publish_run.reason  # noqa: S101
            assert PublicEntry.objects.get(pk=public_entry.pk).status == "published"  # noqa: S101
            assert asked == [election.pk], asked  # noqa: S101 - the PDF step was asked for
            rendered.append(publish_run.files_rendered)
            # The register PDF's step, in a process of its own as another worker runs it in
            # production: the next approval reads a manifest this process did not write.
            pdf_times.append(_pdf_step_in_a_child(election.pk)["seconds"])
            pdf_files.append(_pdf_files_rendered(election))
        # A worker's first run after a start: nothing kept from earlier runs in this process
        # (the rows, the whole-register files' pieces, readings, identifiers, the stand-in).
        publish_module.forget_kept()
        public_entry = _prepared_entry(election, users, size + 1 + RUNS, rng)
        start = time.perf_counter()
        cold_run = _approve(public_entry, users[1])
        cold = time.perf_counter() - start
        assert cold_run.status == "published", cold_run.reason  # noqa: S101
    finally:
        publish_module.enqueue_slow_files = real_enqueue
    return {
        "cold": cold,
        "first": first_seconds,
        "first_files": first.files,
        "median": statistics.median(times),
        "rendered": statistics.median(rendered),
        "files": publish_run.files_written,
        "first_pdf": first_pdf_seconds,
        "pdf": statistics.median(pdf_times),
        "pdf_files": max(pdf_files),
        "first_pdf_rss_mb": first_pdf["peak_rss_mb"],
        # The process's peak resident memory so far: the register built, the runs and their
        # leak scans (the PDF steps are processes of their own).
        "peak_rss_mb": peak_rss_mb(),
    }


def _pdf_step_in_a_child(election_id: int) -> dict:
    """Run the register PDF's step (publish_slow_files) in a new Python process on the same
    database and site folder (benchmarks/pdf_step.py); return its outcome, time and peak RSS."""
    from django.conf import settings

    env = {**os.environ, "PUBLIC_SITE_ROOT": str(settings.PUBLIC_SITE_ROOT)}
    done = subprocess.run(  # noqa: S603 - this interpreter, our own module and an id
        [sys.executable, "-m", "benchmarks.pdf_step", str(int(election_id))],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=3600,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["outcome"] == "published", result  # noqa: S101 - no figure without the PDF
    return result


def _prepared_entry(election, users, number: int, rng: random.Random):
    """Return a public entry awaiting approval, made as staff make one: an answered request
    (a fictional requester, so the leak scan has their details to look for), prepared for
    publication by the services (anonymised texts, private texts, redactions) and submitted
    by the preparer."""
    from publishing import services
    from publishing.preparation import prepare_public_entry
    from requests_register.models import Entry

    preparer = users[0]
    first, last = rng.choice(FIRST), rng.choice(LAST)
    topic = rng.choice(TOPICS)
    now = timezone.now()
    entry = Entry.objects.create(
        election=election,
        number=number,
        reference=f"{election.reference_prefix}-{number:05d}",
        received_at=now - timedelta(days=3),
        channel="email",
        kind="question",
        topic=topic,
        question=(
            f"I am {first} {last} of 4 Mill Lane. How many officers will work on "
            f"{topic.lower()} next year? Reply to {first.lower()}.{last.lower()}@example.org."
        ),
        requester_type="public",
        requester_name=f"{first} {last}",
        requester_email=f"{first.lower()}.{last.lower()}.{number}@example.org",
        requester_phone=f"07700 900{number % 1000:03d}",
        treated_as="routine",
        status="sent",
        target_date=timezone.localdate(),
        answer=(
            f"Thank you, {first}. The force will publish its deployment plan in May, in the "
            f"same terms to every candidate, on {topic.lower()} as on every other topic."
        ),
        answered_at=now - timedelta(days=1),
        created_by=preparer,
    )
    public_entry = prepare_public_entry(entry, preparer)
    return services.submit_for_approval(public_entry.pk, preparer)


def _approve(public_entry, approver):
    """Approve `public_entry` as the second person does, and return the publish run it
    started, once the real task (publishing.tasks.task_publish_site) has finished it.

    approve_and_publish queues the run after commit and enqueues the task; in Celery's eager
    mode the task runs there and then, in this process, so the time measured is the
    approver's call through to the site switched. The register PDF's own step, which the run
    enqueues after it, is left to the caller (timed on its own)."""
    from election_protocol.celery import app
    from publishing import services
    from publishing.models import PublishRun

    latest = PublishRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    try:
        services.approve_and_publish(public_entry.pk, approver, factual_confirmed=True)
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = saved
    return PublishRun.objects.filter(election=public_entry.election, pk__gt=latest).get()


def _pdf_files_rendered(election) -> int:
    """Return how many files the latest run (the register PDF's step) rendered: the PDF's
    parts due and the downloads an approval left behind (pages.base.Output.behind)."""
    from publishing.models import PublishRun

    run = PublishRun.objects.filter(election=election).order_by("-pk").first()
    return run.files_rendered if run else 0


def _cleanup(election) -> None:
    from publishing.models import Correction, PublicEntry, PublicRedaction, PublishRun
    from requests_register.models import Entry

    Correction.objects.filter(public_entry__election=election).delete()
    PublicRedaction.objects.filter(public_entry__election=election).delete()
    PublishRun.objects.filter(election=election).delete()
    PublicEntry.objects.filter(election=election).delete()
    Entry.objects.filter(election=election).delete()
    # Deleting records history rows: remove those (the bench's fictional requesters) last.
    PublicEntry.history.model.objects.filter(election_id=election.pk).delete()
    Entry.history.model.objects.filter(election_id=election.pk).delete()
    election.delete()


def measure() -> list[Figure]:
    from django.contrib.auth import get_user_model

    from benchmarks import data

    data.reset()  # nothing of the other benchmarks' registers (their identifiers are scanned)

    users = [
        get_user_model().objects.get_or_create(username=name)[0]
        for name in ("bench-preparer", "bench-approver")
    ]
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-public-site-") as root:
        from django.conf import settings

        storages = {
            **settings.STORAGES,
            "public_site": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": root, "base_url": "/election/"},
            },
        }
        with override_settings(PUBLIC_SITE_ROOT=root, STORAGES=storages):
            for size in SIZES:
                results[size] = _one_size(size, users)
    small, large = results[SIZES[0]], results[SIZES[-1]]
    how = (
        f"median of {RUNS} runs, each after one more entry and the register PDF's step of the "
        "run before, made by a process of its own as another worker makes it"
    )
    figures = []
    for size in SIZES:
        r = results[size]
        figures += [
            Figure(
                NAME,
                f"first publish, {size:,} entries ({r['first_files']:,} files, PDF to follow)",
                r["first"],
                "s",
                "once",
            ),
            Figure(
                NAME,
                f"one more entry into {size:,}: an approval, approve_and_publish through its "
                f"publish task ({r['rendered']:,.0f} of {r['files']:,} files rendered)",
                r["median"],
                "s",
                how,
            ),
        ]
        figures += [
            Figure(
                NAME,
                f"one more entry into {size:,}, a worker's first run (nothing kept from "
                "earlier runs)",
                r["cold"],
                "s",
                "once, after forget_kept(): the rows, pieces, readings, identifiers and "
                "stand-in a worker keeps between runs",
            ),
            Figure(
                NAME,
                f"first PDF, {size:,} entries (its own step, every part)",
                r["first_pdf"],
                "s",
                "once, in a process of its own as a worker runs it; outside the publishing lock",
            ),
            Figure(
                NAME,
                f"peak memory (RSS) of the register PDF's step, {size:,} entries (every part)",
                r["first_pdf_rss_mb"],
                "MB",
                "that process's own high-water mark (VmHWM; getrusage would count the benchmark's"
                " process, which starts it): Django, the register read and WeasyPrint's layout of"
                " the largest part",
            ),
            Figure(
                NAME,
                f"one more entry into {size:,}: the register PDF's own step "
                f"({r['pdf_files']} files rendered: its PDFs and the downloads left behind)",
                r["pdf"],
                "s",
                f"median of {RUNS} runs, each in a process of its own after one more entry (the "
                "step's own time, not the process's start); outside the publishing lock",
            ),
            Figure(
                NAME,
                f"peak memory (RSS) of the process after {size:,} entries",
                r["peak_rss_mb"],
                "MB",
                "the highest so far in this process (VmHWM); the PDF steps are processes of "
                "their own, above",
            ),
        ]
    figures += [
        Figure(
            NAME,
            f"an approval through its publish task, ratio {SIZES[-1]:,} : {SIZES[0]:,}",
            large["median"] / small["median"],
            "x",
            "the two medians above",
        ),
        # What the ratio stands for, by itself: making every approval faster by the same
        # time (work that does not grow with the register) raises the ratio; this it leaves.
        Figure(
            NAME,
            f"an approval through its publish task, growth from {SIZES[0]:,} to {SIZES[-1]:,}",
            (large["median"] - small["median"]) * 1000,
            "ms",
            "the two medians above, the smaller from the larger",
        ),
    ]
    return figures
