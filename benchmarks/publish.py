"""Publishing one more entry into 100 and into 10,000 published entries (issue 5; issue 7 item 3).

For each size: an election whose register holds that many answered requests (fictional
requesters, so the leak scan has real identifiers to look for) each with its published public
entry; the site is published once in full (timed once, reported as "first full publish"); then,
``RUNS`` times, one more entry is published and the site published again, which is what happens
after every approval. The figure is the median of those runs, and the ratio of the two medians.

Needs a configured Django and a migrated database (``python -m benchmarks`` provides both); it
writes the site into a temporary folder and deletes what it created afterwards.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from datetime import timedelta

from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from benchmarks.common import Figure
from election_protocol.calendar import first_possible_poll

SIZES = (100, 10_000)
RUNS = 3
# The whole-register PDF is WeasyPrint laying out every answer: about 90 pages and 15 s per
# 1,000 entries here, growing faster than the register. It is rendered in a step of its own,
# outside the publishing lock; timed here up to this size (benchmarks.export times the PDF
# of 1,000 entries too).
PDF_UP_TO = 1_000
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
    """Publish once as after an approval (everything but the whole-register PDF, whose stand-in
    is published), then RUNS times: one more entry and the run an approval starts. The
    register PDF's own step is timed at sizes up to PDF_UP_TO only (see the module's note)."""
    from publishing.site import publish as publish_module

    asked = []
    real_enqueue = publish_module.enqueue_slow_files
    publish_module.enqueue_slow_files = asked.append  # the PDF step is timed on its own below
    try:
        start = time.perf_counter()
        first = publish_module.publish_site(election, slow="defer")
        first_seconds = time.perf_counter() - start
        times, rendered, pdf_times = [], [], []
        for run in range(RUNS):
            with transaction.atomic():
                _add_entries(election, users, size + 1 + run, 1, rng)
            start = time.perf_counter()
            result = publish_module.publish_site(election, slow="defer")
            times.append(time.perf_counter() - start)
            assert result.status == "published", result.reason  # noqa: S101 - no figure else
            assert result.slow_pending == ["register.pdf"], result.slow_pending  # noqa: S101
            rendered.append(len(result.rendered))
            if size <= PDF_UP_TO:
                start = time.perf_counter()
                assert publish_module.publish_slow_files(election.pk) == "published"  # noqa: S101
                pdf_times.append(time.perf_counter() - start)
    finally:
        publish_module.enqueue_slow_files = real_enqueue
    return {
        "first": first_seconds,
        "first_files": first.files,
        "median": statistics.median(times),
        "rendered": statistics.median(rendered),
        "files": result.files,
        "pdf": statistics.median(pdf_times) if pdf_times else None,
    }


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
    small, large = (results[s] for s in SIZES)
    how = f"median of {RUNS} runs, each after one more entry"
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
                f"one more entry into {size:,}: the approval's run ({r['rendered']:,.0f} of "
                f"{r['files']:,} files rendered)",
                r["median"],
                "s",
                how,
            ),
        ]
        if r["pdf"] is not None:
            figures.append(
                Figure(
                    NAME,
                    f"one more entry into {size:,}: the register PDF's own step",
                    r["pdf"],
                    "s",
                    how + "; outside the publishing lock",
                )
            )
    figures.append(
        Figure(
            NAME,
            f"approval's run, ratio {SIZES[1]:,} : {SIZES[0]:,}",
            large["median"] / small["median"],
            "x",
            "the two medians above",
        )
    )
    return figures
