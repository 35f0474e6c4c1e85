"""Carrying the live version's files into a new one (publishing.site.target.FolderCarrier):
a hard link made at the folders' descriptors, a copy when a link cannot be made, each file's
os.stat returned, and every descriptor closed, by a run as by the carrier itself; the
permalinks' folders linked whole ahead of the run's loop, with nothing written into the live
version and nothing unplanned left in the new one."""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import time

import pytest
import time_machine

from publishing import services
from publishing.site import checks
from publishing.site import publish as publish_module
from publishing.site import target as target_module
from publishing.site.publish import publish_site
from publishing.site.target import FolderCarrier, default_target
from tests.builders import NOW, published


@pytest.fixture(autouse=True)
def _no_listing_lines_kept():
    """Each test starts with no listing line kept from another's run (target._LINES)."""
    target_module._LINES.clear()
    yield
    target_module._LINES.clear()


def _open_descriptors() -> set[tuple[str, str]]:
    """Return this process's open descriptors, each with what it is open on: a descriptor the
    code under test leaves open is one in the set after that was not before (by number and
    file, so one reusing a number closed meanwhile is seen too). One closed meanwhile, by
    whatever else the process does (a library's cache let go), is no leak."""
    found = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            found.add((fd, os.readlink(f"/proc/self/fd/{fd}")))
        except OSError:  # closed while listed (the listing's own descriptor)
            continue
    return found


def _version_with(tmp_path, files: dict[str, bytes]):
    source = tmp_path / "versions" / "v1"
    for path, content in files.items():
        (source / path).parent.mkdir(parents=True, exist_ok=True)
        (source / path).write_bytes(content)
    staged = tmp_path / "staging" / "v2"
    for path in files:
        (staged / path).parent.mkdir(parents=True, exist_ok=True)
    return source, staged


def test_a_carried_file_is_the_live_file_itself_in_any_folder(tmp_path):
    files = {"index.html": b"home", "entries/NS26-0001.html": b"one", "cy/entries/x.html": b"y"}
    source, staged = _version_with(tmp_path, files)
    before = _open_descriptors()
    with FolderCarrier(str(source), str(staged)) as carrier:
        stats = {path: carrier.carry(path) for path in files}
    assert _open_descriptors() <= before  # nothing left open
    for path, content in files.items():
        assert (staged / path).read_bytes() == content
        assert stats[path].st_ino == os.stat(source / path).st_ino  # a link, not a copy
        assert stats[path].st_ino == os.stat(staged / path).st_ino
        assert stats[path].st_size == len(content)


def test_a_file_that_cannot_be_linked_is_copied(tmp_path, monkeypatch):
    source, staged = _version_with(tmp_path, {"entries/NS26-0001.html": b"one"})

    def cross_device(*args, **kwargs):  # another disk: what this machine's one disk cannot do
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", cross_device)
    with FolderCarrier(str(source), str(staged)) as carrier:
        stat = carrier.carry("entries/NS26-0001.html")
    copied = staged / "entries/NS26-0001.html"
    assert copied.read_bytes() == b"one"
    live = source / "entries/NS26-0001.html"
    assert stat.st_ino == os.stat(copied).st_ino != os.stat(live).st_ino


def test_a_run_that_carries_files_leaves_no_descriptor_open(election, cast):
    with time_machine.travel(NOW, tick=False):
        published(election, cast, topic="Road safety")
        first = publish_site(election)
        published(election, cast, topic="Night cover")
    before = _open_descriptors()
    with time_machine.travel(NOW.replace(minute=5), tick=False):
        second = publish_site(election)
    assert second.carried and second.rendered
    # Nothing left open but the worker's watch on the generations it keeps listings of
    # (publishing.site.listings), which the next run reads.
    assert {fd for fd in _open_descriptors() - before if fd[1] != "anon_inode:inotify"} == set()
    assert len(_open_descriptors() - before) <= 1
    versions = default_target().versions_dir
    carried = second.carried[0]  # the live version's file itself (a link, or a shared folder)
    assert (versions / second.version / carried).stat().st_ino == (
        versions / first.version / carried
    ).stat().st_ino


def _linked_ahead(tmp_path, files: dict[str, bytes]):
    source, staged = _version_with(tmp_path, files)
    for folder in {p.rpartition("/")[0] for p in files}:  # link_ahead makes its own folders
        if folder.endswith("entries") and (staged / folder).is_dir():
            (staged / folder).rmdir()
    return source, staged


def test_a_folder_linked_ahead_is_carried_released_and_swept(tmp_path):
    files = {
        "entries/NS26-0001.html": b"one",
        "entries/NS26-0002.html": b"two",
        "entries/NS26-0003.html": b"three",
        "cy/entries/NS26-0001.html": b"un",
    }
    source, staged = _linked_ahead(tmp_path, files)
    with FolderCarrier(str(source), str(staged)) as carrier:
        carrier.link_ahead(["entries", "cy/entries", "missing/entries"])
        carrier.settle()
        carried = carrier.carry("entries/NS26-0001.html")
        welsh = carrier.carry("cy/entries/NS26-0001.html")
        carrier.release("entries/NS26-0002.html")  # the run writes it afresh
        (staged / "entries/NS26-0002.html").write_bytes(b"two, corrected")
        removed = carrier.sweep()
    assert removed == ["entries/NS26-0003.html"]  # planned by nobody: not in the new version
    assert not (staged / "entries/NS26-0003.html").exists()
    assert not (staged / "missing").exists()
    for path, found in [("entries/NS26-0001.html", carried), ("cy/entries/NS26-0001.html", welsh)]:
        assert found.st_ino == os.stat(source / path).st_ino == os.stat(staged / path).st_ino
    # Written afresh into the new version: the live version's file is untouched.
    assert (source / "entries/NS26-0002.html").read_bytes() == b"two"
    assert (staged / "entries/NS26-0002.html").read_bytes() == b"two, corrected"
    assert os.stat(source / "entries/NS26-0003.html").st_nlink == 1


def _record(path) -> dict:
    found = os.stat(path)
    return {"sha256": "-", "key": "-", "size": found.st_size, "mtime_ns": found.st_mtime_ns}


@pytest.fixture(params=["listed by find", "without find", "listed otherwise"])
def listing(request, monkeypatch):
    """How the files linked ahead are looked at: find's listing (the usual case), no find on
    the machine (each one stat-ed), or a find whose listing is not the one expected (each
    one stat-ed too, as nothing in it matches)."""
    if request.param == "without find":
        monkeypatch.setattr(target_module, "_FIND", None)
    elif request.param == "listed otherwise":
        monkeypatch.setattr(
            target_module, "_LINK_AND_LIST", target_module._LINK_AND_LIST.replace("%T@", "%T+")
        )
    return request.param


def test_files_linked_ahead_are_kept_in_bulk_only_while_they_are_the_recorded_files(
    tmp_path, listing
):
    names = ["NS26-0001.html", "NS26-0002.html", "NS26-0003.html", "NS26-0004.html"]
    files = {f"entries/{name}": name.encode() for name in names}
    source, staged = _linked_ahead(tmp_path, files)
    records = {name: _record(source / "entries" / name) for name in names}
    records["NS26-0002.html"]["size"] += 1  # not the size recorded
    records["NS26-0003.html"]["mtime_ns"] -= 1  # touched since it was written
    records["NS26-0009.html"] = dict(records["NS26-0001.html"])  # not in the live folder
    (tmp_path / "same.html").write_bytes(b"NS26-0004.html")
    os.utime(tmp_path / "same.html", ns=(0, records["NS26-0004.html"]["mtime_ns"]))
    os.replace(tmp_path / "same.html", source / "entries" / "NS26-0004.html.tmp")
    os.unlink(source / "entries" / "NS26-0004.html")  # a link where the file was, same bytes
    os.symlink(source / "entries" / "NS26-0004.html.tmp", source / "entries" / "NS26-0004.html")
    # Recorded as the link itself is: only its being no plain file tells it apart.
    link = os.lstat(source / "entries" / "NS26-0004.html")
    records["NS26-0004.html"].update(size=link.st_size, mtime_ns=link.st_mtime_ns)
    with FolderCarrier(str(source), str(staged)) as carrier:
        carrier.link_ahead(["entries"])
        carrier.settle()
        kept = carrier.keep_linked("entries", records)
        assert carrier.keep_linked("cy/entries", records) == []  # nothing linked ahead there
        carrier.release("entries/NS26-0002.html")  # the run renders it afresh
        (staged / "entries/NS26-0002.html").write_bytes(b"rendered")
        removed = carrier.sweep()
    assert kept == ["NS26-0001.html"]
    # Kept ones stay in the new version: the live file itself.
    kept_file = staged / "entries/NS26-0001.html"
    assert os.stat(kept_file).st_ino == os.stat(source / "entries/NS26-0001.html").st_ino
    # What was not kept is left to be carried or released one by one; unclaimed, swept.
    assert removed == [
        "entries/NS26-0003.html",
        "entries/NS26-0004.html",
        "entries/NS26-0004.html.tmp",
    ]
    assert sorted(os.listdir(staged / "entries")) == ["NS26-0001.html", "NS26-0002.html"]


def test_folders_made_ahead_are_made_and_named_by_settle(tmp_path, monkeypatch):
    source, staged = _version_with(tmp_path, {"index.html": b"home"})
    folders = ["register", "register/topics", "register/topics/road-safety/page-2"]
    with FolderCarrier(str(source), str(staged)) as carrier:
        carrier.make_ahead(folders)
        assert carrier.settle() == folders
    assert all((staged / folder).is_dir() for folder in folders)
    monkeypatch.setattr(target_module, "_MKDIR", shutil.which("false"))  # mkdir fails
    with FolderCarrier(str(source), str(staged)) as carrier:
        carrier.make_ahead(["notes"])
        assert carrier.settle() == []  # none said to be made: the run makes what it needs
    monkeypatch.setattr(target_module, "_MKDIR", None)
    with FolderCarrier(str(source), str(staged)) as carrier:
        carrier.make_ahead(["events"])
        assert carrier.settle() == []
    assert not (staged / "events").exists()


def test_a_run_whose_folders_could_not_be_made_ahead_makes_them(election, cast, monkeypatch):
    with time_machine.travel(NOW, tick=False):
        published(election, cast, topic="Road safety", answer="Ten cameras.")
        first = publish_site(election)
        published(election, cast, topic="Night cover", answer="Two vans.")
    monkeypatch.setattr(target_module, "_MKDIR", shutil.which("false"))
    with time_machine.travel(NOW.replace(minute=5), tick=False):
        second = publish_site(election)
    versions = default_target().versions_dir
    old = json.loads((versions / first.version / "manifest.json").read_text())
    new = json.loads((versions / second.version / "manifest.json").read_text())
    assert set(old["files"]) < set(new["files"])
    assert all((versions / second.version / path).is_file() for path in new["files"])


def test_without_gnu_cp_each_file_is_linked_when_carried(tmp_path, monkeypatch):
    source, staged = _linked_ahead(tmp_path, {"entries/NS26-0001.html": b"one"})
    monkeypatch.setattr(target_module, "_CP", shutil.which("false"))  # cp fails
    (staged / "entries").mkdir()
    (staged / "entries/half-made.html").write_bytes(b"")  # what a failed cp could leave
    with FolderCarrier(str(source), str(staged)) as carrier:
        carrier.link_ahead(["entries"])
        carrier.settle()
        stat = carrier.carry("entries/NS26-0001.html")
        assert carrier.sweep() == []
    assert sorted(os.listdir(staged / "entries")) == ["NS26-0001.html"]
    assert stat.st_ino == os.stat(source / "entries/NS26-0001.html").st_ino


def test_a_symbolic_link_in_the_live_folder_is_never_carried_as_a_link(tmp_path):
    source, staged = _linked_ahead(tmp_path, {"entries/NS26-0001.html": b"one"})
    (tmp_path / "elsewhere.html").write_bytes(b"one")  # the same bytes as the recorded file
    os.replace(source / "entries/NS26-0001.html", tmp_path / "moved.html")
    os.symlink(tmp_path / "elsewhere.html", source / "entries/NS26-0001.html")
    with FolderCarrier(str(source), str(staged)) as carrier:
        carrier.link_ahead(["entries"])
        carrier.settle()
        assert (staged / "entries/NS26-0001.html").is_symlink()  # as cp -P linked it
        found = carrier.carry("entries/NS26-0001.html")
    carried = staged / "entries/NS26-0001.html"
    assert stat.S_ISREG(found.st_mode) and not carried.is_symlink()
    assert found.st_ino == os.stat(tmp_path / "elsewhere.html").st_ino  # as one by one


def test_without_cp_nothing_is_linked_ahead_and_a_failed_run_stops_cp(tmp_path, monkeypatch):
    source, staged = _linked_ahead(tmp_path, {"entries/NS26-0001.html": b"one"})
    monkeypatch.setattr(target_module, "_CP", None)
    with FolderCarrier(str(source), str(staged)) as carrier:
        carrier.link_ahead(["entries"])
        carrier.settle()
        assert not (staged / "entries").exists()
    monkeypatch.undo()
    # A cp that never ends, run as the real one is (by sh, behind chrt, then find): it says it
    # is alive by touching a file every tenth of a second.
    alive, pid_file = tmp_path / "alive", tmp_path / "cp.pid"
    endless = tmp_path / "endless-cp"
    endless.write_text(
        f"#!/bin/sh\necho $$ > '{pid_file}'\nwhile :; do touch '{alive}'; sleep 0.1; done\n"
    )
    endless.chmod(0o755)
    monkeypatch.setattr(target_module, "_CP", str(endless))
    with pytest.raises(RuntimeError), FolderCarrier(str(source), str(staged)) as carrier:
        carrier.link_ahead(["entries"])
        _wait_for(alive.exists)
        raise RuntimeError("the run failed while reading")
    # Stopped with everything it started, not left running.
    pid = int(pid_file.read_text())
    _wait_for(lambda: _gone(pid))
    alive.unlink()
    time.sleep(0.5)
    assert not alive.exists()


def test_linking_ahead_runs_only_when_the_processor_is_free_of_the_run(tmp_path, monkeypatch):
    """The processes that link and list ahead run under SCHED_IDLE (issue 16): the run, and
    the database answering it, come first on the processor; they are needed only at settle."""
    source, staged = _linked_ahead(tmp_path, {"entries/NS26-0001.html": b"one"})
    policy = tmp_path / "policy"
    spy = tmp_path / "cp"  # says which scheduling policy it runs under, then links as cp does
    spy.write_text(f"#!/bin/sh\nchrt -p $$ > '{policy}'\nexec cp \"$@\"\n")
    spy.chmod(0o755)
    monkeypatch.setattr(target_module, "_CP", str(spy))
    with FolderCarrier(str(source), str(staged)) as carrier:
        carrier.link_ahead(["entries"])
        carrier.settle()
        assert (staged / "entries" / "NS26-0001.html").read_bytes() == b"one"
    assert "SCHED_IDLE" in policy.read_text()


def _wait_for(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _gone(pid: int) -> bool:
    """Return True if process `pid` has ended (gone, or a zombie waiting to be reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as found:
            return found.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_a_run_never_writes_into_the_live_version_and_drops_what_it_did_not_plan(
    election, cast, monkeypatch
):
    with time_machine.travel(NOW, tick=False):
        first_entry = published(election, cast, topic="Road safety", answer="Ten cameras.")
        second_entry = published(election, cast, topic="Night cover", answer="Two vans.")
        first = publish_site(election)
    versions = default_target().versions_dir
    live = versions / first.version
    page = f"entries/{second_entry.reference}.html"
    live_page = (live / page).read_bytes()
    stray = live / "entries" / "NS26-9999.html"  # never planned, never checked
    stray.write_bytes(b"<p>left here by hand</p>")
    services.withdraw(second_entry.pk, "Superseded by newer figures.", cast["spoc"])
    swept = []
    real_sweep = FolderCarrier.sweep
    monkeypatch.setattr(FolderCarrier, "sweep", lambda self: swept.extend(real_sweep(self)))
    with time_machine.travel(NOW.replace(minute=5), tick=False):
        second = publish_site(election)
    # Linked with the rest (a withdrawal: the live generation is not added to), then removed.
    assert swept == ["entries/NS26-9999.html"]
    new = versions / second.version
    assert page in second.rendered
    assert (live / page).read_bytes() == live_page  # the live version's file, untouched
    assert b"Two vans" in live_page and b"Two vans" not in (new / page).read_bytes()
    carried = f"entries/{first_entry.reference}.html"
    assert carried in second.carried
    assert os.stat(new / carried).st_ino == os.stat(live / carried).st_ino
    assert not (new / "entries" / "NS26-9999.html").exists()
    manifest = json.loads((new / "manifest.json").read_text())
    on_disk = set(default_target().files(second.version))  # through the generations' links
    assert on_disk == set(manifest["files"]) | {"manifest.json"}
    # The withdrawn answer's topic is gone from the register, and its folder with it.
    topic_folder = live / "register" / "topics" / "night-cover"
    assert topic_folder.is_dir() and not (new / topic_folder.relative_to(live)).exists()
    assert all(any(folder.iterdir()) for folder in new.rglob("*") if folder.is_dir())


def test_a_live_permalink_changed_by_hand_is_never_carried_as_it_is(election, cast, monkeypatch):
    with time_machine.travel(NOW, tick=False):
        kept_entry = published(election, cast, topic="Road safety", answer="Ten cameras.")
        edited_entry = published(election, cast, topic="Road safety", answer="Two vans.")
        first = publish_site(election)
    live = default_target().versions_dir / first.version
    edited = f"entries/{edited_entry.reference}.html"
    page = (live / edited).read_bytes()
    # Changed in place (the same inode, the same size, a new modification time).
    (live / edited).write_bytes(page.replace(b"Two vans.", b"Six vans."))
    in_bulk = []
    real_keep = FolderCarrier.keep_linked

    def keep_linked(self, folder, records, whole=False, lines=None):
        names = real_keep(self, folder, records, whole, lines)
        in_bulk.extend(f"{folder}/{name}" for name in names)
        return names

    monkeypatch.setattr(FolderCarrier, "keep_linked", keep_linked)
    with time_machine.travel(NOW.replace(minute=5), tick=False):
        published(election, cast, topic="Night cover", answer="One car.")
        second = publish_site(election)
    new = default_target().versions_dir / second.version
    kept = f"entries/{kept_entry.reference}.html"
    assert kept in in_bulk and edited not in in_bulk
    assert os.stat(new / kept).st_ino == os.stat(live / kept).st_ino
    # Read, found not to be the file that was checked, and rendered again.
    assert (new / edited).read_bytes() == page
    assert os.stat(new / edited).st_ino != os.stat(live / edited).st_ino


def test_the_folders_made_ahead_are_the_live_version_s_and_their_parents_only():
    previous = {
        "index.html": {},
        "register/topics/road-safety/page-2/index.html": {},
        "cy/register/index.html": {},
        "entries/NS26-0001.html": {},
        "cy/entries/NS26-0001.html": {},
        "../outside/x.html": {},
        "/srv/x/y.html": {},
        "/top.html": {},
        "register/a/../../x.html": {},
        "register//x.html": {},
        "register/./x.html": {},
    }
    assert publish_module._folders_to_make(previous, {"entries", "cy/entries"}) == [
        "cy",
        "register",
        "cy/register",
        "register/topics",
        "register/topics/road-safety",
        "register/topics/road-safety/page-2",
    ]


def test_a_register_emptied_by_a_withdrawal_leaves_no_empty_folder(election, cast):
    with time_machine.travel(NOW, tick=False):
        entry = published(election, cast, topic="Road safety", answer="Ten cameras.")
        first = publish_site(election)
    services.withdraw(entry.pk, "Superseded by newer figures.", cast["spoc"])
    with time_machine.travel(NOW.replace(minute=5), tick=False):
        second = publish_site(election)
    versions = default_target().versions_dir
    assert (versions / first.version / "register" / "topics").is_dir()
    new = versions / second.version
    assert not (new / "register" / "topics").exists()
    assert all(any(folder.iterdir()) for folder in new.rglob("*") if folder.is_dir())


def test_a_file_is_never_written_over(tmp_path):
    existing = tmp_path / "page.html"
    existing.write_bytes(b"live")
    with pytest.raises(FileExistsError):
        checks._write(str(existing), b"new")
    assert existing.read_bytes() == b"live"


@pytest.mark.parametrize("listing", ["listed by find", "without find"], indirect=True)
def test_files_listed_by_find_are_kept_without_a_stat_each(tmp_path, listing, monkeypatch):
    names = [f"NS26-{n:04d}.html" for n in range(1, 6)]
    source, staged = _linked_ahead(tmp_path, {f"entries/{name}": name.encode() for name in names})
    records = {name: _record(source / "entries" / name) for name in names}
    looked_at = []
    real_stat = os.stat

    def counting_stat(path, *args, **kwargs):
        looked_at.append(path)
        return real_stat(path, *args, **kwargs)

    with FolderCarrier(str(source), str(staged)) as carrier:
        carrier.link_ahead(["entries"])
        carrier.settle()
        monkeypatch.setattr(os, "stat", counting_stat)
        kept = carrier.keep_linked("entries", records)
        monkeypatch.setattr(os, "stat", real_stat)
    assert sorted(kept) == names
    # find listed them as it linked them (in its own process): no stat of each in the run.
    assert sorted(looked_at) == ([] if listing == "listed by find" else names)


def test_a_listing_line_kept_from_the_last_run_serves_its_own_record_only(tmp_path):
    names = ["NS26-0001.html", "NS26-0002.html"]
    source, staged = _linked_ahead(tmp_path, {f"entries/{name}": name.encode() for name in names})
    records = {name: _record(source / "entries" / name) for name in names}
    with FolderCarrier(str(source), str(staged)) as carrier:
        carrier.link_ahead(["entries"])
        carrier.settle()
        assert sorted(carrier.keep_linked("entries", records)) == names
    # The next run's live manifest records another size for the first file (a new record):
    # the line kept for the old record is not this one's, and the file is not carried in bulk.
    later = dict(records)
    later[names[0]] = {**records[names[0]], "size": records[names[0]]["size"] + 1}
    next_staged = tmp_path / "next"
    next_staged.mkdir()
    with FolderCarrier(str(source), str(next_staged)) as carrier:
        carrier.link_ahead(["entries"])
        carrier.settle()
        assert carrier.keep_linked("entries", later) == [names[1]]
