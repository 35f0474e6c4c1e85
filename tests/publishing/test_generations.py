"""Permalink folders shared between versions as generations (publishing.site.target, issue
16): an approval's run adds its new permalinks to the live version's generation, once checked,
and links nothing; any other run gives its version a generation of its own; a blocked run adds
nothing; rollback serves the version's own permalinks only; pruning keeps what is linked."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from candidates.services import create_candidate
from publishing import services
from publishing.models import PublicEntry
from publishing.site import publish_site, rollback_to
from publishing.site import target as target_module
from publishing.site.target import GENERATION_GRACE, LocalTarget, default_target
from tests.builders import NOW, published
from tests.factories import PartyFactory


@pytest.fixture(autouse=True)
def _no_listing_lines_kept():
    target_module._LINES.clear()
    yield
    target_module._LINES.clear()


def publish_at(election, minute: int):
    with time_machine.travel(NOW.replace(minute=minute), tick=False):
        return publish_site(election)


def generation(target: LocalTarget, version: str, folder: str = "entries") -> str:
    """Return the name of the generation `version`'s `folder` links to (it must be a link)."""
    link = target.versions_dir / version / folder
    assert link.is_symlink(), f"{folder} of {version} is not a link to a generation"
    real = os.path.realpath(link)
    assert os.path.dirname(real) == os.path.realpath(target.generations_dir)
    return os.path.basename(real)


def names(target: LocalTarget, generation_name: str) -> set[str]:
    return set(os.listdir(target.generations_dir / generation_name))


def permalinks(target: LocalTarget, version: str, folder: str = "entries") -> set[str]:
    """Return the permalinks `version`'s manifest records in `folder`."""
    files = target.manifest(version)["files"]
    return {p.rpartition("/")[2] for p in files if p.rpartition("/")[0] == folder}


def test_an_approval_adds_its_permalink_to_the_live_generation_and_links_nothing(election, cast):
    first_entry = published(election, cast, topic="Horses", answer="Two police horses.")
    first = publish_at(election, 0)
    target = default_target()
    shared = generation(target, first.version)
    assert names(target, shared) == {f"{first_entry.reference}.html"}
    welsh = generation(target, first.version, "cy/entries")
    assert welsh != shared

    second_entry = published(election, cast, topic="Dogs", answer="Nine police dogs.")
    second = publish_at(election, 5)
    assert second.status == "published"
    # The same generations, with the new permalink added; the first one carried as it was.
    assert generation(target, second.version) == shared
    assert generation(target, second.version, "cy/entries") == welsh
    new = f"{second_entry.reference}.html"
    assert names(target, shared) == {f"{first_entry.reference}.html", new}
    assert f"entries/{first_entry.reference}.html" in second.carried
    assert f"entries/{new}" in second.rendered
    # Served through the link, and recorded with the file's own size and time.
    page = target.current_path / "entries" / new
    assert "Nine police dogs" in page.read_text()
    record = target.manifest(second.version)["files"][f"entries/{new}"]
    assert record["size"] == page.stat().st_size and record["mtime_ns"] == page.stat().st_mtime_ns
    # Nothing left in staging, and every file of the version found through the links.
    assert not any(target.staging_dir.iterdir())
    assert f"entries/{new}" in target.files(second.version)
    assert f"cy/entries/{new}" in target.files(second.version)
    assert set(target.files(second.version)) - {"manifest.json"} == set(
        target.manifest(second.version)["files"]
    )


def test_a_withdrawal_gives_the_new_version_a_generation_of_its_own(election, cast):
    kept = published(election, cast, topic="Horses", answer="Two police horses.")
    gone = published(election, cast, topic="Dogs", answer="Nine police dogs.")
    first = publish_at(election, 0)
    target = default_target()
    services.withdraw(gone.pk, "Superseded by newer figures.", cast["spoc"])
    second = publish_at(election, 5)
    assert second.status == "published"
    before, after = generation(target, first.version), generation(target, second.version)
    assert before != after
    # The live version's generation is as it was; the new one holds the notice.
    assert (
        "Nine police dogs"
        in (target.generations_dir / before / f"{gone.reference}.html").read_text()
    )
    notice = (target.current_path / "entries" / f"{gone.reference}.html").read_text()
    assert "Superseded by newer figures." in notice and "police dogs" not in notice
    # The unchanged permalink is the same file (a hard link), not a copy.
    old = target.generations_dir / before / f"{kept.reference}.html"
    new = target.generations_dir / after / f"{kept.reference}.html"
    assert old.stat().st_ino == new.stat().st_ino
    assert names(target, after) == permalinks(target, second.version)


def test_a_blocked_approval_adds_nothing_to_the_live_generation(election, cast, spoc):
    create_candidate(
        election=election,
        by=spoc,
        at=NOW,
        name="Gareth Llewellyn-Harris",
        party=PartyFactory(name="Northshire Green Party"),
        emails=["gareth@llewellyn4pcc.example.org"],
    )
    published(election, cast, topic="Horses", answer="Two police horses.")
    first = publish_at(election, 0)
    target = default_target()
    shared = generation(target, first.version)
    before = names(target, shared)
    leak = published(election, cast, topic="Dogs", answer="Nine police dogs.")
    # The candidate's private e-mail written straight into the new answer.
    PublicEntry.objects.filter(pk=leak.pk).update(
        answer="Write to gareth@llewellyn4pcc.example.org."
    )
    blocked = publish_at(election, 5)
    assert blocked.status == "blocked"
    assert names(target, shared) == before
    assert f"{leak.reference}.html" not in os.listdir(target.current_path / "entries")
    assert target.versions() == [first.version]
    assert not any(target.staging_dir.iterdir())


def test_rollback_serves_only_the_versions_own_permalinks(election, cast):
    published(election, cast, topic="Horses", answer="Two police horses.")
    first = publish_at(election, 0)
    target = default_target()
    later = published(election, cast, topic="Dogs", answer="Nine police dogs.")
    second = publish_at(election, 5)
    assert generation(target, second.version) == generation(target, first.version)
    page = f"{later.reference}.html"
    # Before the rollback, the first version's folder shows the later permalink too.
    assert page in os.listdir(target.versions_dir / first.version / "entries")

    rollback_to(first.version)
    assert target.current_version() == first.version
    assert page not in os.listdir(target.current_path / "entries")
    assert set(os.listdir(target.current_path / "entries")) == permalinks(target, first.version)
    assert page not in os.listdir(target.current_path / "cy" / "entries")
    # The later version still serves it, if made live again.
    assert page in os.listdir(target.versions_dir / second.version / "entries")
    # And the next approval starts from the first version's own generation.
    third = publish_at(election, 10)
    assert third.status == "published"
    assert generation(target, third.version) == generation(target, first.version)
    assert page in os.listdir(target.current_path / "entries")  # published again, checked


def _approval_after_first(election, cast, change):
    """Publish one entry, `change` the live generation (given the target and its folder),
    publish an approval; return the target, the live generation's name, the second run."""
    entry = published(election, cast, topic="Horses", answer="Two police horses.")
    first = publish_at(election, 0)
    target = default_target()
    shared = target.generations_dir / generation(target, first.version)
    change(shared, entry)
    published(election, cast, topic="Dogs", answer="Nine police dogs.")
    second = publish_at(election, 5)
    assert second.status == "published"
    return target, shared.name, second, entry


def test_a_generation_with_a_file_put_there_by_hand_is_not_added_to(election, cast):
    def plant(shared, entry):
        (shared / "planted.html").write_text("<p>Not a file of any version</p>")

    target, shared, second, _entry = _approval_after_first(election, cast, plant)
    fresh = generation(target, second.version)
    assert fresh != shared
    assert "planted.html" not in names(target, fresh)
    assert names(target, fresh) == permalinks(target, second.version)


def test_a_generation_with_a_link_or_folder_put_there_is_not_added_to(election, cast, tmp_path):
    outside = tmp_path / "outside.html"
    outside.write_text("<p>Outside the site</p>")

    def plant(shared, entry):
        (shared / "planted.html").symlink_to(outside)
        (shared / "sub").mkdir()
        (shared / "sub" / "x.html").write_text("<p>In a folder</p>")

    target, shared, second, _entry = _approval_after_first(election, cast, plant)
    fresh = generation(target, second.version)
    assert fresh != shared
    assert names(target, fresh) == permalinks(target, second.version)
    served = set(target.files(second.version))
    assert "entries/planted.html" not in served and "entries/sub/x.html" not in served


def test_a_permalink_edited_in_place_in_the_generation_is_rendered_again(election, cast):
    def edit(shared, entry):
        live = shared / f"{entry.reference}.html"
        live.write_text(live.read_text().replace("Two police horses", "Edited by hand"))

    target, shared, second, entry = _approval_after_first(election, cast, edit)
    assert generation(target, second.version) != shared
    served = (target.current_path / "entries" / f"{entry.reference}.html").read_text()
    assert "Two police horses" in served and "Edited by hand" not in served


def test_a_run_killed_between_adding_and_switching_is_taken_back_by_the_next(
    election, cast, monkeypatch
):
    published(election, cast, topic="Horses", answer="Two police horses.")
    first = publish_at(election, 0)
    target = default_target()
    shared = generation(target, first.version)
    before = names(target, shared)
    added = published(election, cast, topic="Dogs", answer="Nine police dogs.")
    real_switch = LocalTarget.switch

    def killed(self, version):  # as a worker killed there (the run is recorded as failed)
        raise OSError("killed between commit and switch")

    monkeypatch.setattr(LocalTarget, "switch", killed)
    with pytest.raises(OSError, match="killed"):
        publish_at(election, 5)
    monkeypatch.setattr(LocalTarget, "switch", real_switch)
    page = f"{added.reference}.html"
    # The window: the live version's folder has it, its manifest does not.
    assert target.current_version() == first.version
    assert page in names(target, shared)
    (committed,) = set(target.versions()) - {first.version}
    # The next run takes it back first, with the version it committed and never made live.
    target.stage("next")
    assert names(target, shared) == before
    assert committed not in target.versions()
    # So the generation is exactly the live manifest again, and the next approval adds to it.
    third = publish_at(election, 9)
    assert third.status == "published"
    assert generation(target, third.version) == shared
    assert page in names(target, shared)
    # Once made live, what it added stays (the journal is gone).
    target.stage("after")
    assert page in names(target, shared)


def test_commit_never_replaces_a_file_already_in_the_generation(tmp_path):
    target = LocalTarget(tmp_path)
    live = target.generations_dir / "20260101T000000Z-0123abcd"
    live.mkdir(parents=True)
    (live / "A.html").write_bytes(b"live")
    staged = target.stage("20260101T000100Z-2")
    (staged / "entries").mkdir()
    (staged / "entries" / "B.html").write_bytes(b"new")
    (staged / "entries" / "A.html").write_bytes(b"other")
    with pytest.raises(FileExistsError):
        target.commit(staged.name, staged, ["entries"], {"entries": str(live)})
    assert (live / "A.html").read_bytes() == b"live"
    # The next run takes back only what this one added, never the file that was there.
    target.stage("20260101T000200Z-3")
    assert sorted(os.listdir(live)) == ["A.html"]


def test_pruning_deletes_only_old_generations_no_version_links(election, cast):
    published(election, cast, topic="Horses", answer="Two police horses.")
    gone = published(election, cast, topic="Dogs", answer="Nine police dogs.")
    first = publish_at(election, 0)
    target = default_target()
    kept = generation(target, first.version)  # a kept version's, not the live one's
    services.withdraw(gone.pk, "Superseded by newer figures.", cast["spoc"])
    linked = generation(target, publish_at(election, 5).version)
    assert kept != linked
    old = target.generations_dir / "20200101T000000Z-0123abcd"
    old.mkdir()
    young_name = target_module._new_generation_name(datetime.now(UTC) - GENERATION_GRACE / 2)
    young = target.generations_dir / young_name
    young.mkdir()
    stranger = target.generations_dir / "not-a-generation"
    stranger.mkdir()
    assert target._prune_generations() == [old.name]  # the young one may be a rollback's
    assert target._prune_generations(now=datetime.now(UTC) + timedelta(days=1)) == [young_name]
    assert (target.generations_dir / linked).is_dir() and stranger.is_dir()
    assert (target.generations_dir / kept).is_dir()
    target.prune()
    assert (target.generations_dir / linked).is_dir() and (target.generations_dir / kept).is_dir()


def test_a_run_that_changes_a_permalink_never_writes_into_the_live_generation(election, cast):
    kept = published(election, cast, topic="Horses", answer="Two police horses.")
    gone = published(election, cast, topic="Dogs", answer="Nine police dogs.")
    first = publish_at(election, 0)
    target = default_target()
    shared = target.generations_dir / generation(target, first.version)
    # The withdrawn entry's live file lost by hand: the folder now lists only what is kept,
    # but the live version still records it, and its new file (the notice) is a change.
    (shared / f"{gone.reference}.html").unlink()
    services.withdraw(gone.pk, "Superseded by newer figures.", cast["spoc"])
    second = publish_at(election, 5)
    assert second.status == "published"
    assert generation(target, second.version) != shared.name
    assert names(target, shared.name) == {f"{kept.reference}.html"}
    notice = (target.current_path / "entries" / f"{gone.reference}.html").read_text()
    assert "Superseded by newer figures." in notice


def test_an_approval_into_a_register_with_a_withdrawn_entry_still_only_adds(election, cast):
    published(election, cast, topic="Horses", answer="Two police horses.")
    gone = published(election, cast, topic="Dogs", answer="Nine police dogs.")
    services.withdraw(gone.pk, "Superseded by newer figures.", cast["spoc"])
    first = publish_at(election, 0)
    target = default_target()
    shared = generation(target, first.version)
    assert f"{gone.reference}.html" in names(target, shared)  # its notice
    new = published(election, cast, topic="Cats", answer="No police cats.")
    second = publish_at(election, 5)
    assert second.status == "published"
    # The answers' permalinks and the notices share the folder: kept as one, and added to.
    assert generation(target, second.version) == shared
    assert f"{new.reference}.html" in names(target, shared)
    assert f"entries/{gone.reference}.html" in second.carried


def test_a_run_that_reads_carried_files_again_links_the_shared_folder_whole(
    election, cast, settings, monkeypatch
):
    kept = published(election, cast, topic="Horses", answer="Two police horses.")
    first = publish_at(election, 0)
    target = default_target()
    # Without the live version's check record (another server, a cleared cache), every
    # carried file is read and checked again: the run cannot only add to the generation.
    for record in (Path(settings.VAR_DIR) / "cache" / "publish-checks").iterdir():
        record.unlink()
    published(election, cast, topic="Dogs", answer="Nine police dogs.")
    links = []
    real_link = os.link
    monkeypatch.setattr(os, "link", lambda *a, **k: links.append(a) or real_link(*a, **k))
    second = publish_at(election, 5)
    assert second.status == "published"
    assert f"entries/{kept.reference}.html" in second.carried
    page = f"{kept.reference}.html"
    assert page not in {str(a[0]) for a in links}  # linked whole by cp, not one by one
    assert generation(target, second.version) != generation(target, first.version)
    old = target.versions_dir / first.version / "entries" / page
    assert (target.current_path / "entries" / page).stat().st_ino == old.stat().st_ino
