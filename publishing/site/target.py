"""Where the public site goes, and how a new version goes live at once.

Layout of the target (a Django storage, STORAGES["public_site"]):

    versions/<YYYYmmddTHHMMSSZ>-<run id>/   one complete site each, with its manifest.json
    current.txt                             the live version's name
    current -> versions/<name>              (local folder only) a symlink: what is served
    permalinks/<YYYYmmddTHHMMSSZ>-<hex>/    (local folder only) a permalink folder's files,
                                            shared by the versions whose entries/ (cy/entries/)
                                            is a symlink to it: a generation (see below)

A version is written in full, checked, and only then named live, so a reader never sees half
of one: on a local folder (FileSystemStorage, the default at settings.PUBLIC_SITE_ROOT) it is
built under staging/ on the same disk, renamed into versions/ (one rename), and `current` is
replaced by a symlink made under a temporary name and renamed over it (os.replace: atomic on
POSIX). A worker killed at any point leaves at most a folder under staging/ or versions/ that
nothing points to; the next run clears staging/ and pruning removes unreferenced versions. A
run killed between adding permalinks to the live generation and switching (see Generations)
leaves a journal under staging/ from which the next run takes them back first.

Any other storage (django-storages S3, Azure, GCS): the version is built and checked in a local
temporary folder (nothing unchecked is ever uploaded: a public bucket would serve it), uploaded
under versions/<name>/, and then current.txt is overwritten with the name, in one PUT on S3
(keep file_overwrite=True). Serve it by pointing the web server or CDN at
versions/<current.txt>/, e.g. a CloudFront origin path updated by a hook, or an nginx `map`
reading the file. The last KEEP_VERSIONS versions stay for rollback (publishing.site.rollback_to).

Generations (issue 16, local folder only). A version's permalink folders (entries/, and
cy/entries/ for Welsh) are symbolic links to folders under permalinks/, so that one approval
does not link twenty thousand files into a new version. A run that only adds permalinks to the
live version's folder (none changed, none gone, the folder exactly the files its manifest
records: FolderCarrier.keep_linked) renders the new ones into a real folder of its staged
version and, once its check has passed, moves them into the live generation and puts the link
in the folder's place (LocalTarget.commit). Any other run links the generation's files into its
staged version as before (cp -l), and its folder becomes a generation of its own, private to it.
So an older version's generation may hold permalinks published after it: rollback first gives
the version a fresh generation holding only its own files (fresh_generations), and pruning
deletes a generation only once no kept version links it and it is an hour old.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import shutil
import signal
import stat
import subprocess  # nosec B404 - GNU cp, to link folders (FolderCarrier.link_ahead)
import tempfile
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import IO

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages

from election_protocol.models import Election
from election_protocol.queries import current_election
from publishing.site import listings

KEEP_VERSIONS = 5
# An election's new holder takes office seven days after the poll (PCC Elections Order 2012);
# until then it is running (election_protocol.queries.current_election uses the same test).
RUNNING_AFTER_POLL = timedelta(days=7)
MANIFEST = "manifest.json"
POINTER = "current.txt"
GENERATIONS = "permalinks"
# A generation no kept version links is deleted by pruning once it is this old (its name's
# time): one just made by a rollback may not be linked yet when a run prunes.
GENERATION_GRACE = timedelta(hours=1)
_GENERATION = re.compile(r"([0-9]{8}T[0-9]{6}Z)-[0-9a-f]{8}")


class TargetError(RuntimeError):
    """The target is not in a state a publish or rollback can work with; the message says why."""


def version_order(name: str) -> tuple[str, int]:
    """Return the sort key of a version name "<timestamp>-<run id>": by time, then by run (as
    a number: run 10 comes after run 9)."""
    stamp, _, run = name.rpartition("-")
    return (stamp, int(run)) if run.isdigit() else (name, 0)


def _relative_files(folder: Path) -> list[str]:
    """Return every file under `folder`, "/"-separated and sorted, through symbolic links to
    folders too (a version's permalink folders are links to generations)."""
    found = []
    seen = set()  # each real folder once: a link to a folder above it does not loop
    for here, folders, names in os.walk(folder, followlinks=True):
        real = os.path.realpath(here)
        if real in seen:
            folders.clear()
            continue
        seen.add(real)
        prefix = os.path.relpath(here, folder).replace(os.sep, "/")
        prefix = "" if prefix == "." else prefix + "/"
        found += (prefix + name for name in names if os.path.isfile(os.path.join(here, name)))
    return sorted(found)


def _new_generation_name(now: datetime | None = None) -> str:
    moment = now or datetime.now(UTC)
    return f"{moment.strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:8]}"


def _linked_generations(version_folder: Path, generations: Path) -> dict[str, Path]:
    """Return the version's folders (relative, at most two deep: entries, cy/entries) that are
    symbolic links to a generation under `generations`, with that generation."""
    found = {}
    home = os.path.realpath(generations)
    for parent in [version_folder, *(p for p in _subfolders(version_folder))]:
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            for entry in os.scandir(parent):
                if entry.is_symlink():
                    real = os.path.realpath(entry.path)
                    if os.path.dirname(real) == home:
                        relative = os.path.relpath(entry.path, version_folder)
                        found[relative.replace(os.sep, "/")] = Path(real)
    return found


def _subfolders(folder: Path) -> list[str]:
    try:
        return [e.path for e in os.scandir(folder) if e.is_dir(follow_symlinks=False)]
    except FileNotFoundError:
        return []


def clear_preview_folder(folder: Path) -> Path:
    """Return `folder` ready for a preview: created if missing, emptied if it holds an earlier
    preview (it has a manifest.json); refused if it holds anything else (TargetError)."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = list(folder.iterdir())
    if entries and not (folder / MANIFEST).is_file():
        raise TargetError(
            f"{folder} is not empty and is not an earlier preview: choose an empty folder."
        )
    for entry in entries:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    return folder


class LocalTarget:
    """A local folder: versions, a `current` symlink and current.txt."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.versions_dir = self.root / "versions"
        self.staging_dir = self.root / "staging"
        self.generations_dir = self.root / GENERATIONS

    @property
    def current_path(self) -> Path:
        """Return the folder the web server serves: the `current` symlink."""
        return self.root / "current"

    def current_version(self) -> str | None:
        link = self.current_path
        if link.is_symlink():
            return PurePosixPath(os.readlink(link)).name
        pointer = self.root / POINTER
        if not pointer.is_file():
            return None
        return pointer.read_text().strip() or None

    def versions(self) -> list[str]:
        """Return the complete versions (with a manifest), oldest first."""
        if not self.versions_dir.is_dir():
            return []
        complete = [p.name for p in self.versions_dir.iterdir() if (p / MANIFEST).is_file()]
        return sorted(complete, key=version_order)

    def manifest(self, version: str | None) -> dict | None:
        data = self.manifest_bytes(version)
        return None if data is None else json.loads(data)

    def manifest_bytes(self, version: str | None) -> bytes | None:
        """Return the bytes of the manifest of `version` (None if it has none)."""
        if not version:
            return None
        try:
            return (self.versions_dir / version / MANIFEST).read_bytes()
        except FileNotFoundError:
            return None

    def manifest_ends(
        self, version: str | None, head: int, tail: int
    ) -> tuple[bytes, bytes] | None:
        """Return the first `head` bytes of the manifest of `version` and its last `tail`
        (None if it has none): what publish._apply_changes reads of a five-megabyte file."""
        if not version:
            return None
        try:
            with open(self.versions_dir / version / MANIFEST, "rb") as f:
                first = f.read(head)
                size = os.fstat(f.fileno()).st_size
                if size <= head:
                    return first, first[-tail:]
                f.seek(max(0, size - tail))
                return first, f.read()
        except FileNotFoundError:
            return None

    def manifest_stat(self, version: str | None) -> os.stat_result | None:
        """Return the os.stat of the manifest of `version` (None if it has none)."""
        if not version:
            return None
        try:
            return os.stat(self.versions_dir / version / MANIFEST)
        except FileNotFoundError:
            return None

    def read(self, version: str, path: str) -> bytes:
        return (self.versions_dir / version / path).read_bytes()

    def files(self, version: str) -> list[str]:
        return _relative_files(self.versions_dir / version)

    def stage(self, version: str) -> Path:
        """Return an empty folder to build `version` in; clear what an earlier run abandoned
        (only one run renders at a time: PublishRun's one_publish_run_at_a_time)."""
        if self.staging_dir.is_dir():
            self._undo_unswitched_additions()
            shutil.rmtree(self.staging_dir)
        folder = self.staging_dir / version
        folder.mkdir(parents=True)
        return folder

    def _journal(self, version: str) -> Path:
        """Return where commit records what it adds to generations for `version`, until
        switch has made it live."""
        return self.staging_dir / f".adding-{version}.json"

    def _undo_unswitched_additions(self) -> list[str]:
        """Take back what a run added to generations and never made live (killed, or failed,
        between commit and switch): the live version would serve those permalinks, which its
        manifest does not list, and they would spoil the generation's exact listing. The
        version it committed, never live, is deleted too. Return the paths taken back."""
        live = self.current_version()
        undone = []
        for journal in sorted(self.staging_dir.glob(".adding-*.json")):
            try:
                record = json.loads(journal.read_bytes())
            except (OSError, ValueError):  # cut short as it was written: nothing moved yet
                continue
            if record.get("version") == live:
                continue  # switched, and killed before the record was removed
            for generation, names in record.get("added", {}).items():
                for name in names:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(self.generations_dir / generation / name)
                        undone.append(f"{generation}/{name}")
            version = str(record.get("version", ""))
            if version and version == os.path.basename(version):
                shutil.rmtree(self.versions_dir / version, ignore_errors=True)
        return undone

    def carrier(self, version: str, staged: Path | str) -> FolderCarrier:
        """Return what carries `version`'s files into the folder `staged`: hard links (no
        copy, no extra space; files are never changed in place, only replaced by new
        versions), or copies (see FolderCarrier)."""
        return FolderCarrier(
            os.path.join(self.versions_dir, version), str(staged), str(self.generations_dir)
        )

    def commit(
        self,
        version: str,
        staged: Path,
        permalinks: Iterable[str] = (),
        adding: dict[str, str] | None = None,
    ) -> None:
        """Move the checked, complete version into versions/ (one rename, same disk).

        First each of its `permalinks` folders (relative) becomes a link to a generation: for
        a folder in `adding` (folder -> the live version's generation, FolderCarrier.adding),
        the files the run wrote there are moved into that generation (none is replaced: a
        name already there stops the run); any other real folder is moved whole to be a new
        generation. Only a checked version may come here: the live version sees what is added
        to its generation at once: until switch has made this version live, what is added is
        recorded in a journal beside the staged version, and the next run's stage takes it
        back if it never was (_undo_unswitched_additions)."""
        permalinks = list(permalinks)
        adding = {
            relative: generation
            for relative, generation in (adding or {}).items()
            if relative in permalinks
        }
        journal = self._journal(version)
        moving = {
            os.path.basename(generation): sorted(os.listdir(staged / relative))
            for relative, generation in adding.items()
            if (staged / relative).is_dir()
        }
        if moving:
            journal.write_text(json.dumps({"version": version, "added": moving}))
        moved: dict[str, list[str]] = {name: [] for name in moving}
        for relative in permalinks:
            folder = Path(staged, relative)
            generation = adding.get(relative)
            if generation is not None:
                if folder.is_dir():
                    done = moved[os.path.basename(generation)]
                    for name in sorted(os.listdir(folder)):
                        try:
                            # A link, then the name removed: never over a file already there.
                            os.link(folder / name, Path(generation, name), follow_symlinks=False)
                        except FileExistsError:
                            # Not the run's to take back: the journal keeps only what it added.
                            journal.write_text(json.dumps({"version": version, "added": moved}))
                            raise
                        done.append(name)
                        os.unlink(folder / name)
                    folder.rmdir()
            elif folder.is_dir() and not folder.is_symlink():
                self.generations_dir.mkdir(parents=True, exist_ok=True)
                generation = str(self.generations_dir / _new_generation_name())
                os.rename(folder, generation)
            else:
                continue
            folder.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(os.path.relpath(generation, folder.parent), folder)
        self.versions_dir.mkdir(parents=True, exist_ok=True)
        os.rename(staged, self.versions_dir / version)

    def fresh_generations(self, version: str, manifest: dict) -> None:
        """Give each permalink folder of `version` a generation of its own holding only the
        files its manifest records (hard links), in place of the one it shares: a permalink
        published after it, perhaps the reason it is made live again, must not stay served.
        Raises TargetError if a recorded file is missing."""
        home = self.versions_dir / version
        files = manifest.get("files", {})
        for relative, shared in _linked_generations(home, self.generations_dir).items():
            names = [
                path.rpartition("/")[2] for path in files if path.rpartition("/")[0] == relative
            ]
            self.generations_dir.mkdir(parents=True, exist_ok=True)
            fresh = self.generations_dir / _new_generation_name()
            fresh.mkdir()
            try:
                for name in names:
                    os.link(shared / name, fresh / name, follow_symlinks=False)
            except FileNotFoundError as error:
                shutil.rmtree(fresh, ignore_errors=True)
                raise TargetError(
                    f"Version {version} is not complete: {relative}/{Path(error.filename).name} "
                    "is missing."
                ) from error
            link = home / relative
            temp = link.with_name(f".{link.name}-{uuid.uuid4().hex}")
            os.symlink(os.path.relpath(fresh, link.parent), temp)
            os.replace(temp, link)

    def discard(self, staged: Path) -> None:
        shutil.rmtree(staged, ignore_errors=True)

    def switch(self, version: str) -> None:
        """Make `version` live: `current` replaced atomically, then current.txt."""
        if not (self.versions_dir / version / MANIFEST).is_file():
            raise TargetError(f"Version {version} is not complete: it has no {MANIFEST}.")
        if self.current_path.exists() and not self.current_path.is_symlink():
            raise TargetError(f"{self.current_path} is a real folder, not a symlink: move it away.")
        temp = self.root / f".current-{uuid.uuid4().hex}"
        os.symlink(f"versions/{version}", temp, target_is_directory=True)
        os.replace(temp, self.current_path)
        pointer = self.root / f".{POINTER}-{uuid.uuid4().hex}"
        pointer.write_text(version + "\n")
        os.replace(pointer, self.root / POINTER)
        self._journal(version).unlink(missing_ok=True)  # live: what it added stays

    def prune(self, keep: int = KEEP_VERSIONS) -> list[str]:
        """Delete all but the newest `keep` versions (never the live one), and any folder in
        versions/ without a manifest (left by a killed worker). Return what was deleted."""
        if not self.versions_dir.is_dir():
            return []
        live = self.current_version()
        complete = self.versions()
        kept = set(complete[-keep:]) | {live}
        deleted = []
        for folder in sorted(self.versions_dir.iterdir()):
            if folder.name not in kept:
                shutil.rmtree(folder, ignore_errors=True)
                deleted.append(folder.name)
        self._prune_generations()
        return deleted

    def _prune_generations(self, now: datetime | None = None) -> list[str]:
        """Delete each generation no version in versions/ links that is older than
        GENERATION_GRACE by its name. Return their names."""
        if not self.generations_dir.is_dir():
            return []
        linked = {
            generation.name
            for folder in self.versions_dir.iterdir()
            for generation in _linked_generations(folder, self.generations_dir).values()
        }
        before = ((now or datetime.now(UTC)) - GENERATION_GRACE).strftime("%Y%m%dT%H%M%SZ")
        deleted = []
        for generation in sorted(self.generations_dir.iterdir()):
            made = _GENERATION.fullmatch(generation.name)
            if generation.name not in linked and made and made.group(1) < before:
                shutil.rmtree(generation, ignore_errors=True)
                deleted.append(generation.name)
        return deleted


# GNU cp, to link a folder of the live version whole in a process of its own (FolderCarrier.
# link_ahead); without it, each file is linked when the run comes to it.
_CP = shutil.which("cp")
_MKDIR = shutil.which("mkdir")
_FIND = shutil.which("find")
_NICE = shutil.which("nice")
_CHRT = shutil.which("chrt")  # util-linux: Debian's essential set
_SH = shutil.which("sh")
# Links a folder whole (GNU cp), then lists each plain file in it with its size and
# modification time (GNU find: "%T@" is the seconds, a point and ten digits, the nanoseconds
# and a nought), one NUL-terminated line each. Exit 1: not linked; 2: linked, not listed.
_LINK_AND_LIST = (
    '"$0" -R -P -l -T -- "$2" "$3" || exit 1; '
    '"$1" "$3" -mindepth 1 -maxdepth 1 -type f -printf \'%f\\t%s\\t%T@\\0\' || exit 2'
)


@functools.cache
def _behind_the_run() -> list[str]:
    """Return what starts a linking or listing process behind the run for the processor: the
    run is what an approver waits for, and the links and listings are needed only once it
    has planned (settle). SCHED_IDLE (`chrt --idle 0`: the processor when nothing else of
    this machine wants it) where it can be set here, else nice 15. At 10,000 entries the two
    listings take a tenth of a second of the kernel's time, and at nice 15 the database's
    answers to the run's queries waited behind them (an approval's run took 25 to 40 ms
    less with SCHED_IDLE, alternated on one machine). On a machine busy with other work at
    normal priority they wait longer; the run waits for them only at settle."""
    true = shutil.which("true")
    if _CHRT is not None and true is not None:
        try:
            tried = subprocess.run(  # noqa: S603 # nosec B603 - chrt running true, once
                [_CHRT, "--idle", "0", true],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=10,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            tried = None
        if tried is not None and tried.returncode == 0:
            return [_CHRT, "--idle", "0"]
    return [_NICE, "-n", "15"] if _NICE is not None else []


def _cp_command(source: str, staged: str) -> list[str]:
    """Return GNU cp's command linking the folder `source` whole as `staged`: -P, a symbolic
    link is linked as itself, never followed; -T, `staged` is the copy."""
    return [_CP, "-R", "-P", "-l", "-T", "--", source, staged]


def _unchanged_since_written(found: os.stat_result, old: dict) -> bool:
    """Return True if a file carried from the live version (a hard link: the same file), whose
    os.stat is `found`, still has the size and modification time recorded when it was written,
    so it need not be read and hashed again. Anything else (a copy, a storage other than a
    local folder, a file touched since) is read and compared with its recorded SHA-256
    instead."""
    mtime = old.get("mtime_ns")
    if mtime is None:
        return False
    return found.st_size == old.get("size") and found.st_mtime_ns == mtime


def texts_per_record[T](
    kept: dict[str, tuple[dict, T]],
    records: Iterable[tuple[str, dict]],
    make: Callable[[str, dict], T],
) -> list[T]:
    """Return make(name, record) for each of `records` (name, manifest record), in their order,
    reusing the text `kept` holds for that name when it was made from this very record (the
    same object: a warm worker carries the live manifest's records as they were parsed, so a
    run makes texts only for new and changed files, not twenty thousand). `kept` is left
    holding the texts of these records only."""
    made: dict[str, tuple[dict, T]] = {}
    for name, record in records:
        text = kept.get(name)
        if text is None or text[0] is not record:
            text = (record, make(name, record))
        made[name] = text
    kept.clear()
    kept.update(made)
    return [text for _, text in made.values()]


# The lines find lists for the permalinks last kept (keep_linked), by folder and name, each
# with the live manifest's record it was made from (texts_per_record).
_LINES: dict[str, dict[str, tuple[dict, str]]] = {}


def _listing_command(generation: str) -> list[str]:
    """Return the command that lists a generation's files (FolderCarrier._list_ahead): each
    plain file as link_ahead lists one; anything else (a symbolic link, a folder: never a
    file of a version) as "/", a line no record gives, so it is never added to."""
    command = [_FIND, generation, "-mindepth", "1", "-maxdepth", "1", "-type", "f"]
    return [*command, "-printf", "%f\\t%s\\t%T@\\0", "-o", "-printf", "/\\0"]


def _listing_line(name: str, record: dict) -> str:
    """Return the line find lists (_LINK_AND_LIST) for a plain file `name` with the record's
    size and modification time; a record with neither gives a line no listing has."""
    mtime, size = record.get("mtime_ns"), record.get("size")
    if isinstance(mtime, int) and isinstance(size, int) and mtime >= 0:
        return listings.line_of(name, size, mtime)
    return "\0"  # never a line of a listing (split at NULs)


def _listing_lines(folder: str, records: dict[str, dict]) -> dict[str, str]:
    """Return, for each name of `records` (name -> its live manifest record), the line find
    lists for it if it is unchanged (_listing_line)."""
    lines = texts_per_record(_LINES.setdefault(folder, {}), records.items(), _listing_line)
    return dict(zip(records, lines, strict=True))


class FolderCarrier:
    """Carries files of a version in a local folder (`source`) into a staged one (`staged`,
    whose folders the caller has made) as hard links, and returns each one's os.stat: the
    publish run's trust in it and its record in the new manifest.

    Each file is named relative to its folder's open descriptor (link and stat "at" a
    folder), not by its full path: resolving two long paths per file was a quarter of carrying
    twenty thousand files (issue 16). A file that cannot be linked is copied. The permalinks'
    folders are linked whole ahead of the run's loop (link_ahead); one that is a link to a
    generation (`generations`: LocalTarget.generations_dir) is only listed ahead, and linked
    whole only if the run does more than add to it (keep_linked, link_shared). Use it as a
    context manager: the descriptors are closed at the end, and a folder still being linked or
    listed is stopped."""

    def __init__(self, source: str, staged: str, generations: str | None = None) -> None:
        self._source, self._staged = source, staged
        # Where a version's permalink folders link to (LocalTarget.generations_dir), and the
        # source's folders that are such links: folder -> its generation (link_ahead).
        self._generations = os.path.realpath(generations) if generations else None
        self._generations_dir = generations
        self._shared: dict[str, str] = {}
        # Those the run only adds to (keep_linked): folder -> the generation.
        self._adding: dict[str, str] = {}
        self._folders: dict[str, tuple[int, int]] = {}
        self._linking: dict[str, tuple[subprocess.Popen, IO[bytes] | None]] = {}
        # Folder -> the lines of find's listing of its files linked ahead (_LINK_AND_LIST).
        self._listed: dict[str, set[str]] = {}
        # Folder -> names linked ahead and not yet claimed (carried or released).
        self._ahead: dict[str, set[str]] = {}
        # The process making folders ahead, and those folders (make_ahead).
        self._making: tuple[subprocess.Popen, list[str]] | None = None
        # Folder -> the generation listed and when it was watched from, to keep its listing
        # (listings.keep) once listed.
        self._keeping: dict[str, tuple[str, float]] = {}

    def make_ahead(self, folders: list[str]) -> None:
        """Start making `folders` (relative, parents first) in the staged version, in a
        process of their own (mkdir -p), while the run reads and plans: `settle` returns them
        once made. Made by the run, four hundred folders (a topic's pages, a folder each, in
        each language) waited for the file system's journal, behind the last version's
        deletion and the links: a tenth of a run at 10,000 entries (issue 16). Without mkdir,
        or if it fails, the run makes each folder it needs."""
        if _MKDIR is None or not folders:
            return
        try:
            process = subprocess.Popen(  # noqa: S603 # nosec B603 - mkdir, our folders
                [_MKDIR, "-p", "--", *(os.path.join(self._staged, f) for f in folders)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError:  # more folders than a command line holds (E2BIG): made by the run
            return
        self._making = (process, list(folders))

    def link_ahead(self, folders: list[str]) -> None:
        """Start linking each of `folders` (relative) of the source whole into the staged
        version, each in a process of its own (GNU cp -l), while the run reads and plans.

        Linking ten thousand permalinks is a tenth of a second of the kernel's time, the
        largest single cost of a run at 10,000 entries (issue 16); a Python thread cannot
        overlap it with the run's own work (each link returns to wait for the GIL), a process
        can. The same process then lists each plain file with its size and modification time
        (GNU find), and (after `settle`) a file linked ahead is carried by that listing
        (keep_linked: judged as it was when listed, just after it was linked, where a stat
        judged it once the run had planned, so a file edited in place meanwhile, in the live
        version too, is carried as recorded) or by its os.stat (carry) alone. One the run writes
        afresh must be `release`d first, as writing into it would write into the live
        version's file; `sweep` removes every one the run did not claim, so nothing goes into
        the new version that the run did not plan and check. Without GNU cp, or when it fails,
        a folder's files are carried one by one, as before."""
        if _CP is None:
            return
        for folder in folders:
            source = os.path.join(self._source, folder)
            if folder in self._linking or folder in self._ahead:
                continue
            generation = self._generation_of(source)
            if generation is not None:
                self._list_ahead(folder, generation)
                continue
            if os.path.islink(source) or not os.path.isdir(source):
                continue
            staged = os.path.join(self._staged, folder)
            os.makedirs(os.path.dirname(staged), exist_ok=True)
            if _SH is not None and _FIND is not None:
                # Then listed by find in the same process: the stats keep_linked needs are the
                # kernel's time too, taken here off the run's own (issue 16).
                command = [_SH, "-c", _LINK_AND_LIST, _CP, _FIND, source, staged]
                self._start(folder, command, listed=True)
            else:
                self._start(folder, _cp_command(source, staged), listed=False)

    def _start(self, folder: str, command: list[str], *, listed: bool) -> None:
        """Start `command` (cp, find, or sh running both, on our own folders) for `folder` in
        a process of its own, its output kept in a temporary file if `listed`; settle waits
        for it, close stops it."""
        command = [*_behind_the_run(), *command]
        listing = tempfile.TemporaryFile() if listed else None  # noqa: SIM115 - settle/close
        try:
            process = subprocess.Popen(  # noqa: S603 # nosec B603 - cp, find, sh: our folders
                command,
                stdin=subprocess.DEVNULL,
                stdout=listing if listing is not None else subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                # A group of its own: close() stops sh and the cp or find it runs, together.
                start_new_session=True,
            )
        except BaseException:
            if listing is not None:
                listing.close()
            raise
        self._linking[folder] = (process, listing)

    def _generation_of(self, source: str) -> str | None:
        """Return the generation the source's folder `source` links to, or None if it is not
        a symbolic link to a folder under the target's permalinks/."""
        if self._generations is None or not os.path.islink(source):
            return None
        real = os.path.realpath(source)
        if os.path.dirname(real) != self._generations or not os.path.isdir(real):
            return None
        return os.path.join(self._generations_dir, os.path.basename(real))

    def _list_ahead(self, folder: str, generation: str) -> None:
        """Start listing the generation the live version's `folder` links to (GNU find, as
        link_ahead lists what it links) without linking it: a run that only adds to it
        links nothing (keep_linked). Without find, the folder is linked when the run comes
        to it. A worker that listed it before, and was told by the kernel of every change
        since, has its listing at once (publishing.site.listings): nothing is started."""
        self._shared[folder] = generation
        if _FIND is None:
            return
        lines, taken = listings.kept(self._generations_dir, generation)
        if lines is not None:  # kept by this worker, and nothing changed but what it looked at
            self._listed[folder] = lines
            return
        if taken is not None:
            self._keeping[folder] = (generation, taken)
        self._start(folder, _listing_command(generation), listed=True)

    def settle(self) -> list[str]:
        """Wait for the folders being linked ahead; a folder whose process failed is removed
        (its files are then carried one by one). Call it before carrying or writing any file.
        Return the folders made ahead (make_ahead): if that process failed, those there."""
        for folder in list(self._linking):
            process, listing = self._linking[folder]
            code = process.wait()
            del self._linking[folder]  # only once it has ended (close() stops it otherwise)
            if listing is not None:
                with listing:
                    if code == 0:
                        listing.seek(0)
                        self._listed[folder] = set(os.fsdecode(listing.read()).split("\0"))
                        if folder in self._keeping:
                            generation, taken = self._keeping[folder]
                            listings.keep(generation, self._listed[folder], taken)
                    elif code == 2:  # linked, but not listed: keep_linked looks at each file
                        code = 0
            if folder in self._shared:  # listed only, nothing linked
                continue
            staged = os.path.join(self._staged, folder)
            if code == 0:
                self._ahead[folder] = set(os.listdir(staged))
            else:
                shutil.rmtree(staged)  # all of it, or the run fails: nothing unplanned stays
                os.makedirs(staged)
        made = []
        if self._making is not None:
            process, folders = self._making
            made = folders
            if process.wait() != 0:  # made part of them, maybe: those that are there
                made = [f for f in folders if os.path.isdir(os.path.join(self._staged, f))]
            self._making = None
        return made

    def carry(self, path: str) -> os.stat_result:
        """Carry the file at `path` (relative, "/"-separated) and return its os.stat: always
        of a plain file (a symbolic link in the live folder is never carried as a link)."""
        folder, _, name = path.rpartition("/")
        descriptors = self._folders.get(folder)
        if descriptors is None:
            descriptors = self._open(folder)
        source_fd, staged_fd = descriptors
        ahead = self._ahead.get(folder)
        if ahead is not None and name in ahead:
            ahead.discard(name)
            found = os.stat(name, dir_fd=staged_fd, follow_symlinks=False)
            if stat.S_ISREG(found.st_mode):
                return found
            # Not a plain file (a symbolic link put in the live folder): never carried as it
            # is; linked below as a file is carried one by one (the file it leads to).
            os.unlink(name, dir_fd=staged_fd)
        try:
            os.link(name, name, src_dir_fd=source_fd, dst_dir_fd=staged_fd)
        except OSError:
            shutil.copy2(os.path.join(self._source, path), os.path.join(self._staged, path))
        return os.stat(name, dir_fd=staged_fd, follow_symlinks=False)

    def keep_linked(
        self,
        folder: str,
        records: dict[str, dict],
        whole: bool = False,
        lines: set[str] | None = None,
    ) -> list[str]:
        """Carry, of the files linked ahead into `folder`, each one named in `records` (name
        -> its record in the live manifest) that is still the file recorded: a plain file of
        the recorded size and modification time, as `carry` and the run judge one
        (_unchanged_since_written). Return their names; the others are left to be
        carried, or released, one by one.

        The same test as carrying each file, made on find's listing of the folder (taken by
        link_ahead's process as it linked it, off the run's own time: twenty thousand stats
        were a tenth of a run at 10,000 entries), and for a file not listed so, by its os.stat
        at the folder's descriptor. The run then makes no Output and no new record for a
        permalink it carries (publish._carry_permalinks).

        A folder of the live version that links to a generation (link_ahead) is only added
        to, nothing linked, when `whole` (`records` are all the live version's files in it)
        and its listing (taken by link_ahead's process, before the run planned) is exactly
        `records` as recorded, with nothing else in it: every name is kept, and the run's new
        files there go into the generation once checked (adding, LocalTarget.commit).
        Otherwise its files are linked now, as link_ahead links another folder, and judged as
        above (by that listing, for a file listed so). `lines`, if given, are the lines
        `records` give (_listing_line), kept by the caller: not made again. `records` and
        `lines` are only read (the caller keeps them between runs)."""
        generation = self._shared.pop(folder, None)
        if generation is not None:
            listed = self._listed.get(folder)
            if lines is None and listed is not None:
                lines = set(_listing_lines(folder, records).values())
            # The listing is exactly `lines` (bar find's trailing empty line): compared
            # without copying ten thousand lines.
            exact = (
                listed is not None
                and len(listed) - ("" in listed) == len(lines)
                and lines <= listed
            )
            if whole and exact:
                self._adding[folder] = generation
                return list(records)
            self._link_now(folder, generation)
        ahead = self._ahead.get(folder)
        if not ahead or not records:
            return []
        names = ahead.intersection(records)
        listed = self._listed.get(folder)
        kept = []
        if listed:
            # Listed by find as a plain file of the recorded size and time: the same test.
            lines = _listing_lines(folder, records)
            kept = [name for name in names if lines[name] in listed]
            names.difference_update(kept)
        if names:  # not listed (no GNU find), or listed otherwise: each one looked at
            staged_fd = self._folders.get(folder, (None, None))[1]
            if staged_fd is None:
                staged_fd = self._open(folder)[1]
            regular, look = stat.S_ISREG, os.stat
            for name in names:
                found = look(name, dir_fd=staged_fd, follow_symlinks=False)
                if regular(found.st_mode) and _unchanged_since_written(found, records[name]):
                    kept.append(name)
        ahead.difference_update(kept)
        return kept

    def _link_now(self, folder: str, generation: str) -> None:
        """Link the generation's files into the staged `folder` (cp -l, waited for): those
        not carried are swept; if cp fails, each file is carried one by one."""
        staged = os.path.join(self._staged, folder)
        os.makedirs(os.path.dirname(staged), exist_ok=True)
        linked = _CP is not None and (
            subprocess.run(  # noqa: S603 # nosec B603 - cp, our folders
                _cp_command(generation, staged),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            ).returncode
            == 0
        )
        if linked:
            self._ahead[folder] = set(os.listdir(staged))
        else:
            if os.path.isdir(staged):
                shutil.rmtree(staged)  # all of it: nothing unplanned stays
            os.makedirs(staged)
            self._listed.pop(folder, None)

    def link_shared(self) -> None:
        """Link now, whole, each folder of the live version that links to a generation and
        has not been kept (keep_linked): a run that carries its files one by one (reading
        each, for identifiers recorded since the live version's check) finds them linked, as
        link_ahead links another folder, instead of linking each itself."""
        for folder, generation in list(self._shared.items()):
            del self._shared[folder]
            self._link_now(folder, generation)

    def adding(self) -> dict[str, str]:
        """Return the folders the run only adds to (keep_linked): folder -> the live
        version's generation, for LocalTarget.commit."""
        return dict(self._adding)

    def release(self, path: str) -> None:
        """Remove the file at `path` if it was linked ahead and not claimed: the run writes it
        afresh (never into the live version's file, which the link is)."""
        folder, _, name = path.rpartition("/")
        ahead = self._ahead.get(folder)
        if ahead is not None and name in ahead:
            ahead.discard(name)
            os.unlink(os.path.join(self._staged, path))

    def sweep(self) -> list[str]:
        """Remove every file linked ahead that the run neither carried nor released: a page
        no longer in the site, or anything in the live folder that was never a file of its
        version. Return their paths."""
        removed = []
        for folder, names in self._ahead.items():
            for name in sorted(names):
                found = os.path.join(self._staged, folder, name)
                if os.path.isdir(found) and not os.path.islink(found):
                    shutil.rmtree(found)
                else:
                    os.unlink(found)
                removed.append(f"{folder}/{name}")
            names.clear()
        return removed

    def _open(self, folder: str) -> tuple[int, int]:
        flags = os.O_RDONLY | os.O_DIRECTORY
        source_fd = os.open(os.path.join(self._source, folder), flags)
        try:
            staged_fd = os.open(os.path.join(self._staged, folder), flags)
        except OSError:
            os.close(source_fd)
            raise
        self._folders[folder] = (source_fd, staged_fd)
        return source_fd, staged_fd

    def close(self) -> None:
        # The run failed before settling: stop what is still linking (each process's group:
        # sh and the cp or find it runs) or making folders.
        for process, _listing in self._linking.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if self._making is not None:
            self._making[0].kill()
            self._making[0].wait()
        for _process, listing in self._linking.values():
            if listing is not None:
                listing.close()
        self._linking.clear()
        self._listed.clear()
        self._making = None
        for source_fd, staged_fd in self._folders.values():
            os.close(source_fd)
            os.close(staged_fd)
        self._folders.clear()

    def __enter__(self) -> FolderCarrier:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class CopyCarrier:
    """Carries files of a version in any storage into a staged local folder: a copy each,
    read from the storage, and returns each one's os.stat, as FolderCarrier does."""

    def __init__(self, target: StorageTarget, version: str, staged: str) -> None:
        self._target, self._version, self._staged = target, version, staged

    def carry(self, path: str) -> os.stat_result:
        dest = os.path.join(self._staged, path)
        Path(dest).write_bytes(self._target.read(self._version, path))
        return os.stat(dest)

    # Nothing is linked ahead: each file is copied when it is carried.
    def make_ahead(self, folders: list[str]) -> None:
        return None

    def link_ahead(self, folders: list[str]) -> None:
        return None

    def settle(self) -> list[str]:
        return []

    def keep_linked(
        self,
        folder: str,
        records: dict[str, dict],
        whole: bool = False,
        lines: set[str] | None = None,
    ) -> list[str]:
        return []  # nothing is linked ahead: each file is copied and checked one by one

    def link_shared(self) -> None:
        return None

    def adding(self) -> dict[str, str]:
        return {}  # no generations in a storage: every version holds its own files

    def release(self, path: str) -> None:
        return None

    def sweep(self) -> list[str]:
        return []

    def __enter__(self) -> CopyCarrier:
        return self

    def __exit__(self, *exc) -> None:
        return None


class StorageTarget:
    """Any Django storage: versions uploaded after the check, current.txt as the pointer.
    `prefix`: the folder of the site inside the storage ("" for the current election's,
    "sites/<folder>/" for another running election's: see site_target)."""

    def __init__(self, storage: Storage, prefix: str = "") -> None:
        self.storage = storage
        self.prefix = prefix
        self._temp: list[Path] = []

    def current_version(self) -> str | None:
        if not self.storage.exists(self.prefix + POINTER):
            return None
        with self.storage.open(self.prefix + POINTER) as f:
            return f.read().decode().strip() or None

    def versions(self) -> list[str]:
        if not self.storage.exists(f"{self.prefix}versions"):
            return []
        folders, _ = self.storage.listdir(f"{self.prefix}versions")
        complete = [
            v for v in folders if self.storage.exists(f"{self.prefix}versions/{v}/{MANIFEST}")
        ]
        return sorted(complete, key=version_order)

    def manifest(self, version: str | None) -> dict | None:
        data = self.manifest_bytes(version)
        return None if data is None else json.loads(data)

    def manifest_bytes(self, version: str | None) -> bytes | None:
        if not version or not self.storage.exists(f"{self.prefix}versions/{version}/{MANIFEST}"):
            return None
        return self.read(version, MANIFEST)

    def manifest_stat(self, version: str | None) -> None:
        """None: a storage's files have no os.stat here (the manifest is hashed when read)."""
        return None

    def manifest_ends(self, version: str | None, head: int, tail: int) -> None:
        """None: the manifest is read whole (publish._previous_manifest)."""
        return None

    def read(self, version: str, path: str) -> bytes:
        with self.storage.open(f"{self.prefix}versions/{version}/{path}") as f:
            return f.read()

    def files(self, version: str) -> list[str]:
        manifest = self.manifest(version) or {"files": {}}
        return sorted([*manifest["files"], MANIFEST])

    def stage(self, version: str) -> Path:
        # Checked locally first: nothing unchecked is uploaded.
        folder = Path(tempfile.mkdtemp(prefix=f"public-site-{version}-"))
        self._temp.append(folder)
        return folder

    def carrier(self, version: str, staged: Path | str) -> CopyCarrier:
        return CopyCarrier(self, version, str(staged))

    def _save(self, name: str, data: bytes) -> None:
        saved = self.storage.save(name, ContentFile(data))
        if saved != name:  # the backend would not overwrite: replace it
            self.storage.delete(saved)
            self.storage.delete(name)
            self.storage.save(name, ContentFile(data))

    def commit(
        self,
        version: str,
        staged: Path,
        permalinks: Iterable[str] = (),
        adding: dict[str, str] | None = None,
    ) -> None:
        """Upload the checked version, its manifest last (a version without one is
        incomplete and never made live). Every version holds its own files (no generations:
        `permalinks` and `adding` are for LocalTarget's)."""
        names = _relative_files(staged)
        for name in [n for n in names if n != MANIFEST] + [MANIFEST]:
            self._save(f"{self.prefix}versions/{version}/{name}", (staged / name).read_bytes())
        self.discard(staged)

    def discard(self, staged: Path) -> None:
        shutil.rmtree(staged, ignore_errors=True)

    def switch(self, version: str) -> None:
        if not self.storage.exists(f"{self.prefix}versions/{version}/{MANIFEST}"):
            raise TargetError(f"Version {version} is not complete: it has no {MANIFEST}.")
        self._save(self.prefix + POINTER, (version + "\n").encode())

    def _delete_tree(self, prefix: str) -> None:
        folders, files = self.storage.listdir(prefix)
        for name in files:
            self.storage.delete(f"{prefix}/{name}")
        for folder in folders:
            self._delete_tree(f"{prefix}/{folder}")

    def prune(self, keep: int = KEEP_VERSIONS) -> list[str]:
        if not self.storage.exists(f"{self.prefix}versions"):
            return []
        live = self.current_version()
        kept = set(self.versions()[-keep:]) | {live}
        folders, _ = self.storage.listdir(f"{self.prefix}versions")
        deleted = [v for v in sorted(folders) if v not in kept]
        for version in deleted:
            self._delete_tree(f"{self.prefix}versions/{version}")
        return deleted


def default_target() -> LocalTarget | StorageTarget:
    """Return the configured target: STORAGES["public_site"]; a FileSystemStorage (the
    default, at settings.PUBLIC_SITE_ROOT) is used as a folder, for the symlink and links."""
    storage = storages["public_site"]
    if isinstance(storage, FileSystemStorage):
        return LocalTarget(Path(storage.location))
    return StorageTarget(storage)


# --- one live site per running election (issue 15) ----------------------------------------------
#
# The current election's site is the target's root (served at /election/, as before); every
# other running election has a site of its own under sites/<folder>/ of the same target (its
# own versions, `current` and current.txt), served at /election/<folder>/. A past election
# (its new holder in office and no longer the current one) or a closed one (its register
# frozen: lifecycle) has no live site: its archive (/election/archive/<prefix>/) keeps it.

SITES_DIR = "sites"
PUBLIC_BASE = "/election/"
# Names a site folder may not take: the top-level folders of a site (a prefix "PDF" would
# otherwise hide the current site's pdf/ folder), the languages, the archive and sites/.
RESERVED_FOLDERS = frozenset(
    {
        "accessibility",
        "archive",
        "briefing",
        "cy",
        "en",
        "entries",
        "events",
        "materials",
        "notes",
        "pdf",
        "privacy",
        "protocol",
        "register",
        "sites",
        "statements",
        "static",
        "withdrawn",
    }
)

# Whether an election is closed (its register frozen by the close-down). lifecycle comes after
# publishing in the dependency order, so it registers its answer here (lifecycle.apps): a hook,
# not an import.
closed_checks: list[Callable[[int], bool]] = []


@dataclass(frozen=True)
class LiveSite:
    """Where an election's live public site is: `folder` "" for the current election's (the
    target's root), else its own folder under sites/."""

    election_id: int
    folder: str

    @property
    def url(self) -> str:
        """The site's public address: /election/ or /election/<folder>/."""
        return PUBLIC_BASE + (f"{self.folder}/" if self.folder else "")


def site_folder(reference_prefix: str) -> str:
    """Return the folder (and path segment) of an election's own site: its register prefix in
    lower case ("WV26" gives "wv26"), "<prefix>-site" for the rare prefix that is a reserved
    name. Prefixes are 2 to 8 capital letters or digits and unique: safe in a path."""
    name = reference_prefix.lower()
    if not name.isascii() or not name.isalnum():
        raise ValueError(f"Not a reference prefix: {reference_prefix!r}")
    return f"{name}-site" if name in RESERVED_FOLDERS else name


def is_closed(election_id: int) -> bool:
    return any(check(election_id) for check in closed_checks)


def live_site(election, today: date) -> LiveSite | None:
    """Return where `election`'s public site is live on `today`, or None if it has none.

    The current election (election_protocol.queries.current_election) keeps /election/; any
    other election whose new holder has not yet taken office (the poll at most seven days ago,
    the test current_election uses) is running beside it and has /election/<prefix>/; a past
    or closed election has none (its archive keeps its page)."""
    if is_closed(election.pk):
        return None
    current = current_election(today)
    if current is not None and current.pk == election.pk:
        return LiveSite(election.pk, "")
    if election.poll_date >= today - RUNNING_AFTER_POLL:
        return LiveSite(election.pk, site_folder(election.reference_prefix))
    return None


def running_sites(today: date) -> list[LiveSite]:
    """Return the live sites on `today`: the current election's first, then the others by
    poll date."""
    current = current_election(today)
    elections = Election.objects.filter(poll_date__gte=today - RUNNING_AFTER_POLL)
    if current is not None:
        elections = elections | Election.objects.filter(pk=current.pk)
    sites = [live_site(e, today) for e in elections.order_by("poll_date", "pk")]
    return sorted((s for s in sites if s), key=lambda s: s.folder != "")


def live_targets(today: date) -> list[tuple[LiveSite | None, LocalTarget | StorageTarget]]:
    """Return each live site on `today` (running_sites) with its target; when none is
    running, the default target alone, with no site: where a rollback looks for a version
    (rollback.rollback_to) and where a dead one's is found live (publish.requeue_publish_runs)."""
    sites = running_sites(today)
    return [(site, site_target(site)) for site in sites] or [(None, default_target())]


def site_target(site: LiveSite) -> LocalTarget | StorageTarget:
    """Return the target a live site is published to: the configured one for the current
    election, its sites/<folder>/ for another."""
    target = default_target()
    if not site.folder:
        return target
    if isinstance(target, LocalTarget):
        return LocalTarget(target.root / SITES_DIR / site.folder)
    return StorageTarget(target.storage, prefix=f"{SITES_DIR}/{site.folder}/")
