"""python -m benchmarks [NAME ...]: run the benchmarks, print one table, write PERFORMANCE.md.

With no names, every benchmark runs in a fixed order (BENCHMARKS) and docs/PERFORMANCE.md is
rewritten with the table, the machine and the date (issue 7, item 3). Every one must be there:
a missing module is an error, never a silent gap in the table. With names, only those run and
the table is printed, not written (for working on one benchmark).

Each module exposes `measure() -> list[Figure]` and may assume Django is set up on the
benchmark database (benchmarks.data.configure), which it empties first (data.reset).
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import importlib.util
import json
import os
import subprocess  # nosec B404 - our own benchmarks, run by this interpreter
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.common import Figure, machine, peak_rss_mb

BENCHMARKS = ["register", "publish", "anonymise", "throughput", "export", "cold_demo"]
DOC = Path(__file__).resolve().parent.parent / "docs" / "PERFORMANCE.md"

# What was done to make each one good, for PERFORMANCE.md. No figure here: the prose outlives
# the run, so every number in the document comes from the table of the same run (issue 17,
# item 2; a test refuses a digit in these notes).
NOTES = {
    "register": (
        "The page reads one page of rows with `select_related` for the candidate and party, so "
        "its number of queries does not grow with the register (a test asserts it for small "
        "and large registers; this benchmark compares a small and a large one). The topic "
        "choices of the filter are a loose index scan on an `(election, topic)` index (one "
        "probe per distinct topic), and the overdue and due-soon counts are one aggregate over "
        "an index range of the open entries, made once per page. The rows come from the "
        "`(election, -received_at)` index. What still grows is the paginator's exact count of "
        "the election's entries, an index-only scan: an estimate would be cheaper, but a "
        "register's size is a figure people quote."
    ),
    "publish": (
        "What an approval costs: a prepared answer approved with `approve_and_publish`, then "
        "the publish task it queues, run by Celery in the benchmark's process (eager), timed "
        "from the approval to the site switched. The register is grouped by topic with a page "
        "set per topic, so a new answer changes only its topic's last page, the register's "
        "home, its own permalink (each in English and Welsh) and the shared files (CSV, JSON, "
        "search index, an Atom feed of the latest changes). The permalinks' folders are "
        "symbolic links to generations shared between versions: an approval's run has the "
        "live generation's listing with each file's size and modification time (taken by GNU "
        "find in a process of its own under SCHED_IDLE while the run reads and plans, the "
        "first time; then kept by the worker under an inotify watch and brought up to date "
        "from the events queued since, each name reported looked at again, so a warm worker "
        "lists nothing: the listings shared the processor and its cache with the run and its "
        "database whatever their priority), carries every "
        "permalink whose key is unchanged by matching that listing against the live manifest, "
        "with no plan or stat of its own, and, when nothing there changed or went, links "
        "nothing: its new permalinks are moved into the live generation once its check has "
        "passed. Any other run links a generation's files whole with GNU cp into a generation "
        "of its own. The other files carried over from the live version are hard links (each "
        "made and looked at relative to its folder's open descriptor, not by its full path, "
        "their folders made by a process of its own; a topic's later pages are files beside its "
        "first, not a folder each, as making hundreds of folders for every version was most of "
        "the file system's time of a run) trusted by their "
        "recorded size and modification time, and leak-"
        "checked again only against identifiers recorded since, and only if the live version's "
        "summary of words, digit runs and postcodes says one could be there (the live "
        "version's check record is kept by the worker that wrote it). A file rendered "
        "again is leak-checked only where it differs from the live version's (common prefix and"
        " suffix of lines, with context), against every identifier: for the whole-register "
        "CSV, JSON and search index, whose every reading is made line by line, the lines that "
        "differ are found by comparing bytes and only they and their context are read. The "
        "register is "
        "read as plain values (no "
        "model instances), and a worker keeps the rows it last built, keyed by every value "
        "each is built from (on PostgreSQL by their fingerprint, a digest the database keeps "
        "in the row by a trigger and read, with each id, from an index that holds both in the "
        "register's order, so only new or changed entries' values are read), so a run "
        "builds and digests "
        "only new or changed rows; the CSV, "
        "JSON and search index are one entry a line, each kept by the worker as it was last "
        "written (as bytes, with each line's row digest and length), so a run makes only the "
        "lines between the rows unchanged at the start and at the end and copies the rest; "
        "the register PDF's stand-in is laid out once per worker; each row carries, "
        "from when it is built, its permalink's name and the digests of what it shows, and a "
        "key over many rows digests their digests as one text, not as JSON; a permalink's key "
        "joins halves of two digests (no hashing per page); the register's order is confirmed "
        "from the gate's, in runs of references of one shape compared in C, not sorted by ten "
        "thousand keys, and the feed's latest changes are picked with a heap, from those "
        "picked by the last run and the rows new since; the requesters' identifiers are kept "
        "whole by a worker, and only new requesters worked out; on PostgreSQL the worker keeps "
        "every requester row of the entries and their history and reads only those written "
        "since its last read (each row's transaction id against the oldest running one when "
        "it last read, with each table's count, which tells a deletion and "
        "read everything again; a requester erased puts them together again); each "
        "identifier keeps its own digest for the check records; progress is written at most "
        "once a second. "
        "The benchmark's runs are those of one warm worker, and the register PDF's step "
        "after each is made by a process of its own, as another worker makes it in "
        "production, so each run reads a live manifest it did not write; a worker's first run "
        "after a start builds every row and piece again. An approval that keeps every "
        "permalink of a folder and adds to it (the worker keeps a view of each permalinks' "
        "folder of the live manifest: each file's record, key, path and listing line) tells "
        "so by comparing its planned keys with the kept ones as one dict, and carries the "
        "folder in one step. The site's languages are read from "
        "the settings once per run, not once per page, "
        "and the register's JSON and the version's manifest are written by the json module's C "
        "encoder (indenting made it use the pure Python one), the manifest's record of each "
        "carried file serialised once per worker. A worker keeps the live "
        "version's manifest parsed, by the digest of its file, and one written by another "
        "process (the register PDF's step, in another worker in production) is made from "
        "the kept one and the changes it starts with (the records it added or changed), "
        "when the check recorded under the file's digest says the run that recorded it "
        "wrote it, not parsed whole nor hashed twice, so the kept "
        "records, and the manifest's parts and listing lines made from them, are used "
        "again; during a run Python's cycle "
        "collector does not start by itself, as "
        "its full collections walked everything a warm worker holds. "
        "Deleting old versions is left to the run of the register PDF's step, which "
        "follows every approval. The register's PDF is rendered in a step of its own outside "
        "the publishing lock, with a one-page stand-in meanwhile; once the register outgrows "
        "one part it is an index and one PDF per topic (a large topic in several parts), so the"
        " step after an approval renders that part and the index, and WeasyPrint's memory is "
        "bounded by a part: the step lays out one part at a time and keeps each on disk once "
        "made, so its peak is the run that publishes them, which reads the whole site; its "
        "leak scan matches the whole-register files a window at a time, never listing all "
        "their words at once. "
        "The first PDF (every part) is rendered by a process of its own, as "
        "a worker renders it, so its peak memory is the step's own: the benchmark's process "
        "holds the whole register it built and published. Every peak memory is the process's "
        "own high-water mark (VmHWM): getrusage's, in a process started by a large one, counts"
        " that one's memory too (Linux keeps it at exec), and so gave the PDF step the "
        "benchmark's own size. A worker keeps the published "
        "entries' fingerprints and reads only those of entries written since its last run "
        "(PostgreSQL records each row's writing transaction), and keeps each topic's list "
        "pages' keys and their Outputs, working them out again only for a topic whose rows "
        "changed, and the permalinks' keys, adding only the new rows' to them. The "
        "whole-register files' digests go on from the hash's state where each parts from "
        "the live file (a worker keeps the states a megabyte apart), not from their first "
        "byte. The leak scan reads each window of a text once for what it finds and for the "
        "new version's summary (its words, digit runs and postcodes), which it read twice "
        "before; and the site's own words (every template's and the translations'), which "
        "are never evidence of a leak alone, are worked out again only when a template or "
        "translation changed, not every run (working them out was a sixth of an approval's "
        "run at the smallest size). An approval that only adds entries at the register's end "
        "leaves the whole-register CSV, JSON and search index to the register PDF's step "
        "that follows it: its run carries the live files (made from the first entries of "
        "today's register, unchanged, and checked again against identifiers recorded since, "
        "as every carried file is), and that step makes them outside the publishing lock, so "
        "the downloads follow the permalink by that step's time; a withdrawal, a correction "
        "or any other change makes them in the approval's own run. The withdrawal notices "
        "are read from a partial index of their own. The manifest's list of files is the one "
        "the worker last wrote, patched with the run's changes (and those of a version another "
        "process wrote since), not looked up, sorted and joined again; a check record is "
        "written as the identifiers and summary parts added and removed since the live "
        "version's, a few in a chain before a whole one, and old records are pruned; the "
        "scanner's index is the last run's, extended by the identifiers added since. A worker "
        "keeps the register's split by topic, the feed's latest changes and the keys of the "
        "register PDF's parts, and extends them by the rows added at the register's end "
        "instead of sorting, grouping and digesting every row again; the digest of each "
        "manifest a run writes is recorded by its file's identity, size and time, so the next "
        "run does not hash it again (nor read it at all when the worker keeps it); the "
        "manifest's changes compare only the records the run made, and each folder's count "
        "of files is kept with the manifest. The leak check's identifiers say what changed "
        "since the worker's last run (the keys its requesters' call set, and the candidates' "
        "and redactions' that differ), and the kept scanner, the carried files' check and the "
        "check record's changes look only at those, not at every digest; the requesters' rows "
        "written since are found by an index on the writing transaction, which a trigger "
        "records in each entry and history row, not by comparing every row's own (the rows "
        "are still counted, from an index, to tell a deletion); and of a "
        "manifest another process made from the kept one, only its changes at the start and "
        "its last keys are read. A run's summary, a copy of the live one's, knows what was "
        "added to it, which is what its check record adds; and an approval's read of the "
        "register takes the last read's rows and keys and adds the new entry's, not every "
        "row looked up by its fingerprint again. What still grows with size (timed again at "
        "the largest and the smallest size, in order of cost): carrying the permalinks (their "
        "records put in the new manifest); the topics' list pages carried one by one; the new "
        "manifest patched, written and hashed; the live version's summary copied for the run "
        "to add to; the plan's whole-register keys (every row's digest joined and hashed); the "
        "requesters' tables counted; the identifiers' set of digests copied with the new ones; "
        "and the cycle collector's first look, after the run, at what the run made and keeps. "
        "Each is a few milliseconds; the next step is structural: rows planned only where "
        "they changed since the live version."
    ),
    "anonymise": (
        "The anonymiser compiles each subject's patterns once (cached by subject) and makes one "
        "pass per kind of identifier. Presidio is run with pattern recognisers only (no spaCy "
        "model, no download): e-mail, phone, URL, UK NHS and NINO, and a deny-list recogniser "
        "per subject; spans are then replaced."
    ),
    "throughput": (
        "gunicorn (sync workers, one per core) with DEBUG off against the benchmark "
        "database, the workers sharing a Redis cache as in production; wrk from a second "
        "process on loopback with the SPOC's session cookie. "
        "The do-nothing view goes through the same middleware (session, login, staff check, "
        "two-factor), so the ratio is what the register page itself costs. Profiled in-process "
        "(cProfile, and timers around each part, Django's test client on the benchmark's "
        "data): middleware, sessions and permission look-ups are shared with the do-nothing "
        "view, bar the permission cache's query. Fixed first: `get_kind_display` and "
        "`get_requester_type_display` rebuilt their choices dict on every call (now one "
        "lookup table a page); the nine filter widgets were rendered through Django's widget "
        "templates on every request (the unbound form's HTML is now cached by its choices "
        "and language); the candidate choices came through a server-side cursor (now one "
        "plain query); the election and its non-working days were read twice, by the view "
        "and by the context processor (now once per request, in one query); the rows read "
        "only the columns shown and are built by one Python tag with `format_html`, the "
        "detail link reversed and the month names translated once a page; a user's own and "
        "group permissions are one query. After that the largest part was the deadline "
        "counts every staff page shows (register, incidents, publication): three aggregate "
        "queries, most of their cost the ORM building them, about a third of what the page "
        "cost beyond the do-nothing view; then the view's queries, then the templates. Now "
        "those counts, and the register's size, topics and candidate choices, are kept in the"
        " shared cache for those who see the whole register, under a version changed by every"
        " save or delete of an election, non-working day, entry, candidate, incident, public "
        "entry or not-for-publication decision (at once and again at commit) and by retention"
        " (which rewrites topics in bulk); incident counts are kept only until the next "
        "target passes or comes within the due-soon window; a colleague's own counts are read"
        " each time, and without Redis nothing is kept. Profiled again after that: the rows "
        "(their query and their markup) were the largest part, then reading the election, "
        "then the kept values' version (a Redis round trip for each kind). Now the first "
        "pages' rows of the unfiltered register, as HTML in the page's language, are kept "
        "under the same version and day for those who see the whole register (a filtered "
        "page reads and builds its rows); the election a request works on, with its "
        "non-working days, is kept the same way (per choice made with the switcher); and the"
        " version is read once per request, again only after the request's own write. What "
        "is left is the database round trips every staff page needs (session, user, two-"
        "factor device, candidate link, roles, permissions, the read-only check, the "
        "session's save) and the base layout."
    ),
    "export": (
        "The public site is rendered into an empty folder (`publish_site(to=...)`, the preview "
        "form of the command), so nothing is carried over from an earlier version, and every "
        "file is checked by the leak scan. The register PDF is the staff export. Both are "
        "bound by WeasyPrint's layout of the whole register's table; in the site, the leak "
        "scan's reading of the PDF comes next, then the pages' templates (every page in "
        "English and Welsh)."
    ),
    "cold_demo": (
        "A fresh clone of the committed HEAD runs `make demo` on a free port with nothing of "
        "this checkout's: uv is installed by the interpreter's bundled pip from its hashed pin, "
        "then the runtime group only (no test or bench tools) from uv.lock, then migrate, the "
        "demo data and the development server. Timed to the sign-in page answering, once with "
        "uv's package cache as this machine has it and once with an empty cache (every file "
        "downloaded from the package index). The Debian packages WeasyPrint needs are already "
        "on this machine, so apt-get's time is not in either figure."
    ),
}


def run(names: list[str]) -> list[Figure]:
    """Run each benchmark in a process of its own and return every figure, in order.

    A process each, so one benchmark's caches and memory never flatter or burden the next, and
    so each one's peak memory can be read at its end and added to the table as a figure of the
    same run. Only its own (common.peak_rss_mb): what Linux reports of the processes it
    started (getrusage's children) counts this process's memory at their start, so a process
    it starts reports its own peak itself where it is a figure (the register PDF's step).
    """
    missing = [n for n in names if importlib.util.find_spec(f"benchmarks.{n}") is None]
    if missing:
        raise SystemExit(
            f"benchmarks/{', '.join(missing)}.py missing: the table would be incomplete."
        )
    figures: list[Figure] = []
    for name in names:
        start = time.perf_counter()
        print(f"Running {name} ...", file=sys.stderr, flush=True)
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            subprocess.run(  # noqa: S603 - this interpreter running one of our benchmarks
                [sys.executable, "-m", "benchmarks", "--one", name, "--json", out.name],
                check=True,
            )
            figures += [Figure(**f) for f in json.loads(Path(out.name).read_text())]
        print(f"  {name}: {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    return figures


def run_one(name: str, out: Path) -> None:
    """Run one benchmark in this process; write its figures and its peak memory to `out`."""
    from benchmarks import data

    data.configure()
    module = importlib.import_module(f"benchmarks.{name}")
    figures = module.measure()
    figures.append(
        Figure(
            figures[0].benchmark if figures else name,
            "peak memory (this benchmark's process)",
            round(peak_rss_mb()),
            "MB",
            "its own high-water mark of resident memory (VmHWM)",
        )
    )
    out.write_text(json.dumps([dataclasses.asdict(f) for f in figures]))


def table(figures: list[Figure]) -> str:
    lines = [
        "| benchmark | figure | value | unit | how measured |",
        "|---|---|--:|---|---|",
    ]
    for f in figures:
        lines.append(f"| {f.benchmark} | {f.name} | {f.formatted()} | {f.unit} | {f.detail} |")
    return "\n".join(lines)


def load() -> str:
    """Return the machine's load averages: other work on it slows every figure alike."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f} (1 / 5 / 15 minutes, {os.cpu_count()} CPUs)"


def document(figures: list[Figure], names: list[str], seconds: float) -> str:
    notes = "\n\n".join(f"**{name}.** {NOTES.get(name, '')}" for name in names)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        "# Performance\n\n"
        "Measured by `make bench` (`python -m benchmarks`), which writes this file. Every time "
        "is the median of several runs; every figure comes from the same run, on PostgreSQL "
        "(a dedicated database, emptied before each benchmark).\n\n"
        f"- Machine: {machine()}\n"
        f"- Date: {when}\n"
        f"- Whole run: {seconds / 60:.1f} minutes; load average at the end: {load()}\n\n"
        "Absolute times depend on the machine and on what else runs on it; the ratios, "
        "measured side by side in one run, much less.\n\n"
        f"{table(figures)}\n\n"
        "## What was done to make them good\n\n"
        f"{notes}\n"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help=", ".join(BENCHMARKS))
    # Internal: how run() starts each benchmark in a process of its own.
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        run_one(args.one, args.json)
        return
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}: choose from {', '.join(BENCHMARKS)}")
    names = args.names or BENCHMARKS
    start = time.perf_counter()
    figures = run(names)
    print(table(figures))
    print(f"\nMachine: {machine()}\nLoad average: {load()}")
    if not args.names:
        DOC.write_text(document(figures, names, time.perf_counter() - start))
        print(
            f"Written to {DOC.relative_to(Path.cwd()) if DOC.is_relative_to(Path.cwd()) else DOC}"
        )


if __name__ == "__main__":
    main()
