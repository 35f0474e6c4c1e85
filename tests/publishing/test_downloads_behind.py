"""The whole-register downloads (CSV, JSON, search index) after an approval that only adds
(issue 16): the approval's run keeps the live files, the step that follows it (the register
PDF's) makes them; anything else that changes them (a withdrawal, a correction, a new entry
before the last) makes them in the approval's own run, as before.

Reference election: the PCC polls of Thursday 2 May 2024 (tests.factories.ElectionFactory).
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine

from publishing import services
from publishing.site import publish as publish_module
from publishing.site.pages.plan import _behind
from publishing.site.publish import forget_kept, publish_site, publish_slow_files
from publishing.site.target import default_target
from tests.builders import NAMED_LATER, NOW, named_later_as_requester, published
from tests.clock import frozen_clock

_frozen = frozen_clock(NOW, autouse=True)

DOWNLOADS = ("register.csv", "register.json", "search-index.json")


@pytest.fixture
def live(election, cast, monkeypatch):
    """Two answers published in full (the command's way: nothing left behind); the slow
    step's task is not enqueued (the tests run it themselves)."""
    forget_kept()
    monkeypatch.setattr(publish_module, "enqueue_slow_files", lambda pk: True)
    entries = [
        published(election, cast, topic="Road safety", answer="Twelve cameras on the A66."),
        published(election, cast, topic="Night cover", answer="Eight officers overnight."),
    ]
    assert publish_site(election).status == "published"
    yield entries
    forget_kept()


def _live_files() -> tuple[dict[str, bytes], dict[str, dict]]:
    target = default_target()
    manifest = target.manifest(target.current_version())
    folder = target.current_path
    return (
        {name: (folder / name).read_bytes() for name in DOWNLOADS},
        {name: manifest["files"][name] for name in DOWNLOADS},
    )


def test_an_approval_that_only_adds_keeps_the_downloads_until_the_step_that_follows(
    election, cast, live
):
    before, _ = _live_files()
    third = published(election, cast, topic="Rural crime", answer="Four rural officers.")
    result = publish_site(election, slow="defer")
    assert result.status == "published"
    assert set(DOWNLOADS) <= set(result.slow_pending) and set(DOWNLOADS) <= set(result.carried)
    kept, records = _live_files()
    assert kept == before  # the live files themselves, without the new answer yet
    for name in DOWNLOADS:
        assert third.reference.encode() not in kept[name], name
        assert records[name]["behind"] is True and records[name]["entries"] == 2
    # The new answer's own page is live at once.
    assert (default_target().current_path / f"entries/{third.reference}.html").exists()

    assert publish_slow_files(election.pk) == "published"
    made, records = _live_files()
    for name in DOWNLOADS:
        assert third.reference.encode() in made[name], name
        assert "behind" not in records[name] and records[name]["entries"] == 3
    document = json.loads(made["register.json"])
    assert [e["reference"] for e in document["entries"]][-1] == third.reference
    assert publish_slow_files(election.pk) == "up to date"


def test_two_approvals_before_the_step_keep_the_files_the_first_kept(election, cast, live):
    before, _ = _live_files()
    published(election, cast, topic="Rural crime")
    assert publish_site(election, slow="defer").status == "published"
    fourth = published(election, cast, topic="Custody")
    result = publish_site(election, slow="defer")
    kept, records = _live_files()
    assert kept == before and set(DOWNLOADS) <= set(result.slow_pending)
    assert all(records[name]["entries"] == 2 for name in DOWNLOADS)
    assert publish_slow_files(election.pk) == "published"
    made, _ = _live_files()
    assert all(fourth.reference.encode() in made[name] for name in DOWNLOADS)


def test_a_withdrawal_leaves_the_downloads_in_the_approvals_own_run(election, cast, live):
    first = live[0]
    # More entries than the live files hold: only the key check tells they are not behind.
    published(election, cast, topic="Rural crime")
    published(election, cast, topic="Custody")
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        services.set_public_status(
            first.pk, "withdrawn", by=cast["ce"], reason="It named a person."
        )
        result = publish_site(election, slow="defer")
    assert result.status == "published"
    assert not set(DOWNLOADS) & set(result.slow_pending)
    made, records = _live_files()
    document = json.loads(made["register.json"])
    assert first.reference not in [e["reference"] for e in document["entries"]]
    assert first.answer.encode() not in made["register.csv"]
    assert all("behind" not in records[name] for name in DOWNLOADS)


def test_a_correction_is_in_the_downloads_in_the_approvals_own_run(election, cast, live):
    first = live[0]
    published(election, cast, topic="Rural crime")  # and an entry added: not behind still
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        correction = services.correct(
            first.pk, "Nine officers cover the night.", "The number was corrected.", cast["ce"]
        )
        services.approve_correction(correction.pk, cast["spoc"])
        result = publish_site(election, slow="defer")
    assert result.status == "published"
    assert not set(DOWNLOADS) & set(result.slow_pending)
    made, _ = _live_files()
    assert b"The number was corrected." in made["register.csv"]
    assert b"Nine officers cover the night." in made["register.json"]


def test_a_kept_download_is_still_checked_for_details_recorded_since(election, cast, live):
    """A file left behind is carried from the live version: it is checked again against the
    identifiers recorded since, as every carried file is (publish._carried_check)."""
    entry = published(election, cast, topic="Horses", answer=NAMED_LATER)
    assert publish_site(election).status == "published"
    published(election, cast, topic="Rural crime")
    named_later_as_requester(election, cast)
    result = publish_site(election, slow="defer")
    assert result.status == "blocked"
    assert "register.csv" in result.reason and entry.reference in result.reason


def test_the_beat_asks_again_for_downloads_left_behind(election, cast, live, monkeypatch):
    asked = []
    monkeypatch.setattr(publish_module, "enqueue_slow_files", lambda pk: asked.append(pk) or True)
    published(election, cast, topic="Rural crime")
    result = publish_site(election, slow="defer")
    assert set(DOWNLOADS) <= set(result.slow_pending)
    assert publish_module._requeue_stand_ins(NOW + timedelta(seconds=30)) == 0
    assert publish_module._requeue_stand_ins(NOW + timedelta(minutes=3)) == 1
    assert asked == [election.pk]


def test_behind_only_for_the_same_first_entries():
    """Output.behind for the whole-register files (plan._behind): the live file may stay only
    if it was made from the first entries of these, unchanged, and there are more now."""

    def key(digests):
        return "k:" + ",".join(digests)

    behind = _behind(["a", "b", "c"], key)["behind"]
    assert behind({"key": key(["a", "b"]), "entries": 2})
    assert behind({"key": key([]), "entries": 0})
    assert not behind({"key": key(["a", "b", "c"]), "entries": 3})  # not behind: the same
    assert not behind({"key": key(["a", "x"]), "entries": 2})  # an entry changed since
    assert not behind({"key": key(["a", "c"]), "entries": 2})  # "b" is new, before the last
    assert not behind({"key": key(["a", "b"])})  # a record made before the count was kept
    assert not behind({"key": key(["a", "b"]), "entries": "2"})
    assert not behind({"key": key(["a", "b", "c", "d"]), "entries": 4})  # an entry gone
    assert _behind(["a"], key)["extra"] == {"entries": 1}


def test_a_failing_pdf_part_leaves_no_download_behind(election, cast, live, monkeypatch):
    """The step makes the downloads before the PDF's parts, and publishes them even when a
    part fails (the task is retried for the PDF)."""
    from publishing.site import pages

    third = published(election, cast, topic="Rural crime")
    assert set(DOWNLOADS) <= set(publish_site(election, slow="defer").slow_pending)

    def out_of_memory(html):
        raise MemoryError("a part too large")

    monkeypatch.setattr(pages.pdf, "render_pdf", out_of_memory)
    with pytest.raises(MemoryError):
        publish_slow_files(election.pk)
    made, records = _live_files()
    for name in DOWNLOADS:
        assert third.reference.encode() in made[name], name
        assert "behind" not in records[name]
