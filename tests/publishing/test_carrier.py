"""Carrying the live version's files into a new one (publishing.site.target.FolderCarrier):
a hard link made at the folders' descriptors, a copy when a link cannot be made, each file's
os.stat returned, and every descriptor closed, by a run as by the carrier itself."""

from __future__ import annotations

import errno
import os

import time_machine

from publishing.site.publish import publish_site
from publishing.site.target import FolderCarrier, default_target
from tests.builders import NOW, published


def _open_descriptors() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


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
    assert _open_descriptors() == before
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
        publish_site(election)
        published(election, cast, topic="Night cover")
    before = _open_descriptors()
    with time_machine.travel(NOW.replace(minute=5), tick=False):
        second = publish_site(election)
    assert second.carried and second.rendered
    assert _open_descriptors() == before
    versions = default_target().versions_dir
    carried = second.carried[0]
    assert (versions / second.version / carried).stat().st_nlink >= 2
