"""The benchmark harness: what it may wipe, and that its do-nothing view stays out of the site."""

from __future__ import annotations

import json
import mmap
import re
import subprocess  # nosec B404 - this interpreter and our own module
import sys
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

from benchmarks import data
from benchmarks.__main__ import BENCHMARKS, NOTES, table
from benchmarks.common import Figure


def test_the_do_nothing_view_exists_only_in_the_benchmark_urls():
    assert resolve("/bench/nothing/", urlconf="benchmarks.urls").url_name == "bench_nothing"
    assert resolve("/register/", urlconf="benchmarks.urls").url_name == "list"
    with pytest.raises(Resolver404):
        resolve("/bench/nothing/")  # the project's own ROOT_URLCONF


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "postgres://postgres@127.0.0.1:5432/election_spoc_bench"),
        (
            {"DATABASE_URL": "postgres://u@db:5432/election_spoc"},
            "postgres://u@db:5432/election_spoc_bench",
        ),
        (
            {
                "DATABASE_URL": "postgres://u@db:5432/election_spoc",
                "BENCH_DATABASE_URL": "postgres://u@db:5432/scratch",
            },
            "postgres://u@db:5432/scratch",
        ),
    ],
)
def test_the_benchmarks_never_wipe_the_configured_database(monkeypatch, env, expected):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("BENCH_DATABASE_URL", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert data.bench_database_url() == expected


def test_the_benchmarks_refuse_anything_but_postgresql(monkeypatch):
    monkeypatch.setenv("BENCH_DATABASE_URL", "sqlite:///var/db.sqlite3")
    with pytest.raises(SystemExit, match="PostgreSQL"):
        data.bench_database_url()


def test_the_runner_lists_every_benchmark_of_the_issue():
    assert BENCHMARKS == ["register", "publish", "anonymise", "throughput", "export", "cold_demo"]


def test_the_notes_hold_no_figure_of_their_own():
    # Every number in PERFORMANCE.md comes from the run's table (issue 17, item 2): prose
    # written once and rewritten unchanged by every run would go on quoting old figures.
    assert set(NOTES) == set(BENCHMARKS)
    for name, note in NOTES.items():
        assert not re.search(r"\d", note), f"a figure in the {name} note"


def test_the_table_has_one_row_per_figure():
    rows = table([Figure("Register list", "queries per page", 19, "queries", "GET")])
    assert rows.splitlines()[-1] == "| Register list | queries per page | 19 | queries | GET |"


def test_the_anonymiser_comparison_measures_both_on_the_same_text():
    # What is measured, not who wins (issue 17, item 1): both anonymisers ran on the same text
    # and found something; the counts are counts of what was planted. Ours must leave nothing
    # and keep the public contacts and ordinary words: that is the product's own requirement.
    from benchmarks import anonymise as bench

    subjects = bench.build_subjects()
    text = bench.build_text(subjects)
    ours = bench.anonymise(text, subjects, bench.KEEP).text
    theirs, spans = bench.presidio_anonymise(bench.presidio_analyzer(subjects), text)
    planted = bench.leftovers(text, subjects)
    assert planted > 500
    assert bench.leftovers(ours, subjects) == 0
    assert bench.public_lost(ours) == 0 and bench.ordinary_lost(text, ours) == 0
    assert spans > 0 and theirs != text
    assert 0 <= bench.leftovers(theirs, subjects) < planted
    assert 0 <= bench.public_lost(theirs) <= len(bench.KEEP)


def test_presidio_is_given_every_identifier_our_anonymiser_is_given():
    from benchmarks import anonymise as bench

    subjects = bench.build_subjects()
    engine = bench.presidio_analyzer(subjects)
    deny = {
        word
        for recognizer in engine.registry.recognizers
        for word in (getattr(recognizer, "deny_list", None) or [])
    }
    for s in subjects:
        given = [s.name, *s.aliases, *s.emails, *s.phones, *s.addresses, *s.handles, *s.websites]
        if s.party:
            given += [s.party, *s.party_short_forms]
        assert set(given) <= deny, s.name


@pytest.mark.django_db
def test_a_bulk_load_makes_the_staff_pages_kept_counts_stale(monkeypatch, settings):
    """bulk_create sends no signal: the builders' settle() must make the kept counts stale, or
    the register benchmark reads the small register's size at 100,000 entries (it did)."""
    from contextlib import nullcontext
    from unittest.mock import MagicMock

    from django.core.cache import cache
    from django.db import connection

    from benchmarks import data
    from election_protocol import staff_counts

    settings.STAFF_COUNTS_CACHE = True
    monkeypatch.setattr(connection, "cursor", lambda: nullcontext(MagicMock()))
    cache.set(staff_counts.VERSION_KEY, "before", None)
    data.settle()
    assert cache.get(staff_counts.VERSION_KEY) not in (None, "before")


def test_a_process_started_by_a_large_one_reports_its_own_peak_memory():
    # The register PDF's step is started by the publish benchmark, which holds a whole
    # register: getrusage's ru_maxrss in the step counts that process's memory (Linux keeps
    # the old memory's high-water mark at exec), so the step's figure was the benchmark's.
    held = bytearray(256 * 1024 * 1024)
    held[:: mmap.PAGESIZE] = b"\1" * len(range(0, len(held), mmap.PAGESIZE))  # resident
    child = subprocess.run(  # nosec B603 - this interpreter and our own module
        [
            sys.executable,
            "-c",
            "import json, resource; from benchmarks.common import peak_rss_mb; "
            "print(json.dumps([peak_rss_mb(), "
            "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    own, getrusage = json.loads(child.stdout)
    del held
    assert getrusage >= 256  # the pitfall itself: the parent's memory
    assert 0 < own < 128  # a bare interpreter's own
