"""The permalinks' generations as a worker last listed them, kept while the kernel says nothing
in them changed (issue 16).

Every run of a local target lists the live version's permalink generations (GNU find: each
file's name, size and modification time, ten thousand a language at 10,000 entries) to tell
that each file it carries is still the one its manifest records (target.FolderCarrier).
Listing twenty thousand files a run was about a seventh of an approval's run at 10,000
entries: the listing processes shared the processor (and its cache) with the run and its
database, whatever their priority. A worker now keeps the listing it took, with an inotify
watch on every generation and on their folder, made before the listing was taken, and gives
it to the next run brought up to date: each name an event was reported for since (a file
written, touched, linked, renamed or removed, in any generation, as generations share files
by hard links) is looked at again (os.stat). Anything it cannot account for this way makes
the run list the generation again, as before:

- the event queue overflowed, or a generation (or their folder) was removed or moved;
- a new generation appeared (it may hold links to files of a kept one, made before it was
  watched: cp -l, rollback);
- a name is no longer a plain file, or more names changed than looking at each is worth;
- the listing is older than TRUSTED_FOR (a change made where no watch reports it: through a
  hard link outside the site's folders, or by another machine on a network file system);
- another process made the watch (a worker forked after it was made: its events would go to
  whichever process read them first), or inotify is not available here.

The lines are find's (target._listing_line gives the same for a record), so a kept listing
and a fresh one are interchangeable: a test compares them after each kind of change.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import time
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

# How long a kept listing is trusted without being taken again, in seconds.
TRUSTED_FOR = 120.0
# More names changed than this since the last run: list the generation again (one find is
# cheaper than this many stats from Python).
MOST_TO_LOOK_AT = 512

try:
    from inotify_simple import INotify
    from inotify_simple import flags as _flags
except ImportError:  # pragma: no cover - a dependency of the project (pyproject.toml)
    INotify = None  # type: ignore[assignment,misc]
    _flags = None  # type: ignore[assignment]

if _flags is not None:
    # What a generation's files can go through: written, touched (times, modes, links),
    # created, removed or renamed; and the folder itself removed or moved.
    _IN_GENERATION = (
        _flags.MODIFY
        | _flags.ATTRIB
        | _flags.CLOSE_WRITE
        | _flags.CREATE
        | _flags.DELETE
        | _flags.MOVED_FROM
        | _flags.MOVED_TO
        | _flags.DELETE_SELF
        | _flags.MOVE_SELF
        | _flags.ONLYDIR
        | _flags.DONT_FOLLOW
    )
    # The generations' folder (permalinks/): a generation made, removed or renamed.
    _IN_GENERATIONS = (
        _flags.CREATE
        | _flags.MOVED_TO
        | _flags.MOVED_FROM
        | _flags.DELETE
        | _flags.DELETE_SELF
        | _flags.MOVE_SELF
        | _flags.ONLYDIR
        | _flags.DONT_FOLLOW
    )
    _GONE = _flags.DELETE_SELF | _flags.MOVE_SELF | _flags.IGNORED | _flags.UNMOUNT


@dataclass
class _Listing:
    """One generation's listing: find's lines (a set, as the carrier compares them) and each
    name's line, from `taken` (time.monotonic) on; `dirty`: names reported since."""

    lines: set[str]
    by_name: dict[str, str]
    taken: float
    dirty: set[str] = field(default_factory=set)


@dataclass
class _Watching:
    """This process's inotify instance and what it watches (folder -> watch, and back)."""

    inotify: object
    pid: int
    folders: dict[str, int] = field(default_factory=dict)
    by_watch: dict[int, str] = field(default_factory=dict)
    root: str = ""  # the generations' folder watched


_WATCHING: _Watching | None = None
# By generation (its real path): the listing this worker keeps.
_KEPT: dict[str, _Listing] = {}
# By generation: a listing being taken (`kept` said to list it, `keep` not yet called), with
# the names reported since it was asked for: they are looked at again once it is kept. A
# generation dropped from here (everything forgotten, a new generation) is not kept.
_PENDING: dict[str, set[str]] = {}


def forget() -> None:
    """Forget every kept listing and stop watching (publish.forget_kept: a worker's first
    run lists every generation)."""
    global _WATCHING
    _KEPT.clear()
    _PENDING.clear()
    if _WATCHING is not None:
        if _WATCHING.pid == os.getpid():
            with contextlib.suppress(OSError):
                _WATCHING.inotify.close()
        _WATCHING = None


def kept(root: str, generation: str) -> tuple[set[str] | None, float | None]:
    """Return the lines find would list now for `generation` (a folder under `root`, the
    generations' folder), from the listing kept and the events reported since, as (lines,
    None); else (None, taken): list it and `keep` the listing with `taken`, the time from
    which its events are watched (None: it cannot be watched, nothing is kept)."""
    real = os.path.realpath(generation)
    if not _events_read(os.path.realpath(root)):
        return None, None
    listing = _KEPT.pop(real, None)
    if (
        listing is None
        or time.monotonic() - listing.taken > TRUSTED_FOR
        or len(listing.dirty) > MOST_TO_LOOK_AT
        or (listing.dirty and not _look_again(real, listing))
    ):
        _PENDING[real] = set()  # from now on, what is reported for it is kept for it
        return None, time.monotonic()
    _KEPT[real] = listing
    return listing.lines, None


def keep(generation: str, lines: set[str], taken: float) -> None:
    """Keep the listing of `generation` that find took after `kept` returned `taken`: the
    lines of plain files only (a listing with a "/" line, anything else, is never kept).
    Every name reported since `kept` asked for it (read meanwhile, into _PENDING, or still
    queued) is looked at again by the next `kept`; if everything was forgotten meanwhile
    (an overflow, a new generation, a new watch), nothing is kept. The caller reads `lines`
    until the run ends; the next `kept` brings them up to date in place."""
    real = os.path.realpath(generation)
    reported = _PENDING.pop(real, None)
    if reported is None or "/" in lines or _WATCHING is None or _WATCHING.pid != os.getpid():
        return
    if real not in _WATCHING.folders:
        return
    by_name = {line.partition("\t")[0]: line for line in lines if line}
    _KEPT[real] = _Listing(lines, by_name, taken, reported)


def _events_read(root: str) -> bool:
    """Read every event reported since the last read into the kept listings, watching `root`
    and each generation in it first if need be; False if nothing can be kept."""
    global _WATCHING
    if INotify is None:
        return False
    if _WATCHING is not None and (_WATCHING.pid != os.getpid() or _WATCHING.root != root):
        if _WATCHING.pid != os.getpid():
            _WATCHING = None  # made before a fork: another process's events; never read
            _KEPT.clear()
            _PENDING.clear()
        else:
            forget()
    if _WATCHING is None:
        try:
            _WATCHING = _Watching(INotify(), os.getpid(), root=root)
        except OSError:
            logger.warning("Cannot watch the permalinks' generations: every run lists them")
            return False
        _KEPT.clear()
        _PENDING.clear()
        if not _watch_all(root):
            forget()
            return False
        return True
    try:
        while True:
            events = _WATCHING.inotify.read(timeout=0)
            if not events:
                return True
            for event in events:
                if not _take(root, event):
                    forget()
                    return _events_read(root)  # watched afresh, nothing kept
    except OSError:
        forget()
        return False


def _take(root: str, event) -> bool:
    """Take one event into the kept listings; False if everything must be forgotten."""
    watching = _WATCHING
    if watching is None or event.mask & _flags.Q_OVERFLOW:
        return False
    folder = watching.by_watch.get(event.wd)
    if folder is None:
        return True  # a watch removed before its last events were read
    if folder == root:
        if event.mask & _GONE:
            return False
        if event.mask & _flags.ISDIR and event.mask & _flags.MOVED_FROM:
            return False  # a generation renamed: its watch follows it; start again
        if event.mask & _flags.ISDIR and event.mask & (_flags.CREATE | _flags.MOVED_TO):
            # A new generation: it may link files of a kept one, made before it was watched.
            _KEPT.clear()
            _PENDING.clear()
            return _watch_one(os.path.join(root, event.name))
        return True  # one removed: its own watch's events say so
    if event.mask & _GONE:
        _KEPT.pop(folder, None)
        _PENDING.pop(folder, None)
        watching.folders.pop(folder, None)
        watching.by_watch.pop(event.wd, None)
        return True
    if event.name:
        # Generations share files (hard links): a name changed in one may be changed in all.
        for listing in _KEPT.values():
            listing.dirty.add(event.name)
        for reported in _PENDING.values():
            reported.add(event.name)
    return True


def _watch_all(root: str) -> bool:
    """Watch `root` (the generations' folder) and every generation in it."""
    if not _add_watch(root, _IN_GENERATIONS):
        return False
    try:
        names = os.listdir(root)
    except OSError:
        return False
    return all(_watch_one(os.path.join(root, name)) for name in names)


def _watch_one(path: str) -> bool:
    """Watch the generation at `path` (nothing if it is not a folder)."""
    if not os.path.isdir(path) or os.path.islink(path):
        return True
    return _add_watch(os.path.realpath(path), _IN_GENERATION)


def _add_watch(folder: str, mask: int) -> bool:
    """Watch `folder` (a real path) for `mask`'s events; False if it cannot be."""
    watching = _WATCHING
    if watching is None:
        return False
    try:
        wd = watching.inotify.add_watch(folder, mask)
    except OSError:
        return False
    watching.folders[folder] = wd
    watching.by_watch[wd] = folder
    return True


def _look_again(generation: str, listing: _Listing) -> bool:
    """Bring `listing` up to date for its dirty names (each one's os.stat); False if one is
    no longer a plain file or cannot be looked at."""
    try:
        fd = os.open(generation, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return False
    try:
        for name in listing.dirty:
            old = listing.by_name.pop(name, None)
            if old is not None:
                listing.lines.discard(old)
            try:
                found = os.stat(name, dir_fd=fd, follow_symlinks=False)
            except FileNotFoundError:
                continue
            if not stat.S_ISREG(found.st_mode):
                return False
            line = line_of(name, found.st_size, found.st_mtime_ns)
            listing.by_name[name] = line
            listing.lines.add(line)
    except OSError:
        return False
    finally:
        os.close(fd)
    listing.dirty.clear()
    return True


def line_of(name: str, size: int, mtime_ns: int) -> str:
    """Return find's line (target._LINK_AND_LIST's printf) for a plain file."""
    return f"{name}\t{size}\t{mtime_ns // 1_000_000_000}.{mtime_ns % 1_000_000_000:09d}0"
