"""What each version was checked against (publishing.site.checks, issue 16): a run that keeps
the live version's record writes its own as changes from it, read back (by a process that keeps
nothing) as the very record it kept; a chain never grows past RECORD_CHAIN; a record whose base
is gone is no record (the run checks everything); and old records are pruned, never one a kept
record is made from."""

from __future__ import annotations

import json
import os
import time
from datetime import timedelta

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from publishing.site import checks, publish_site
from publishing.site.target import live_site, site_target
from tests.builders import NOW, published


def publish_at(election, minutes: int):
    with time_machine.travel(NOW + timedelta(minutes=minutes), tick=False):
        result = publish_site(election, slow="defer")
    assert result.status == "published"
    return result


def live_record(election) -> tuple[str, dict]:
    """The live version's manifest digest and its check record's file, parsed."""
    target = site_target(live_site(election, NOW.date()))
    digest = checks._sha(target.manifest_bytes(target.current_version()))
    return digest, json.loads(checks._check_record_file(digest).read_text())


def two_versions(election, cast) -> tuple[str, str, dict]:
    """Publish two versions (an answer each); return the first's manifest digest, the
    second's, and the second's check record, parsed."""
    published(election, cast, topic="Horses", answer="Two police horses.")
    publish_at(election, 0)
    first_digest, _ = live_record(election)
    published(election, cast, topic="Dogs", answer="Nine police dogs.")
    publish_at(election, 5)
    digest, record = live_record(election)
    return first_digest, digest, record


def test_a_record_made_from_the_live_one_is_its_changes_and_reads_back_whole(election, cast):
    published(election, cast, topic="Horses", answer="Two police horses at Ripon.")
    publish_at(election, 0)
    first_digest, first = live_record(election)
    assert "base" not in first  # made from nothing: whole
    published(
        election,
        cast,
        topic="Dogs",
        question="How many police dogs are there?",
        answer="Nine police dogs at Harrogate.",
        requester_type="public",
        requester_name="Peregrine Oddfellow",
        requester_email="peregrine.oddfellow@example.org",
    )
    publish_at(election, 5)
    digest, record = live_record(election)
    assert record["base"] == checks._check_record_file(first_digest).name
    assert record["depth"] == 1
    assert record["added"] and record["removed"] == []  # the new requester's identifiers
    assert "harrogate" in record["words"]["added"] and "ripon" not in record["words"]["added"]
    written = checks._RECORD_KEPT[checks._check_record_file(digest)]
    # Read by a process that keeps nothing: the record as written, from the chain on disk.
    checks._RECORD_KEPT.clear()
    checked, summary = checks._check_record(digest)
    assert checked == written.checked and len(checked) > len(first["identifiers"])
    assert summary.words == written.summary.words and "ripon" in summary.words
    assert summary.digits == written.summary.digits
    # A copy: what the caller adds is not in what is kept.
    summary.words.add("added-by-the-caller")
    assert "added-by-the-caller" not in checks._check_record(digest)[1].words


def test_a_chain_of_records_is_written_whole_again_after_record_chain(election, cast, monkeypatch):
    monkeypatch.setattr(checks, "RECORD_CHAIN", 2)
    depths = []
    for n in range(5):
        published(election, cast, topic=f"Topic {n}", answer=f"Answer number {n}.")
        publish_at(election, n * 5)
        depths.append(live_record(election)[1].get("depth", 0))
    assert depths == [0, 1, 2, 0, 1]


def test_a_record_whose_base_is_gone_is_no_record(election, cast):
    first_digest, digest, record = two_versions(election, cast)
    assert "base" in record
    checks._check_record_file(first_digest).unlink()
    checks._RECORD_KEPT.clear()
    with pytest.raises(OSError):
        checks._check_record(digest)
    # The run then checks every file, carried or not, as without a record.
    checker = object()
    assert checks._carried_check(digest, [], checker) == (checker, None)


def test_old_records_are_pruned_but_never_one_a_kept_record_is_made_from(
    election, cast, monkeypatch, settings
):
    monkeypatch.setattr(checks, "RECORDS_KEPT", 2)
    for n in range(4):
        published(election, cast, topic=f"Topic {n}", answer=f"Answer number {n}.")
        publish_at(election, n * 5)
    folder = checks._check_record_file("0" * 64).parent
    names = sorted(os.listdir(folder), key=lambda name: (folder / name).stat().st_mtime)
    assert len(names) == 4
    # All made more than the grace ago but the newest; the newest two kept, with the chain
    # they are made from (every record since the first, whole, one).
    old = time.time() - checks.RECORD_GRACE.total_seconds() - 60
    for name in names:
        os.utime(folder / name, (old, old))
    os.utime(folder / names[-1])
    stray = folder / ("f" * 64 + ".json")
    stray.write_text(json.dumps({"identifiers": [], "summary": {}}))
    os.utime(stray, (old - 60, old - 60))
    assert checks._prune_check_records() == [stray.name]
    assert sorted(os.listdir(folder)) == sorted(names)
    # Written whole again, the newest and the only one kept: the older chain goes.
    monkeypatch.setattr(checks, "RECORD_CHAIN", 0)
    published(election, cast, topic="Topic 9", answer="Answer number nine.")
    publish_at(election, 60)
    digest, record = live_record(election)
    assert "base" not in record
    for name in names:
        os.utime(folder / name, (old, old))
    monkeypatch.setattr(checks, "RECORDS_KEPT", 1)
    assert sorted(checks._prune_check_records()) == sorted(names)
    assert os.listdir(folder) == [checks._check_record_file(digest).name]
    checks._RECORD_KEPT.clear()
    assert checks._check_record(digest)[0]


def test_a_record_whose_base_was_written_again_is_no_record(election, cast):
    """An unchanged run records the live version's check again, under the same name: a record
    made from the old one names its base with the size and time it had, so it is no record
    now, never one read against the rewritten content."""
    first_digest, digest, record = two_versions(election, cast)
    base = checks._check_record_file(first_digest)
    assert record["base"] == base.name and record["base_stat"] == [
        base.stat().st_size,
        base.stat().st_mtime_ns,
    ]
    checks._RECORD_KEPT.clear()
    assert checks._check_record(digest)[0]  # read through its base
    data = json.loads(base.read_text())
    base.write_text(json.dumps({**data, "identifiers": data["identifiers"][:1]}))
    checks._RECORD_KEPT.clear()
    with pytest.raises(ValueError, match="written again"):
        checks._check_record(digest)


def test_an_unchanged_run_never_vouches_for_a_manifest_it_did_not_write(election, cast):
    """A live manifest edited by hand (here only its time) is no run's: the unchanged run that
    follows records its check again, as one of a manifest no run wrote, so a worker keeping
    the manifest it was made from still parses it instead of taking its changes."""
    from publishing.site import publish as publish_module
    from publishing.site.target import MANIFEST

    _first, digest, _record = two_versions(election, cast)
    target = site_target(live_site(election, NOW.date()))
    path = target.versions_dir / target.current_version() / MANIFEST
    assert checks._written_by_a_run(digest)
    on_disk = json.loads(path.read_bytes())
    assert "changes" in on_disk
    path.write_text(json.dumps({**on_disk, "generated_at": "2026-12-07T00:00:00+00:00"},
                               sort_keys=True) + "\n")  # fmt: skip
    edited = path.read_bytes()
    edited_digest = checks._sha(edited)
    result = publish_at(election, 10)
    assert result.unchanged  # the live version stays, its check recorded again
    assert checks._check_record_file(edited_digest).is_file()
    assert not checks._written_by_a_run(edited_digest)
    # A worker keeping the manifest it was made from (the first version's).
    first = target.versions()[0]
    base = target.manifest_bytes(first)
    assert checks._sha(base) == on_disk["changes"]["base"]
    publish_module._MANIFEST_KEPT.clear()
    publish_module._MANIFEST_KEPT[checks._sha(base)] = json.loads(base)
    assert publish_module._apply_changes(edited, edited_digest) is None
    # Only the record's word stops it: had a run written the file, its changes would do.
    checks._save_check_record(edited_digest, [], checks.scan.Summary(), written=True)
    assert publish_module._apply_changes(edited, edited_digest) is not None


def test_a_manifest_s_digest_is_kept_for_the_file_as_written_and_only_for_it(
    election, cast, monkeypatch
):
    """A run keeps the SHA-256 of the manifest it wrote, named by the file's device, inode,
    size and time (checks._record_manifest_digest): the next run takes it instead of hashing
    the file (a worker keeping that manifest does not even read it); a manifest written
    again since (here edited in place by hand, its list of files changed) is hashed and
    parsed, so what it says is what counts; and the digests are pruned once old."""
    from publishing.site import publish as publish_module

    published(election, cast, topic="Horses", answer="Two police horses.")
    publish_at(election, 0)
    target = site_target(live_site(election, NOW.date()))
    version = target.current_version()
    data = target.manifest_bytes(version)
    found = target.manifest_stat(version)
    expected = checks._sha(data)
    assert checks._recorded_manifest_digest(found) == expected

    hashed, read = [], []
    real_sha, real_read = publish_module.hashlib.sha256, target.manifest_bytes

    def sha256(*data):  # the manifest's bytes hashed (not a record's name)
        if data and len(data[0]) > 1000:
            hashed.append(1)
        return real_sha(*data)

    monkeypatch.setattr(publish_module.hashlib, "sha256", sha256)
    monkeypatch.setattr(target, "manifest_bytes", lambda v: read.append(v) or real_read(v))
    manifest, digest = publish_module._previous_manifest(target, version)
    assert digest == expected and not hashed and not read  # kept: not even read
    publish_module._MANIFEST_KEPT.clear()
    manifest, digest = publish_module._previous_manifest(target, version)
    assert digest == expected and read and not hashed  # read, not hashed
    assert manifest == json.loads(data)

    # Edited by hand: another file, another size and time. Hashed, and parsed as it is now.
    path = target.versions_dir / version / "manifest.json"
    edited = json.loads(data)
    del edited["files"]["index.html"]
    path.write_text(json.dumps(edited, sort_keys=True) + "\n")
    assert checks._recorded_manifest_digest(target.manifest_stat(version)) is None
    publish_module._MANIFEST_KEPT.clear()
    manifest, digest = publish_module._previous_manifest(target, version)
    assert hashed and digest == real_sha(path.read_bytes()).hexdigest()
    assert "index.html" not in manifest["files"]

    # Written again at the same size (a digest's character changed): its time says so.
    same_size = bytearray(path.read_bytes())
    at = same_size.index(b'"sha256": "') + len(b'"sha256": "')
    same_size[at] = ord("0") if same_size[at] != ord("0") else ord("1")
    before = path.stat()
    path.write_bytes(bytes(same_size))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    assert path.stat().st_size == before.st_size
    hashed.clear()
    publish_module._MANIFEST_KEPT.clear()
    manifest, digest = publish_module._previous_manifest(target, version)
    assert hashed and digest == real_sha(bytes(same_size)).hexdigest()

    # Pruned with the check records, once as old.
    kept = checks._manifest_digest_file(found)
    old = time.time() - checks.RECORD_GRACE.total_seconds() - 60
    os.utime(kept, (old, old))
    checks._prune_check_records()
    assert not kept.exists()


@settings(max_examples=200, deadline=None)
@given(now=st.sets(st.sampled_from("abcdefgh")), then=st.sets(st.sampled_from("abcdefgh")))
def test_what_a_record_adds_and_removes_is_the_two_differences(now, then):
    added, removed = checks._added_and_removed(frozenset(now), then)
    assert (set(added), set(removed)) == (now - then, then - now)
    assert len(added) == len(now - then) and len(removed) == len(then - now)
