"""What a publish run checks, and the record of what each live version was checked against.

- `scanner`: every private identifier in the database now (scan.private_identifiers), minus
  the site's own words;
- check records: for each published version, digests of the identifiers it was checked
  against and a summary of what its files could reveal, so the next run checks carried files
  only against identifiers new since (`_carried_check`);
- `_changed_texts`: what a rendered file adds to the live version's file, so only that is
  checked against every identifier (scan.changed_lines on the bytes of a large file read
  line by line, otherwise scan.changed_region reading by reading);
- a carried file is trusted by its recorded size and modification time
  (`target._unchanged_since_written`, which FolderCarrier.keep_linked applies too).
"""

import contextlib
import functools
import hashlib
import json
import logging
import os
import re
from collections.abc import Set
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings

from publishing.site import pages, scan
from publishing.site.target import (
    LocalTarget,
    TargetError,
    _unchanged_since_written,
)

logger = logging.getLogger(__name__)


def _site_words() -> frozenset[str]:
    """Return the words of the site's own templates and translations: never evidence of a
    leak on their own.

    Worked out again only when a template (its name or its bytes) or the translated text
    changed: splitting a hundred templates into words was a sixth of an approval's run,
    every run, for the same words (issue 16). Keyed by content, not modification times: a
    word taken out of a template must stop counting as ordinary at once, whatever the file
    system's clock or a copy that kept the old times says."""
    sources = sorted(pages.TEMPLATES_DIR.rglob("*.html"))
    texts = [source.read_bytes() for source in sources]
    # The Welsh (or other) pages' words: the translations and the month and day names.
    translated = pages.translated_words()
    key = (
        tuple(str(source) for source in sources),
        tuple(hashlib.sha256(text).digest() for text in texts),
        hashlib.sha256(translated.encode()).digest(),
    )
    kept = _SITE_WORDS.get(key)
    if kept is None:
        words: set[str] = set()
        for text in texts:
            words.update(scan.tokens(text.decode()))
        words.update(scan.tokens(translated))
        kept = frozenset(words)
        _SITE_WORDS.clear()
        _SITE_WORDS[key] = kept
    return kept


# The site's words (_site_words) as last worked out, by the templates' names and digests and
# the translated text's digest: one entry.
_SITE_WORDS: dict[tuple, frozenset[str]] = {}


def scanner() -> scan.Scanner:
    """Return a Scanner for every private identifier in the database now."""
    return scan.Scanner(scan.private_identifiers(_site_words()))


# What each live version was checked against: digests of the identifiers, and a summary of
# what its files could reveal (scan.Summary), kept on the server (VAR_DIR, never in the
# published folder: a digest of an e-mail address can be guessed back). A missing record
# (another server, a cleared cache) means a full check: only slower.


def _check_record_file(manifest_digest: str) -> Path:
    """Where the check of the version whose manifest.json has the SHA-256 `manifest_digest`
    is recorded: named by that digest and the check's own (_scanner_version), so a record can
    only ever describe the very version it was made for, checked by this very check. (The
    digest of the file's bytes, not of the manifest encoded again: twice a run, a manifest of
    twenty thousand files took a tenth of a second to encode, issue 16.)"""
    name = hashlib.sha256(f"{manifest_digest}:{_scanner_version()}".encode()).hexdigest()
    return _checks_folder() / f"{name}.json"


def _checks_folder() -> Path:
    return Path(settings.VAR_DIR) / "cache" / "publish-checks"


def _manifest_digest_file(found: os.stat_result) -> Path:
    """Where the SHA-256 of a manifest.json written by a run is kept (_record_manifest_digest):
    named by the file's device, inode, size and modification time, so it describes only that
    file as it was written."""
    name = f"{found.st_dev}-{found.st_ino}-{found.st_size}-{found.st_mtime_ns}.sha256"
    return _manifest_digests_folder() / name


def _manifest_digests_folder() -> Path:
    return Path(settings.VAR_DIR) / "cache" / "publish-manifest-digests"


def _record_manifest_digest(path: Path, digest: str) -> None:
    """Keep `digest`, the SHA-256 of the manifest.json at `path` a run has just written, for
    any process that reads it (_recorded_manifest_digest). Only what saves time: nothing is
    lost without it."""
    try:
        target = _manifest_digest_file(path.stat())
        target.parent.mkdir(parents=True, exist_ok=True)
        partial_file = target.with_suffix(f".{os.getpid()}.tmp")
        partial_file.write_text(digest)
        partial_file.replace(target)
    except OSError:
        logger.warning("Could not keep the digest of a manifest")


def _recorded_manifest_digest(found: os.stat_result) -> str | None:
    """Return the SHA-256 a run recorded for the manifest.json whose os.stat is `found`, if it
    is still the file the run wrote: the same file (device and inode), of the size and
    modification time it had. The trust a carried file is given (publish: a file is carried
    by its recorded size and modification time), so a run reads the live manifest, written
    by another process (the register PDF's step), without hashing its five megabytes again
    at 10,000 entries, nor reads it at all when it is the one this worker keeps (issue 16).
    None: hash the file."""
    try:
        digest = _manifest_digest_file(found).read_text()
    except OSError:
        return None
    return digest if re.fullmatch(r"[0-9a-f]{64}", digest) else None


@functools.cache
def _scanner_version() -> str:
    """Return a digest of the check itself (scan.py): a better check after an upgrade finds no
    record made by the old one, so every file is read again."""
    return hashlib.sha256(Path(scan.__file__).read_bytes()).hexdigest()


def _identifier_digests(identifiers: list[scan.Identifier]) -> frozenset[str]:
    """Return the set of the identifiers' digests (scan.Identifier.digest): private_identifiers'
    own (scan.Identifiers.digests, the very set). A run gives it to scan.scanner_of,
    _carried_check and _save_check_record (tens of thousands at 10,000 entries)."""
    return scan.digests_of(identifiers)


# A check record written as changes from the record of the version it was made from
# (_save_check_record) names that record; one this many changes from a whole record is
# written whole, so a reader that keeps nothing reads at most this many files and the whole.
RECORD_CHAIN = 8
# Records kept on disk (_prune_check_records): the newest, with every record they are
# written as changes from; the others are deleted once this old.
RECORDS_KEPT = 32
RECORD_GRACE = timedelta(days=1)
_SUMMARY_PARTS = ("words", "digits", "postcodes")


@dataclass(frozen=True)
class _Record:
    """A check record as read or written by this process: its file's size and modification
    time (which say it is still that file), the identifiers' digests, the summary, and how
    many changes it is from a whole record."""

    stat: tuple[int, int]
    checked: frozenset[str]
    summary: scan.Summary
    depth: int
    written: bool  # by the run that wrote the version's manifest (publish._apply_changes)


# The check records this worker process last wrote and last read, by file: the next run's
# live version is usually the one the last was written for, or one another process (the
# register PDF's step) made from it, whose record is written as changes from it. Reading back
# tens of thousands of words and digests was a fortieth of a run at 10,000 entries.
_RECORD_KEPT: dict[Path, _Record] = {}


def _kept_record(path: Path) -> _Record | None:
    """Return the record kept for `path` if the file is still the one it was made from."""
    kept = _RECORD_KEPT.get(path)
    if kept is None:
        return None
    try:
        found = path.stat()
    except OSError:
        return None
    return kept if (found.st_size, found.st_mtime_ns) == kept.stat else None


def _keep_record(path: Path, record: _Record) -> None:
    """Keep `record` (read or written), with at most one other: the last read and the last
    written, usually the live version's and the one made from it."""
    _RECORD_KEPT.pop(path, None)
    if len(_RECORD_KEPT) > 1:
        _RECORD_KEPT.clear()
    _RECORD_KEPT[path] = record


def _save_check_record(
    manifest_digest: str | None,
    identifiers: list[scan.Identifier],
    summary: scan.Summary,
    digests: Set[str] | None = None,
    base: str | None = None,
    written: bool = False,
) -> None:
    """Record what the version whose manifest has the SHA-256 `manifest_digest` was checked
    against (`identifiers`, whose digests are `digests` if given), and its summary. Its lists
    in no particular order: they are read back as sets.

    When this process keeps the record of the version it was made from (the live one, whose
    manifest's SHA-256 is `base`), written or read, fewer than RECORD_CHAIN changes from a
    whole one, only what differs from it is written (the identifiers and summary parts added
    and removed): an approval adds one requester's few, where writing ten thousand
    identifiers and twenty thousand words was a run's every time (issue 16), and a record
    file's megabyte a run filled the disk. Such a record names its base's file with the size
    and modification time it had: a base written again since (an unchanged run records the
    live version's check again) makes it no record, never one read against other content.
    `written`: the run that records it wrote the version's manifest file (publish.
    _apply_changes trusts only such a manifest's changes). The record this process keeps
    holds `summary` itself, not a copy: the caller adds nothing to it afterwards (a run
    records its check last), and a later run adds to a copy of it (_check_record)."""
    if not manifest_digest:
        return
    path = _check_record_file(manifest_digest)
    checked = frozenset(_identifier_digests(identifiers) if digests is None else digests)
    base_path = _check_record_file(base) if base else None
    last = _kept_record(base_path) if base_path is not None else None
    if last is not None and last.depth < RECORD_CHAIN and base_path != path:
        added, removed = _changed_identifiers(identifiers, checked, last.checked)
        record: dict = {
            "base": base_path.name,
            "base_stat": list(last.stat),
            "depth": last.depth + 1,
            "written": written,
            "added": added,
            "removed": removed,
        }
        # A summary copied from the base's (the live version's, as a run's is: _check_record)
        # and only added to since: what was added, not every word compared.
        added_since = summary.added_since(last.summary)
        for number, part in enumerate(_SUMMARY_PARTS):
            if added_since is not None:
                added, removed = list(added_since[number]), []
            else:
                added, removed = _added_and_removed(
                    getattr(summary, part), getattr(last.summary, part)
                )
            record[part] = {"added": added, "removed": removed}
        depth = last.depth + 1
    else:
        record = {
            "written": written,
            "identifiers": list(checked),
            "summary": summary.as_json(sort=False),
        }
        depth = 0
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial_file = path.with_suffix(f".{os.getpid()}.tmp")
        partial_file.write_text(json.dumps(record))
        stat = partial_file.stat()
        partial_file.replace(path)  # atomic: never half a record
    except OSError:
        logger.warning("Could not record what a version was checked against")
        return
    # Kept as the record's summary: only read from now on, and not holding on to the sets it
    # was copied from (its base's, soon not kept).
    summary.origin, summary.added = None, (set(), set(), set())
    _keep_record(
        path,
        _Record((stat.st_size, stat.st_mtime_ns), checked, summary, depth, written),
    )


def _changed_identifiers(
    identifiers: list[scan.Identifier], checked: frozenset[str], then: frozenset[str]
) -> tuple[list[str], list[str]]:
    """Return the digests `checked` (those of `identifiers`) has that `then` has not, and those
    `then` has that it has not: what the identifiers (scan.Identifiers) say changed when
    they were made from the very set `then` (an approval's run, whose live version's record
    is the last run's), else compared (_added_and_removed)."""
    if (
        isinstance(identifiers, scan.Identifiers)
        and identifiers.base is then
        and identifiers.digests is checked
    ):
        return [i.digest for i in identifiers.added], list(identifiers.removed)
    return _added_and_removed(checked, then)


def _added_and_removed(now: Set[str], then: Set[str]) -> tuple[list[str], list[str]]:
    """Return what `now` has that `then` has not, and what `then` has that `now` has not; the
    second looked for only when the sizes say there is some (an approval only adds: one pass
    over tens of thousands of digests and words, not two)."""
    added = now - then
    if len(now) - len(added) == len(then):  # every one of `then` is in `now`
        return list(added), []
    return list(added), list(then - now)


def _written_by_a_run(manifest_digest: str | None) -> bool:
    """Whether the check recorded for the version whose manifest has the SHA-256
    `manifest_digest` says the run that recorded it wrote that manifest (publish.
    _apply_changes); False without a record that can be read."""
    if not manifest_digest:
        return False
    try:
        return _read_record(_check_record_file(manifest_digest)).written
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _check_record(manifest_digest: str) -> tuple[frozenset[str], scan.Summary]:
    """Return the identifiers' digests and the summary recorded for the version whose manifest
    has the SHA-256 `manifest_digest` (a copy of the summary: the caller adds to it). Raises
    OSError, ValueError or KeyError when there is none, or it cannot be read."""
    record = _read_record(_check_record_file(manifest_digest))
    return record.checked, scan.Summary.copy(record.summary)


def _read_record(path: Path, depth: int = 0, stat: list | None = None) -> _Record:
    """Return the record in the file `path`: the one kept when the file is still the one read
    or written, else read, with the record it was written as changes from (read the same
    way, at most RECORD_CHAIN more files). `stat`: the size and modification time the file
    must have (a base as its record names it); ValueError otherwise."""
    kept = _kept_record(path)
    if kept is not None and (stat is None or list(kept.stat) == list(stat)):
        return kept
    found = path.stat()
    if stat is not None and [found.st_size, found.st_mtime_ns] != list(stat):
        raise ValueError(f"Check record {path.name} was written again since a record used it")
    data = json.loads(path.read_text())
    if "base" not in data:
        record = _Record(
            (found.st_size, found.st_mtime_ns),
            frozenset(data["identifiers"]),
            scan.Summary.from_json(data["summary"]),
            0,
            data.get("written") is True,
        )
    else:
        if depth >= RECORD_CHAIN or not re.fullmatch(r"[0-9a-f]{64}\.json", data["base"]):
            raise ValueError(f"Check record {path.name}: too long a chain, or a bad base")
        base = _read_record(path.with_name(data["base"]), depth + 1, data["base_stat"])
        # What did not change is the base's own set (a record's sets are only read: the
        # summary a caller adds to is a copy, _check_record): the register PDF's step adds a
        # word or two and no identifier, and copying tens of thousands of each was a
        # hundredth of an approval's run at 10,000 entries (issue 16).
        checked = base.checked
        if data["removed"]:
            checked = checked.difference(data["removed"])
        if data["added"]:
            checked = checked.union(data["added"])
        summary = scan.Summary()
        for part in _SUMMARY_PARTS:
            values = getattr(base.summary, part)
            removed, added = data[part]["removed"], data[part]["added"]
            if removed or added:
                values = values.difference(removed)
                values.update(added)
            setattr(summary, part, values)
        record = _Record(
            (found.st_size, found.st_mtime_ns),
            checked,
            summary,
            data["depth"],
            data.get("written") is True,
        )
    if depth == 0:
        _keep_record(path, record)
    return record


def _prune_check_records(live: str | None = None, now: datetime | None = None) -> list[str]:
    """Delete the check records no longer needed: all but the RECORDS_KEPT newest, the live
    version's (`live`: its manifest's SHA-256) and the records they are written as changes
    from, once RECORD_GRACE old (the folder is shared: another election's site may be quiet
    for a day; and a run may be writing a record made from one). A version whose record is
    gone is checked in full if it is live again (rollback): slower, never less safe. The
    manifests' digests (_record_manifest_digest) are deleted once as old. Return the check
    records' names deleted."""
    cutoff = ((now or datetime.now(tz=UTC)) - RECORD_GRACE).timestamp()
    # The manifests' digests (_record_manifest_digest), once as old: a live manifest whose
    # digest went is hashed when read, as before.
    with contextlib.suppress(OSError):
        for entry in os.scandir(_manifest_digests_folder()):
            with contextlib.suppress(FileNotFoundError):
                if entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)
    folder = _checks_folder()
    try:
        found = [(entry.stat().st_mtime, entry) for entry in os.scandir(folder)]
    except OSError:
        return []
    found.sort(key=lambda pair: pair[0], reverse=True)
    newest = [entry.name for _mtime, entry in found if entry.name.endswith(".json")]
    start = newest[:RECORDS_KEPT] + ([_check_record_file(live).name] if live else [])
    keep: set[str] = set()
    for name in start:
        for _ in range(RECORD_CHAIN + 1):  # the record and those it is made from
            if name in keep:
                break
            keep.add(name)
            try:
                with open(folder / name) as f:
                    head = f.read(96)
            except OSError:
                break
            based = re.match(r'\{"base": "([0-9a-f]{64}\.json)"', head)
            if based is None:
                break
            name = based.group(1)
    deleted = []
    for mtime, entry in found:
        if entry.name not in keep and mtime < cutoff:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
                deleted.append(entry.name)
    return deleted


def _carried_check(
    manifest_digest: str | None,
    identifiers: list[scan.Identifier],
    checker: scan.Scanner,
    digests: Set[str] | None = None,
) -> tuple[scan.Scanner | None, scan.Summary | None]:
    """Return how to check files carried over from the live version (the SHA-256 of its
    manifest.json: `manifest_digest`), and the live version's summary (None if unknown: then
    every file is read and summarised afresh).

    The carried files are the live version's, byte for byte, and it was checked against the
    identifiers recorded then. So they need checking against identifiers new since (the
    Scanner returned), and only if the live version's summary says those could occur in it
    (otherwise None: nothing to check). Without a record, the full `checker`.
    """
    if not manifest_digest:
        return checker, None
    try:
        checked, summary = _check_record(manifest_digest)
    except (OSError, ValueError, KeyError):
        return checker, None
    if digests is None:
        digests = _identifier_digests(identifiers)
    if checked is digests:
        return None, summary
    if (
        isinstance(identifiers, scan.Identifiers)
        and identifiers.base is checked
        and identifiers.digests is digests
    ):
        # Made from the very set recorded (the live version's record is the last run's): the
        # identifiers added since are those not recorded, with no look at the others.
        fresh = identifiers.added
    elif checked.issuperset(digests):  # in C: none recorded since, the usual case
        return None, summary
    else:
        fresh = [i for i in identifiers if i.digest not in checked]
    if fresh and scan.might_occur_in(fresh, summary):
        return scan.Scanner(fresh), summary
    return None, summary


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def _write(path: str, content: bytes) -> None:
    # A new file only ("x"): a file already there would be a link to the live version's, and
    # writing into it would change the live site in place (FolderCarrier.release).
    with open(path, "xb") as f:
        f.write(content)


@dataclass(frozen=True)
class ChangedTexts:
    new: list[str]  # per reading, the part not in the live version's file, with context
    whole: list[str] | None  # every reading in full (None: not worked out, not asked for)


def _changed_texts(
    target,
    version: str,
    path: str,
    old: dict,
    content: bytes,
    content_digest: str,
    checker: scan.Scanner,
    *,
    whole: bool = True,
    previous: bytes | None = None,
) -> ChangedTexts | None:
    """Return what a rendered file (`content`, whose SHA-256 is `content_digest`) adds to the
    live version's file at `path`, reading by reading (scan.changed_region), or None to check
    it in full: the live file cannot be read or is not, byte for byte, the one that was
    checked (in a local folder, trusted by its recorded size and modification time, as a
    carried file is; otherwise by its SHA-256).

    `whole`: the file's readings in full are wanted too (ChangedTexts.whole). When they are
    not, the file is LINES_COMPARED_FROM bytes or more, and both files are read line by line
    only (scan.read_line_by_line: the register's CSV and JSON, the search index, holding no
    "<"), the lines that changed are found by comparing the bytes, and only they and their
    context are read (scan.changed_lines).

    `previous`: the live file's bytes, if the run has read them already (_live_file)."""
    previous = _live_file(target, version, path, old) if previous is None else previous
    if previous is None:
        return None
    context = checker.max_words + 2
    if (
        not whole
        and len(content) >= LINES_COMPARED_FROM
        and scan.read_line_by_line(path, content)
        and scan.read_line_by_line(path, previous)
    ):
        lines = scan.changed_lines(path, content, previous, context)
        texts = scan.labelled_readings(path, lines, scan.JsonLineStrings()).values()
        return ChangedTexts(new=[t for t in dict.fromkeys(texts) if t], whole=None)
    before = _labelled_readings(path, previous, old["sha256"])
    now = _labelled_readings(path, content, content_digest)
    new = [
        scan.changed_region(text, before[label], context) if label in before else text
        for label, text in now.items()
    ]
    return ChangedTexts(new=[t for t in new if t], whole=list(dict.fromkeys(now.values())))


def _live_file(target, version: str, path: str, old: dict) -> bytes | None:
    """Return the bytes of the live version's file at `path` if they are the file its manifest
    records (`old`, _live_file_as_checked), else None."""
    try:
        data = target.read(version, path)
    except (OSError, TargetError):
        return None
    return data if _live_file_as_checked(target, version, path, old, data) else None


def _live_file_as_checked(target, version: str, path: str, old: dict, data: bytes) -> bool:
    """Return True if `data`, read from the live version's file at `path`, is the file its
    manifest records (`old`): by size and modification time when the file is in a local
    folder and both match (_unchanged_since_written: hashing the whole-register files again
    cost a fiftieth of a run at 10,000 entries), else by SHA-256."""
    if isinstance(target, LocalTarget) and len(data) == old.get("size"):
        try:
            stat = os.stat(os.path.join(target.versions_dir, version, path))
        except OSError:
            return False
        if _unchanged_since_written(stat, old):
            return True
    return _sha(data) == old.get("sha256")


# A file of this size or more, read line by line only, is compared with the live one by its
# bytes (scan.changed_lines): the whole-register files, megabytes at 10,000 entries, where
# working out their readings first was most of what comparing cost. Smaller files (pages)
# are compared reading by reading (scan.changed_region).
LINES_COMPARED_FROM = 64 * 1024
# The readings of the file last rendered at each path, by its digest, for the comparisons
# still made reading by reading (a large file holding "<", or a run that must read the
# whole-register files in full for identifiers recorded since): the next run compares its
# file with the live one, which is usually that very file, so the live file's readings (of
# a whole-register CSV or JSON, parsed and unescaped) are not worked out again. Keyed by
# content, so a miss (another worker process, a blocked run, a file changed since) only costs
# the time. Only files of READINGS_KEPT_FROM bytes or more
# are kept: the whole-register files, a handful whatever the register's size. A page is read
# again when needed (cheap): keeping every page's readings held the text of the whole site in
# each worker process after a run that rendered every page (800 MB at 10,000 entries).
READINGS_KEPT_FROM = 64 * 1024
_READINGS: dict[str, tuple[str, dict[str, str]]] = {}
# And, for such a file in JSON (the register's, the search index), the strings of each line
# of the last one read (scan.JsonLineStrings): a new file is parsed only where its lines are new.
_JSON_LINES: dict[str, scan.JsonLineStrings] = {}


def _labelled_readings(path: str, content: bytes, digest: str) -> dict[str, str]:
    """Return scan.labelled_readings(path, content); `digest` is content's SHA-256."""
    known = _READINGS.get(path)
    if known is not None and known[0] == digest:
        return known[1]
    large = len(content) >= READINGS_KEPT_FROM
    in_json = large and path.endswith(".json")
    json_lines = _JSON_LINES.setdefault(path, scan.JsonLineStrings()) if in_json else None
    readings = scan.labelled_readings(path, content, json_lines)
    if large:
        _READINGS[path] = (digest, readings)
    else:
        _READINGS.pop(path, None)
    return readings


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# A rendered file of this size or more (the whole-register CSV, JSON and search index:
# megabytes at 10,000 entries) is hashed in steps of HASH_STEP bytes, and the hash's state
# after each step is kept, by path, with the file's digest (_digest_of_rendered): the next
# run's file begins as the live one does, up to the entry an approval adds near the end, so
# its digest is worked out from the state where they part, not from its first byte. Hashing
# the three files whole was a twentieth of a run at 10,000 entries (issue 16).
HASH_STEP = 1 << 20
HASHED_IN_STEPS_FROM = 2 * HASH_STEP
_HASH_STATES: dict[str, tuple[str, list]] = {}


def _digest_of_rendered(
    path: str, content: bytes, live: bytes | None = None, live_digest: str | None = None
) -> str:
    """Return the SHA-256 of `content`, rendered at `path`.

    `live`: the live version's file at `path` as checked (_live_file), whose SHA-256 is
    `live_digest`. When this worker kept the hash's states for that very file, the steps
    both files begin with (compared in C, a step at a time) are not hashed again: the digest
    goes on from the state after the last of them. A state is the hash of the bytes before
    it, so the result is hashlib.sha256(content) itself (tested against it)."""
    if len(content) < HASHED_IN_STEPS_FROM:
        _HASH_STATES.pop(path, None)
        return _sha(content)
    kept = _HASH_STATES.get(path)
    states: list = []
    if kept is not None and live is not None and kept[0] == live_digest:
        for step, state in enumerate(kept[1]):
            start = step * HASH_STEP
            if content[start : start + HASH_STEP] != live[start : start + HASH_STEP]:
                break
            states.append(state)
    hashed = states[-1].copy() if states else hashlib.sha256()
    view = memoryview(content)
    for start in range(len(states) * HASH_STEP, len(content), HASH_STEP):
        hashed.update(view[start : start + HASH_STEP])
        if start + HASH_STEP <= len(content):  # a whole step: its state is kept
            states.append(hashed.copy())
    digest = hashed.hexdigest()
    _HASH_STATES[path] = (digest, states)
    return digest
