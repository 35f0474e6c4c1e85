"""The permalinks' generations' listings a worker keeps between runs (publishing.site.listings,
issue 16): a kept listing, brought up to date from the kernel's events, is line for line what
find lists at that moment, after every kind of change a file can go through, in the
generation or through a hard link in another; anything the events cannot account for makes
the run list the generation again; and a warm worker's approval starts no listing, yet still
renders again a permalink edited by hand since its last run."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import time_machine
from inotify_simple import Event, flags

from publishing.site import listings, publish_site
from publishing.site import target as target_module
from publishing.site.target import FolderCarrier, default_target
from tests.builders import NOW, published


@pytest.fixture(autouse=True)
def _nothing_kept():
    listings.forget()
    yield
    listings.forget()


@pytest.fixture
def site(tmp_path):
    """A live version whose entries/ links to a generation of three permalinks, and a staged
    one: what FolderCarrier lists (its _list_ahead)."""
    generations = tmp_path / "permalinks"
    shared = generations / "20261207T090000Z-0000000a"
    shared.mkdir(parents=True)
    for n in range(3):
        (shared / f"NS26-{n:04d}.html").write_text(f"<p>Answer {n}</p>")
    live = tmp_path / "versions" / "live"
    live.mkdir(parents=True)
    (live / "entries").symlink_to(os.path.relpath(shared, live))
    staged = tmp_path / "staging" / "next"
    staged.mkdir(parents=True)
    return live, staged, generations, shared


def listed(site) -> tuple[set[str], bool]:
    """Return the lines a run's carrier has for entries/, and whether it started find."""
    live, staged, generations, _shared = site
    with FolderCarrier(str(live), str(staged), str(generations)) as carrier:
        carrier.link_ahead(["entries"])
        started = "entries" in carrier._linking
        carrier.settle()
        return set(carrier._listed["entries"]), started


def find_lists(generation: Path) -> set[str]:
    done = subprocess.run(  # noqa: S603 - find on a test folder
        target_module._listing_command(str(generation)), capture_output=True, check=True
    )
    return set(os.fsdecode(done.stdout).split("\0"))


def test_a_kept_listing_is_what_find_lists_after_each_kind_of_change(site, tmp_path):
    _live, _staged, generations, shared = site
    # A generation made from this one before the listing (cp -l: the same files).
    other = generations / "20261207T080000Z-0000000b"
    shutil.copytree(shared, other, copy_function=os.link)
    lines, started = listed(site)
    assert started and lines == find_lists(shared)

    outside = tmp_path / "new.html"
    changes = {
        "added": lambda: (outside.write_text("<p>New</p>"), os.link(outside, shared / "N.html")),
        "written in place": lambda: (shared / "NS26-0000.html").write_text("<p>Changed!</p>"),
        "touched": lambda: os.utime(shared / "NS26-0001.html", ns=(1, 2_000_000_001)),
        "removed": lambda: (shared / "N.html").unlink(),
        "replaced by a rename": lambda: (
            (shared / ".tmp").write_text("<p>Swapped in</p>"),
            os.replace(shared / ".tmp", shared / "NS26-0002.html"),
        ),
        # Through the other generation's link to the same file: its folder's event.
        "written through another link": lambda: (other / "NS26-0001.html").write_text("<p>x</p>"),
    }
    for change, make in changes.items():
        make()
        lines, started = listed(site)
        assert not started, change  # kept, and brought up to date
        assert lines == find_lists(shared), change


def test_a_new_generation_makes_the_next_run_list_again(site):
    _live, _staged, generations, shared = site
    assert listed(site)[1]
    assert not listed(site)[1]
    # It may hold links to the kept generation's files, made before it was watched.
    shutil.copytree(shared, generations / "20261207T100000Z-0000000c", copy_function=os.link)
    lines, started = listed(site)
    assert started and lines == find_lists(shared)
    assert not listed(site)[1]  # watched now: kept again


def test_a_listing_is_taken_again_once_it_is_too_old_or_too_much_changed(site, monkeypatch):
    _live, _staged, _generations, shared = site
    assert listed(site)[1]
    monkeypatch.setattr(listings, "TRUSTED_FOR", 0.0)
    assert listed(site)[1]
    monkeypatch.setattr(listings, "TRUSTED_FOR", 600.0)
    assert not listed(site)[1]
    monkeypatch.setattr(listings, "MOST_TO_LOOK_AT", 1)
    for n in range(2):
        (shared / f"NS26-{n:04d}.html").write_text("<p>Both changed</p>")
    lines, started = listed(site)
    assert started and lines == find_lists(shared)


def test_a_name_no_longer_a_plain_file_makes_the_run_list_again(site):
    _live, _staged, _generations, shared = site
    assert listed(site)[1]
    (shared / "NS26-0000.html").unlink()
    (shared / "NS26-0000.html").mkdir()
    lines, started = listed(site)
    assert started and "/" in lines  # as find lists it: never added to (keep_linked)
    assert listed(site)[1]  # a listing with "/" in it is never kept


def test_an_overflowed_queue_or_another_process_s_watch_keeps_nothing(site, monkeypatch):
    assert listed(site)[1]
    watching = listings._WATCHING
    real_read = watching.inotify.read

    def overflowed(timeout=None):
        monkeypatch.setattr(watching.inotify, "read", real_read)
        return [Event(wd=-1, mask=flags.Q_OVERFLOW, cookie=0, name="")]

    monkeypatch.setattr(watching.inotify, "read", overflowed)
    lines, started = listed(site)
    assert started and listings._WATCHING is not watching  # watched afresh
    assert lines == find_lists(site[3])
    assert not listed(site)[1]
    # Made before a fork: the events are the other process's to read, never this one's.
    monkeypatch.setattr(listings._WATCHING, "pid", os.getpid() + 1)
    assert listed(site)[1]
    assert not listed(site)[1]


def test_a_warm_worker_lists_nothing_yet_renders_again_a_permalink_edited_by_hand(
    election, cast, monkeypatch
):
    with time_machine.travel(NOW, tick=False):
        entry = published(election, cast, topic="Horses", answer="Two police horses.")
        publish_site(election)
    with time_machine.travel(NOW.replace(minute=5), tick=False):
        published(election, cast, topic="Dogs", answer="Nine police dogs.")
        publish_site(election)  # lists the generations, and keeps the listings
    started = []
    real_start = FolderCarrier._start

    def start(self, folder, command, *, listed):
        started.append(folder)
        return real_start(self, folder, command, listed=listed)

    monkeypatch.setattr(FolderCarrier, "_start", start)
    with time_machine.travel(NOW.replace(minute=10), tick=False):
        published(election, cast, topic="Cats", answer="No police cats.")
        third = publish_site(election)
    assert third.status == "published"
    assert not {"entries", "cy/entries"} & set(started)  # both listings kept
    target = default_target()
    page = target.current_path / "entries" / f"{entry.reference}.html"
    # Edited by hand in the live generation since the last run: the kernel's event names it,
    # and the run looks at it again (a kept listing not brought up to date would carry it).
    page.write_text(page.read_text().replace("Two police horses.", "Two police mares."))
    started.clear()
    with time_machine.travel(NOW.replace(minute=15), tick=False):
        fourth = publish_site(election)  # nothing new in the register: only the edit differs
    assert not {"entries", "cy/entries"} & set(started)  # the kept listings, brought up to date
    assert fourth.status == "published" and not fourth.unchanged
    assert f"entries/{entry.reference}.html" in fourth.rendered
    served = (target.current_path / "entries" / f"{entry.reference}.html").read_text()
    assert "Two police horses." in served and "mares" not in served


def test_a_change_read_while_a_listing_is_being_taken_is_looked_at_once_it_is_kept(site):
    """A file edited after find listed it but before the listing is kept, its event read by
    the other language's generation's turn in between: the kept listing still looks at it."""
    _live, _staged, generations, shared = site
    welsh = generations / "20261207T090000Z-0000000d"
    shutil.copytree(shared, welsh)  # a copy: files of its own, as the Welsh permalinks are
    root = str(generations)
    lines, taken = listings.kept(root, str(shared))
    assert lines is None and taken is not None
    listing = find_lists(shared)
    (shared / "NS26-0000.html").write_text("<p>Edited after find listed it</p>")
    lines, welsh_taken = listings.kept(root, str(welsh))  # reads the event meanwhile
    listings.keep(str(welsh), find_lists(welsh), welsh_taken)
    listings.keep(str(shared), listing, taken)
    lines, taken = listings.kept(root, str(shared))
    assert taken is None and lines == find_lists(shared)
    assert listings.kept(root, str(welsh)) == (find_lists(welsh), None)


def test_a_listing_taken_while_everything_was_forgotten_is_not_kept(site):
    _live, _staged, generations, shared = site
    root = str(generations)
    _lines, taken = listings.kept(root, str(shared))
    listing = find_lists(shared)
    listings.forget()  # an overflow, say, before the listing is kept
    listings.keep(str(shared), listing, taken)
    lines, taken = listings.kept(root, str(shared))
    assert lines is None and taken is not None  # listed again


def test_a_generation_renamed_makes_every_listing_taken_again(site):
    _live, _staged, generations, shared = site
    other = generations / "20261207T080000Z-0000000b"
    shutil.copytree(shared, other, copy_function=os.link)
    assert listed(site)[1]
    assert not listed(site)[1]
    other.rename(generations / "20261207T080000Z-0000000e")
    assert listed(site)[1]  # watched afresh, every generation under its name
    assert not listed(site)[1]
