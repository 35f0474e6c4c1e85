"""The public election page: rendered from the gate, checked for leaks, switched atomically,
incremental, rolled back; and a crawl of the demo's whole site for its private identifiers.

Reference election: the PCC polls of Thursday 2 May 2024 (tests.factories.ElectionFactory).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from candidates.services import create_candidate
from election_protocol.calendar import LONDON
from election_protocol.models import Election
from election_protocol.roles import Role
from publishing import services
from publishing.models import Correction, PublicEntry, PublishRun
from publishing.site import checks, pages, publish_site, publish_slow_files, rollback_to, scan
from publishing.site import rollback as rollback_module
from publishing.site.health import site_state
from publishing.site.publish import RollbackError, forget_kept, requeue_publish_runs
from publishing.site.target import LocalTarget, StorageTarget, TargetError, default_target
from requests_register.models import OutboundEmail
from tests.builders import (
    ANSWER,
    NAMED_LATER,
    NOW,
    REQUESTER_TRACES,
    answered,
    named_later_as_requester,
    published,
    read_site,
    text,
)
from tests.clock import frozen_clock
from tests.factories import PartyFactory
from tests.publishing.test_publish_health import _page_state

_frozen = frozen_clock(NOW, autouse=True)


@pytest.fixture
def candidate(election, spoc):
    party = PartyFactory(name="Northshire Green Party", short_forms=["Greens"])
    return create_candidate(
        election=election,
        by=spoc,
        at=NOW,
        name="Gareth Llewellyn-Harris",
        party=party,
        emails=["gareth@llewellyn4pcc.example.org"],
        phones=["07700 900456"],
        postal_address="Flat 2, 18 Station Road, Penrith CA11 7JQ",
        handles=["@GazForPCC"],
        website="https://llewellyn4pcc.example.org",
    )


def publish_at(election, *, minute: int):
    """Publish the site `minute` minutes past NOW (each version is named by its time)."""
    with time_machine.travel(NOW.replace(minute=minute), tick=False):
        return publish_site(election)


# --- the "Done when" ---------------------------------------------------------------------------


def test_an_approved_answer_is_on_every_output_with_no_trace_of_the_requester(
    election, cast, candidate, tmp_path
):
    entry = published(election, cast)
    result = publish_site(election, to=tmp_path / "site")
    assert result.status == "published"
    files = read_site(tmp_path / "site")
    page = text(files[f"entries/{entry.reference}.html"])
    assert "Eight officers cover the Eden district overnight" in page
    assert 'href="../register/topics/night-cover/index.html">Night cover</a>' in text(
        files["register/index.html"]
    )
    assert entry.reference in text(files["register/topics/night-cover/index.html"])
    feed = ET.fromstring(files["feed.atom"])  # noqa: S314 - our own output
    atom = "{http://www.w3.org/2005/Atom}"
    [item] = feed.findall(f"{atom}entry")
    assert item.find(f"{atom}title").text == f"{entry.reference}: Night cover"
    assert "Eight officers" in item.find(f"{atom}summary").text
    assert item.find(f"{atom}link").get("href") == f"entries/{entry.reference}.html"
    rows = list(csv.DictReader(io.StringIO(text(files["register.csv"]))))
    assert [(r["Reference"], r["Answer"]) for r in rows] == [(entry.reference, ANSWER)]
    doc = json.loads(files["register.json"])
    assert [(e["reference"], e["answer"]) for e in doc["entries"]] == [(entry.reference, ANSWER)]
    pdf_source = pages.pdf_html(pages.load(election))
    assert "Eight officers cover the Eden district overnight" in pdf_source
    assert files["register.pdf"].startswith(b"%PDF-")
    pdf_text = "\n".join(scan.pdf_texts(files["register.pdf"]))
    assert "Eight officers cover the Eden district overnight" in pdf_text
    assert "Register of answers: Office of the Police and Crime Commissioner" in pdf_text
    everything = [*(text(d) for p, d in files.items() if not p.endswith(".pdf")), pdf_text]
    everything.append(pdf_source)
    # Content digests (hex, in manifest.json) can spell "ca17" by chance: they carry no text.
    everything = [re.sub(r"\b[0-9a-f]{32,}\b", "", t) for t in everything]
    for trace in REQUESTER_TRACES:
        assert not any(trace.casefold() in t.casefold() for t in everything), trace


def test_only_published_entries_reach_the_site(election, cast, tmp_path):
    draft = services.prepare_public_entry(
        answered(election, cast, answer="A draft answer about horses."), cast["spoc"]
    )
    shown = published(election, cast, answer="A published answer about ponies.")
    publish_site(election, to=tmp_path)
    files = read_site(tmp_path)
    blob = "\n".join(text(d) for p, d in files.items() if not p.endswith(".pdf"))
    assert "ponies" in blob and shown.reference in blob
    assert "horses" not in blob and draft.reference not in blob


def test_a_planted_leak_stops_publication_with_a_clear_alert(election, cast, candidate):
    entry = published(election, cast)
    first = publish_site(election)
    assert first.status == "published"
    target = default_target()
    live = os.readlink(target.current_path)
    # A candidate's private e-mail written straight into a published answer.
    PublicEntry.objects.filter(pk=entry.pk).update(
        answer="Write to gareth@llewellyn4pcc.example.org for the figures."
    )
    result = publish_site(election)
    run = PublishRun.objects.get(pk=PublishRun.objects.order_by("-pk").first().pk)
    assert result.status == "blocked" and run.status == PublishRun.Status.BLOCKED
    assert f"entries/{entry.reference}.html" in run.reason
    assert "A candidate's e-mail address found in" in run.reason
    assert "register.csv" in run.reason and "register.pdf" in run.reason
    assert "gareth" not in run.reason.casefold() and "llewellyn" not in run.reason.casefold()
    email = OutboundEmail.objects.get(purpose="public_site_blocked")
    assert email.to == [cast["spoc"].email]
    assert "previous version is still online" in email.body
    assert run.reason in email.body and "llewellyn" not in email.body.casefold()
    # Nothing switched, nothing left behind.
    assert os.readlink(target.current_path) == live
    assert (target.root / "current.txt").read_text().strip() == first.version
    assert target.versions() == [first.version]
    assert not any(target.staging_dir.iterdir())
    served = (target.current_path / f"entries/{entry.reference}.html").read_text()
    assert "llewellyn" not in served.casefold()


def test_a_leak_in_a_large_whole_register_file_is_found_in_its_changed_lines(
    election, cast, candidate, monkeypatch
):
    """In the whole-register files of a large register (here every file counts as large), a
    run finds what changed by comparing bytes and reads only those lines and their context
    (scan.changed_lines): a candidate's details in one answer are found in each of them, and
    a clean change publishes."""
    monkeypatch.setattr(checks, "LINES_COMPARED_FROM", 0)
    read = []
    real = scan.changed_lines
    monkeypatch.setattr(scan, "changed_lines", lambda path, *a: read.append(path) or real(path, *a))
    entries = [published(election, cast, topic=f"Topic {n}") for n in range(3)]
    assert publish_at(election, minute=1).status == "published"
    PublicEntry.objects.filter(pk=entries[1].pk).update(
        answer="Ask Gareth Llewellyn-Harris, who has the figures."
    )
    blocked = publish_at(election, minute=2)
    assert blocked.status == "blocked"
    found = {f.path for f in blocked.findings if f.kind == "a candidate's name"}
    whole_register = {"register.csv", "register.json", "search-index.json"}
    assert whole_register <= found
    assert whole_register <= set(read)
    PublicEntry.objects.filter(pk=entries[1].pk).update(answer="Eleven officers, as before.")
    read.clear()
    clean = publish_at(election, minute=3)
    assert clean.status == "published", clean.reason
    assert whole_register <= set(read)


def test_a_detail_that_became_private_after_publication_is_reported_as_live(election, cast):
    entry = published(election, cast, topic="Horses", answer=NAMED_LATER)
    assert publish_site(election).status == "published"
    named_later_as_requester(election, cast)
    result = publish_site(election)
    assert result.status == "blocked"
    # Both languages' permalinks are live (issue 7: the Welsh pages are scanned too).
    assert (
        f"The live version has it too, in cy/entries/{entry.reference}.html, "
        f"entries/{entry.reference}.html" in result.reason
    )


@pytest.mark.parametrize(
    ("planted", "kind"),
    [
        ("Ring 07700 900456.", "A candidate's phone number"),
        ("Ring +44 (0)7700-900-456.", "A candidate's phone number"),
        ("Gareth Llewellyn-Harris said so.", "A candidate's name"),
        ("As LLEWELLYN HARRIS said.", "A candidate's surname"),
        ("Mr Llewellyn-Harris said so.", "A candidate's surname"),
        ("Visit 18 Station Road.", "A candidate's postal address"),
        ("Post to CA117JQ.", "A candidate's postcode"),
        ("Follow gazforpcc.", "A candidate's social media handle"),
        ("See llewellyn4pcc.example.org/about.", "A candidate's website"),
        ("Ask dot.pennington@example.net.", "A requester's e-mail address"),
        ("Ask Ms Pennington-Smythe.", "A requester's surname"),
    ],
)
def test_the_check_finds_each_kind_of_identifier(election, cast, candidate, planted, kind):
    entry = published(election, cast)
    PublicEntry.objects.filter(pk=entry.pk).update(answer=planted)
    result = publish_site(election)
    assert result.status == "blocked"
    assert f"{kind} found in" in result.reason


def test_public_contacts_parties_and_ordinary_words_are_not_leaks(election, cast, candidate):
    entry = published(election, cast)
    PublicEntry.objects.filter(pk=entry.pk).update(
        answer="Contact spoc@testshire.example.org or 07700 900002, or the PARO at "
        "paro@testshire.example.org. The Greens and the Northshire Green Party asked too; "
        "the station road is closed at night, as Gareth would tell you."
    )
    assert publish_site(election).status == "published"


def test_the_pdf_metadata_is_checked_too():
    from weasyprint import HTML

    pdf = HTML(
        string="<html lang=en><head><title>For rowan.pettifer@example.org</title></head>"
        "<body><p>Nothing here.</p></body></html>"
    ).write_pdf()
    checker = scan.Scanner(
        [
            scan.Identifier(
                "a candidate's e-mail address", tokens=scan.tokens("rowan.pettifer@example.org")
            )
        ]
    )
    assert checker.scan("register.pdf", scan.pdf_texts(pdf)) == [
        scan.Finding("a candidate's e-mail address", "register.pdf")
    ]


# --- switching, rollback, keeping five -------------------------------------------------------


def test_a_new_version_is_switched_atomically_and_rollback_works(election, cast):
    published(election, cast, topic="Horses", answer="Two police horses.")
    first = publish_site(election)
    target = default_target()
    assert os.readlink(target.current_path) == f"versions/{first.version}"
    assert first.version.endswith(f"-{PublishRun.objects.get().pk}")
    published(election, cast, topic="Dogs", answer="Nine police dogs.")
    second = publish_at(election, minute=5)
    assert target.current_version() == second.version
    assert "Nine police dogs" in (target.current_path / "register.csv").read_text()

    run = rollback_to(first.version)
    assert run.status == "published" and run.version == first.version
    assert os.readlink(target.current_path) == f"versions/{first.version}"
    assert (target.root / "current.txt").read_text().strip() == first.version
    assert "Nine police dogs" not in (target.current_path / "register.csv").read_text()

    call_command("publish_site", "--rollback", second.version)
    assert target.current_version() == second.version
    with pytest.raises(CommandError, match="no complete version"):
        call_command("publish_site", "--rollback", "20240101T000000Z-99")
    with pytest.raises(RollbackError):
        rollback_to("../../etc")


def test_rollback_refuses_a_version_that_now_holds_a_private_identifier(election, cast):
    published(election, cast, topic="Horses", answer=NAMED_LATER)
    first = publish_site(election)
    assert first.status == "published"
    published(election, cast, topic="Dogs", answer="Nine police dogs.")
    assert publish_at(election, minute=3).status == "published"
    # Later she asks a question herself: her name is now a requester's, and private.
    named_later_as_requester(election, cast)
    with pytest.raises(RollbackError, match="A requester's name found in"):
        rollback_to(first.version)
    # Nothing recorded: the claim it held while it checked is given back.
    assert list(PublishRun.objects.values_list("status", flat=True)) == ["published"] * 2
    # A run can claim again (no PublishBusy); its own check blocks it, as the live version
    # holds her name too.
    assert publish_at(election, minute=5).status == "blocked"


def test_the_live_version_is_not_rolled_back_to(election, cast):
    """Nothing to switch, so refused and nothing recorded; and so a version found live after
    a rollback's process died was made live by that rollback (requeue_publish_runs)."""
    published(election, cast, topic="Horses", answer="Two police horses.")
    first = publish_site(election)
    with pytest.raises(RollbackError, match=f"Version {first.version} is already the live"):
        rollback_to(first.version)
    assert list(PublishRun.objects.values_list("status", flat=True)) == ["published"]
    assert default_target().current_version() == first.version


def test_a_rollback_is_refused_while_a_publish_run_is_rendering(election, cast):
    """A rollback holds the claim a publish run holds: while a run renders, it is refused
    with a message that says what to do, and nothing is switched; once the run has finished,
    the same rollback goes through."""
    published(election, cast, topic="Horses", answer="Two police horses.")
    first = publish_site(election)
    published(election, cast, topic="Dogs", answer="Nine police dogs.")
    second = publish_at(election, minute=5)
    target = default_target()
    rendering = PublishRun.objects.create(
        election=election, status="running", created_at=NOW, started_at=NOW, progress_at=NOW
    )
    with pytest.raises(RollbackError, match="A publish run is rendering now"):
        rollback_to(first.version)
    with pytest.raises(CommandError, match="Try again when it has finished"):
        call_command("publish_site", "--rollback", first.version)
    assert target.current_version() == second.version
    assert PublishRun.objects.filter(status="running").get() == rendering

    PublishRun.objects.filter(pk=rendering.pk).update(status="published")
    run = rollback_to(first.version)
    assert run.status == "published" and run.progress == f"Rolled back to version {first.version}"
    assert target.current_version() == first.version


def test_a_rollback_is_refused_while_a_publish_run_is_waiting(election, cast):
    published(election, cast, topic="Horses", answer="Two police horses.")
    first = publish_site(election)
    published(election, cast, topic="Dogs", answer="Nine police dogs.")
    second = publish_at(election, minute=5)
    PublishRun.objects.create(election=election, status="queued", created_at=NOW)
    with pytest.raises(RollbackError, match="waiting to publish approved changes"):
        rollback_to(first.version)
    assert default_target().current_version() == second.version
    assert not PublishRun.objects.filter(status="running").exists()


def test_after_a_rollback_the_approver_is_told_what_the_page_shows(election, cast, client):
    """A rollback to a version made before an approval takes that entry off the page until
    the next run, and its review page says so (health.site_state). Before, it said "On the
    public election page", as a run had published after the approval. An entry that the
    version rolled back to holds is still live; a rollback to a version made after the
    approval, or a publish run after the rollback, puts it back."""
    horses = published(election, cast, topic="Horses", answer="Two police horses.")
    first = publish_site(election)
    dogs = published(
        election, cast, topic="Dogs", answer="Nine police dogs.", now=NOW + timedelta(minutes=2)
    )
    second = publish_at(election, minute=5)
    assert site_state(election.pk, dogs.approved_at).kind == "live"

    with time_machine.travel(NOW.replace(minute=7), tick=False):
        rollback_to(first.version)
    state = site_state(election.pk, dogs.approved_at)
    assert state.kind == "rolled-back"
    assert f"rolled back to version {first.version}, made before this change" in state.text
    assert site_state(election.pk, horses.approved_at).kind == "live"
    kind, text = _page_state(client, cast["ce"], dogs)
    assert kind == "rolled-back"
    assert text.startswith(
        f"Rolled back Not on the public page now: it was rolled back to version {first.version}"
    )
    assert text.endswith("Publish now on the Publishing runs page. Publishing runs")

    with time_machine.travel(NOW.replace(minute=9), tick=False):
        rollback_to(second.version)
    assert site_state(election.pk, dogs.approved_at).kind == "live"
    assert _page_state(client, cast["ce"], dogs) == ("live", "On the public election page.")

    with time_machine.travel(NOW.replace(minute=11), tick=False):
        rollback_to(first.version)
    assert site_state(election.pk, dogs.approved_at).kind == "rolled-back"
    # A run after the rollback says what it says: blocked is not "rolled back".
    blocked = PublishRun.objects.create(
        election=election,
        status="blocked",
        created_at=NOW.replace(minute=12),
        started_at=NOW.replace(minute=12),
        finished_at=NOW.replace(minute=12),
        reason="Private details found.",
    )
    assert site_state(election.pk, dogs.approved_at).kind == "not-published"
    blocked.delete()
    assert publish_at(election, minute=13).status == "published"
    assert site_state(election.pk, dogs.approved_at).kind == "live"


def test_a_correction_is_dated_by_its_approval_on_the_review_page(election, cast, client):
    """The review page asks whether a correction is on the page from when it was approved
    (publishing.views._site_state), not from when it was proposed: a version published while
    it waited does not have it, and a rollback to that version says so."""
    dogs = published(election, cast, topic="Dogs", answer="Nine police dogs.")
    with time_machine.travel(NOW.replace(minute=1), tick=False):
        correction = services.correct(dogs.pk, "Ten police dogs.", "The count was ten.", cast["ce"])
    first = publish_at(election, minute=3)  # the correction still waits for a second person
    assert not any(b"Ten police dogs" in data for data in read_site(first.folder).values())
    with time_machine.travel(NOW.replace(minute=5), tick=False):
        services.approve_correction(correction.pk, cast["spoc"])
    second = publish_at(election, minute=7)
    assert any(b"Ten police dogs" in data for data in read_site(second.folder).values())
    assert _page_state(client, cast["ce"], dogs) == ("live", "On the public election page.")
    with time_machine.travel(NOW.replace(minute=9), tick=False):
        rollback_to(first.version)
    assert _page_state(client, cast["ce"], dogs)[0] == "rolled-back"
    # One approved before approvals were recorded (migration 0003 left approved_at empty)
    # went live when it was made.
    Correction.objects.filter(pk=correction.pk).update(approved_at=None, at=NOW.replace(minute=5))
    assert _page_state(client, cast["ce"], dogs)[0] == "rolled-back"


def test_a_rollback_that_cannot_switch_says_so_and_gives_the_claim_back(
    election, cast, monkeypatch
):
    published(election, cast, topic="Horses", answer="Two police horses.")
    first = publish_site(election)
    published(election, cast, topic="Dogs", answer="Nine police dogs.")
    second = publish_at(election, minute=5)
    target = default_target()

    def refused(*args, **kwargs):
        raise TargetError("the storage refused the switch")

    monkeypatch.setattr(type(target), "switch", refused)
    with pytest.raises(RollbackError, match=f"Version {first.version} could not be made live"):
        rollback_to(first.version)
    monkeypatch.undo()
    assert target.current_version() == second.version
    assert list(PublishRun.objects.values_list("status", flat=True)) == ["published"] * 2
    assert rollback_to(first.version).status == "published"


def test_a_rollback_whose_process_died_is_failed_not_run_again_as_a_publish(
    election, cast, monkeypatch
):
    """A rollback's process killed mid-way leaves its claim running; once its heartbeat has
    stopped, requeue_publish_runs fails it, saying so, and frees the claim, instead of
    queueing it as a publish run, which would publish the database's state instead of the
    version asked for."""
    published(election, cast, topic="Horses", answer="Two police horses.")
    first = publish_site(election)
    published(election, cast, topic="Dogs", answer="Nine police dogs.")
    second = publish_at(election, minute=5)
    dead = rollback_module._claim(election.pk, first.version, None)  # and then killed
    PublishRun.objects.filter(pk=dead.pk).update(progress_at=timezone.now() - timedelta(minutes=5))
    queued = []
    monkeypatch.setattr("publishing.site.publish.enqueue_run", queued.append)
    requeue_publish_runs()
    dead.refresh_from_db()
    assert dead.status == "failed" and "A rollback stopped before it finished" in dead.reason
    assert queued == []
    assert default_target().current_version() == second.version
    assert rollback_to(first.version).status == "published"


def test_a_rollback_killed_after_it_switched_is_recorded_as_made(
    election, cast, client, monkeypatch
):
    """A rollback's process killed between the switch and its record: the requeue finds its
    version live and records it as made (published, rolled back), not failed, so the review
    page says what the public page shows: before, the entry was called live."""
    published(election, cast, topic="Horses", answer="Two police horses.")
    first = publish_site(election)
    dogs = published(
        election, cast, topic="Dogs", answer="Nine police dogs.", now=NOW + timedelta(minutes=2)
    )
    publish_at(election, minute=5)
    with time_machine.travel(NOW.replace(minute=7), tick=False):
        dead = rollback_module._claim(election.pk, first.version, None)
        target = default_target()
        target.fresh_generations(first.version, target.manifest(first.version))
        target.switch(first.version)  # and then killed
    PublishRun.objects.filter(pk=dead.pk).update(progress_at=timezone.now() - timedelta(minutes=5))
    monkeypatch.setattr("publishing.site.publish.enqueue_run", lambda run_id: False)
    requeue_publish_runs(now=NOW.replace(minute=8))
    dead.refresh_from_db()
    assert (dead.status, dead.version, dead.progress) == (
        "published",
        first.version,
        f"Rolled back to version {first.version}",
    )
    assert _page_state(client, cast["ce"], dogs)[0] == "rolled-back"


def test_a_dead_rollback_whose_site_cannot_be_read_is_failed_and_the_requeue_goes_on(
    election, cast, monkeypatch
):
    """The live version cannot be read (a storage down, whatever its error): the dead
    rollback is failed, which frees the claim, and the beat's requeue still hands on a run
    whose worker died."""
    published(election, cast, topic="Horses", answer="Two police horses.")
    first = publish_site(election)
    published(election, cast, topic="Dogs", answer="Nine police dogs.")
    publish_at(election, minute=5)
    dead = rollback_module._claim(election.pk, first.version, None)
    PublishRun.objects.filter(pk=dead.pk).update(progress_at=timezone.now() - timedelta(minutes=5))

    def down(*args, **kwargs):
        raise RuntimeError("the storage's endpoint could not be reached")

    monkeypatch.setattr("publishing.site.publish.live_targets", down)
    monkeypatch.setattr("publishing.site.publish._requeue_stand_ins", lambda now: 0)
    queued = []
    monkeypatch.setattr(
        "publishing.site.publish.enqueue_run", lambda run_id: queued.append(run_id) or True
    )
    lost = PublishRun.objects.create(
        election=election, status="queued", created_at=NOW - timedelta(minutes=10)
    )
    assert requeue_publish_runs() == 1
    dead.refresh_from_db()
    assert dead.status == "failed" and "A rollback stopped before it finished" in dead.reason
    assert queued == [lost.pk]


def test_the_last_five_versions_are_kept(election, cast):
    versions = []
    for minute in range(7):
        published(election, cast, topic=f"Topic {minute}", answer=f"Answer {minute}.")
        versions.append(publish_at(election, minute=minute).version)
    target = default_target()
    assert target.versions() == versions[-5:]
    assert target.current_version() == versions[-1]


def test_a_version_that_fails_midway_leaves_the_live_site_alone(election, cast, monkeypatch):
    published(election, cast)
    first = publish_site(election)
    published(election, cast, topic="Dogs", answer="Nine police dogs.")

    def crash(html):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(pages.pdf, "render_pdf", crash)
    with pytest.raises(RuntimeError):
        publish_site(election)
    target = default_target()
    assert target.current_version() == first.version
    assert target.versions() == [first.version]  # the half-built one is not a version
    assert "Nine police dogs" not in (target.current_path / "register.csv").read_text()
    monkeypatch.undo()
    failed = PublishRun.objects.order_by("-pk").first()
    assert failed.status == "failed" and "RuntimeError" in failed.reason
    assert publish_site(election).status == "published"
    assert target.current_version() != first.version


def test_any_django_storage_gets_versions_and_current_txt(election, cast, settings):
    from django.core.files.storage import storages

    settings.STORAGES = {
        **settings.STORAGES,
        "public_site": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    published(election, cast)
    first = publish_site(election)
    target = default_target()
    assert isinstance(target, StorageTarget)
    storage = storages["public_site"]
    assert storage.open("current.txt").read().decode().strip() == first.version
    assert storage.exists(f"versions/{first.version}/register.csv")
    published(election, cast, topic="Dogs", answer="Nine police dogs.")
    second = publish_at(election, minute=5)
    assert storage.open("current.txt").read().decode().strip() == second.version
    assert "static/govuk/app.css" in second.carried
    assert rollback_to(first.version).version == first.version
    assert target.current_version() == first.version


# --- incremental -------------------------------------------------------------------------------


SHARED_FILES = ["register.csv", "register.json", "search-index.json", "feed.atom", "register.pdf"]


def in_both_languages(*paths: str) -> list[str]:
    """Return each page in English and in Welsh (issue 7: the Welsh pages under cy/)."""
    return [*paths, *(f"cy/{p}" for p in paths)]


def assert_renders_only(result, *paths: str) -> None:
    """`result` rendered `paths` in both languages and the shared files, and nothing else."""
    assert sorted(result.rendered) == sorted([*in_both_languages(*paths), *SHARED_FILES])


def test_publishing_one_more_entry_renders_only_the_pages_that_change(election, cast, monkeypatch):
    monkeypatch.setattr(pages.base, "PAGE_SIZE", 2)
    # "Night cover" fills two pages and starts a third; "Road safety" has a page of its own.
    night = [published(election, cast, answer=f"Answer {n}.") for n in range(5)]
    road = published(election, cast, topic="Road safety", answer="Answer about roads.")
    first = publish_site(election)
    assert len(first.rendered) == first.files and not first.carried
    assert {
        "register/topics/night-cover/index.html",
        "register/topics/night-cover/page-2.html",
        "register/topics/night-cover/page-3.html",
        "register/topics/road-safety/index.html",
    } <= set(first.rendered)
    new = published(election, cast, answer="Answer six.")
    second = publish_at(election, minute=5)
    # The new answer lands on the third page of its topic, which still has three pages: that
    # page, the register's home (its counts) and the new permalink, in each language; the
    # shared files once. Nothing else, however long the register.
    assert_renders_only(
        second,
        f"entries/{new.reference}.html",
        "register/index.html",
        "register/topics/night-cover/page-3.html",
    )
    assert set(
        in_both_languages(
            "register/topics/night-cover/index.html",
            "register/topics/night-cover/page-2.html",
            "register/topics/road-safety/index.html",
            *(f"entries/{e.reference}.html" for e in [*night, road]),
        )
    ) <= set(second.carried)
    run = PublishRun.objects.get(version=second.version)
    assert (run.files_rendered, run.files_carried) == (11, second.files - 11)
    assert run.pages_changed == 11
    # Carried files are hard links: no copy, no extra space.
    target = default_target()
    path = f"entries/{night[0].reference}.html"
    old = target.versions_dir / first.version / path
    assert os.stat(old).st_ino == os.stat(target.versions_dir / second.version / path).st_ino
    # Nothing changed: no new version, and the five kept for rollback stay as they are.
    third = publish_at(election, minute=9)
    assert third.unchanged and third.version == second.version and not third.rendered
    assert target.versions() == [first.version, second.version]


def test_a_paginated_register_renders_its_list_pages_and_no_other_permalink(
    election, cast, monkeypatch
):
    monkeypatch.setattr(pages.base, "PAGE_SIZE", 2)
    entries = [published(election, cast, answer=f"Answer {n}.") for n in range(4)]
    entries.append(published(election, cast, topic="Road safety", answer="About roads."))
    publish_site(election)
    new = published(election, cast, answer="Answer five.")
    result = publish_at(election, minute=5)
    # "Night cover" goes from two pages to three: each of its pages says "of 3" and links to
    # the new one, so all three render; the other topic and every other permalink do not.
    assert_renders_only(
        result,
        f"entries/{new.reference}.html",
        "register/index.html",
        "register/topics/night-cover/index.html",
        "register/topics/night-cover/page-2.html",
        "register/topics/night-cover/page-3.html",
    )
    assert all(f"entries/{e.reference}.html" in result.carried for e in entries)
    assert "register/topics/road-safety/index.html" in result.carried
    files = read_site(default_target().current_path)
    second = text(files["register/topics/night-cover/page-2.html"])
    assert "Page 2 of 3." in second
    assert 'href="../../../register/topics/night-cover/page-3.html" rel="next"' in second
    assert 'href="../../../register/topics/night-cover/index.html" rel="prev"' in second
    assert new.reference in text(files["register/topics/night-cover/page-3.html"])
    # A topic's later pages are files beside its first: no folder each, to make again for
    # every version (issue 16).
    topic = default_target().current_path / "register" / "topics" / "night-cover"
    assert sorted(p.name for p in topic.iterdir()) == ["index.html", "page-2.html", "page-3.html"]


def test_a_new_topic_renders_the_home_and_its_own_page_only(election, cast, monkeypatch):
    monkeypatch.setattr(pages.base, "PAGE_SIZE", 2)
    entries = [published(election, cast, answer=f"Answer {n}.") for n in range(3)]
    entries.append(published(election, cast, topic="Road safety", answer="About roads."))
    first = publish_site(election)
    new = published(election, cast, topic="Custody", answer="Two custody suites.")
    second = publish_at(election, minute=5)
    assert_renders_only(
        second,
        f"entries/{new.reference}.html",
        "register/index.html",
        "register/topics/custody/index.html",
    )
    others = in_both_languages(
        "register/topics/night-cover/index.html",
        "register/topics/night-cover/page-2.html",
        "register/topics/road-safety/index.html",
    )
    assert set(others) <= set(first.rendered) and set(others) <= set(second.carried)
    files = read_site(default_target().current_path)
    home = text(files["register/index.html"])
    # The topics by name, each linking to its first page, with its count and latest date.
    row = re.compile(
        r'<th scope="row" class="govuk-table__header"><a class="govuk-link" href="\.\./([^"]+)">'
        r"([^<]+)</a></th>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>([^<]+)</td>"
    )
    assert row.findall(home) == [
        ("register/topics/custody/index.html", "Custody", "1", "20 February 2024"),
        ("register/topics/night-cover/index.html", "Night cover", "3", "20 February 2024"),
        ("register/topics/road-safety/index.html", "Road safety", "1", "20 February 2024"),
    ]
    topic_page = text(files["register/topics/custody/index.html"])
    assert new.reference in topic_page and "Two custody suites" not in topic_page
    assert "Page 1 of" not in topic_page and "govuk-pagination" not in topic_page
    assert 'href="../../../register/index.html">Back to the register' in topic_page
    assert 'data-index="../../../search-index.json"' in topic_page


def test_topic_folders_are_plain_slugs_made_distinct_by_a_digest():
    keys = ["road safety", "road-safety", "road  safety", "!!!", "night cover", "café", "ŵyl"]
    slugs = pages.topic_slugs(keys)
    assert slugs["road safety"] == "road-safety"  # the slug with spaces keeps it, always
    assert slugs["night cover"] == "night-cover"
    assert (slugs["café"], slugs["ŵyl"]) == ("cafe", "wyl")
    assert re.fullmatch(r"road-safety-[0-9a-f]{8}", slugs["road-safety"])
    assert re.fullmatch(r"road-safety-[0-9a-f]{8}", slugs["road  safety"])
    assert re.fullmatch(r"topic-[0-9a-f]{8}", slugs["!!!"])
    assert len(set(slugs.values())) == len(keys)
    # Deterministic whatever the order; a later look-alike leaves the plain one alone.
    assert pages.topic_slugs(list(reversed(keys))) == slugs
    assert pages.topic_slugs(["road safety"]) == {"road safety": "road-safety"}
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9_-]*", s) for s in slugs.values())


def test_pagination_shows_the_ends_this_page_and_its_neighbours():
    def numbers(p):
        return [item.get("number", "…") for item in p["items"]]

    seven = pages.pagination(7, 42, lambda n: f"p{n}")
    assert numbers(seven) == [1, "…", 6, 7, 8, "…", 42]
    assert (seven["previous"], seven["next"]) == ("p6", "p8")
    assert [i["number"] for i in seven["items"] if i.get("current")] == [7]
    assert numbers(pages.pagination(3, 5, str)) == [1, 2, 3, 4, 5]  # no ellipsis for one page
    first = pages.pagination(1, 3, str)
    assert numbers(first) == [1, 2, 3] and first["previous"] is None and first["next"] == "2"
    assert pages.pagination(1, 1, str) is None


def test_references_sort_by_their_numbers():
    refs = ["NS-10000", "NS-0002", "NS-9999", "NS-M-0001"]
    assert sorted(refs, key=pages.reference_order) == [
        "NS-0002",
        "NS-9999",
        "NS-10000",
        "NS-M-0001",
    ]


def test_a_withdrawn_entry_shows_only_its_notice(election, cast, tmp_path):
    entry = published(election, cast, topic="Horses", answer="Two police horses in 2023.")
    services.withdraw(entry.pk, "Superseded by newer figures.", cast["spoc"])
    publish_site(election, to=tmp_path)
    files = read_site(tmp_path)
    page = text(files[f"entries/{entry.reference}.html"])
    assert "Superseded by newer figures." in page and "withdrawn" in page
    assert "police horses" not in page and "Horses" not in page
    blob = "\n".join(text(d) for p, d in files.items() if not p.endswith(".pdf"))
    assert "police horses" not in blob
    doc = json.loads(files["register.json"])
    assert doc["entries"] == []
    assert [n["reference"] for n in doc["withdrawn"]] == [entry.reference]
    assert entry.reference in text(files["withdrawn/index.html"])


def test_the_csv_neutralises_formulas(election, cast, tmp_path):
    published(election, cast, topic="Formulas", answer='=HYPERLINK("http://x.example", "x")')
    publish_site(election, to=tmp_path)
    [row] = list(csv.DictReader(io.StringIO((tmp_path / "register.csv").read_text("utf-8-sig"))))
    assert row["Answer"] == '\'=HYPERLINK("http://x.example", "x")'


def test_register_pages_cost_the_same_queries_for_one_and_three_entries(election, cast, tmp_path):
    published(election, cast, topic="One", answer="One.")

    def count(folder) -> tuple[int, int]:
        """The queries of a worker's first run (nothing kept), then of a warm one."""
        forget_kept()
        counts = []
        for _ in range(2):
            fresh = Election.objects.get(pk=election.pk)  # its timetable is cached per instance
            with CaptureQueriesContext(connection) as ctx:
                publish_site(fresh, to=folder)
            counts.append(len(ctx.captured_queries))
        return counts[0], counts[1]

    one = count(tmp_path / "one")
    published(election, cast, topic="Two", answer="Two.")
    published(election, cast, topic="Three", answer="Three.")
    three = count(tmp_path / "three")
    assert one == three
    assert len(json.loads((tmp_path / "three/register.json").read_text())["entries"]) == 3


def test_a_preview_refuses_a_folder_that_is_not_a_preview(election, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(Exception, match="not empty"):
        publish_site(election, to=tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_the_command_renders_a_preview(election, cast, tmp_path, capsys):
    published(election, cast)
    call_command("publish_site", "--to", str(tmp_path / "preview"), "--election", election.pk)
    assert "Published" in capsys.readouterr().out
    assert (tmp_path / "preview/index.html").is_file()
    assert not PublishRun.objects.exists()


# --- the staff pages and the demo route --------------------------------------------------------


def test_publishing_runs_page_and_publish_now(client, election, cast, auditor, count_queries):
    published(election, cast)
    publish_site(election)
    client.force_login(cast["spoc"])
    url = "/publishing/runs/"
    one = count_queries(lambda: client.get(url))
    publish_site(election)
    publish_site(election)
    html = client.get(url).content.decode()
    assert count_queries(lambda: client.get(url)) == one
    assert html.count("No change: version") == 2 and "Publish now" in html
    response = client.post("/publishing/runs/publish/")
    assert response.status_code == 302
    run = PublishRun.objects.order_by("-pk").first()
    assert run.requested_by == cast["spoc"]
    client.force_login(auditor)
    html = client.get(url).content.decode()
    assert "Publish now" not in html and "Publishing runs" in html
    assert client.post("/publishing/runs/publish/").status_code == 403


def test_permissions_for_publishing_runs(make_user):
    from publishing import permissions

    for role, view, publish in [
        (Role.SPOC, True, True),
        (Role.CHIEF_EXECUTIVE, True, True),
        (Role.AUDITOR, True, False),
        (Role.POLICE_LIAISON, False, False),
    ]:
        user = make_user(role)
        assert permissions.can_view_publish_runs(user) is view, role
        assert permissions.can_publish_site(user) is publish, role


def test_the_demo_serves_only_the_live_version_at_election(client, election, cast, debug_urls):
    assert client.get("/election/").status_code == 404  # nothing published yet
    entry = published(election, cast)
    first = publish_site(election)
    response = client.get("/election/")  # anonymous: the public page needs no login
    assert response.status_code == 200
    assert "Election information" in b"".join(response.streaming_content).decode()
    permalink = client.get(f"/election/entries/{entry.reference}.html")
    assert permalink.status_code == 200
    assert entry.reference in b"".join(permalink.streaming_content).decode()
    assert client.get("/election/register.csv").status_code == 200
    assert client.get("/election/manifest.json").status_code == 200
    for outside in (
        "/election/../current.txt",
        "/election/%2e%2e/current.txt",
        f"/election/versions/{first.version}/index.html",
        "/election/staging/",
        "/election//etc/passwd",
    ):
        # 404, or 400 where Django refuses a path that leaves the folder.
        assert client.get(outside).status_code in (400, 404), outside


def test_the_election_route_exists_only_in_debug(client, election, cast):
    published(election, cast)
    publish_site(election)
    assert client.get("/election/").status_code == 404  # no such route outside DEBUG


# --- the crawl: every output file of the demo, every private identifier of its data -----------

DEMO_NOW = datetime(2026, 11, 26, 11, 0, tzinfo=LONDON)


def _private_values() -> list[tuple[str, str]]:
    """Return (what, value) for every private identifier of the demo's data, built here from
    the database, independently of the site's scanner."""
    from candidates.models import Candidate
    from requests_register.models import Entry

    values: list[tuple[str, str]] = []
    for c in Candidate.objects.all():
        values += [("candidate name", c.name), ("candidate surname", c.name.split()[-1])]
        values += [("alias", a) for a in c.aliases]
        values += [("candidate e-mail", e) for e in c.emails]
        values += [("candidate phone", p) for p in c.phones]
        values += [("handle", h) for h in c.handles]
        if c.website:
            values.append(("website", re.sub(r"^https?://", "", c.website)))
        if c.postal_address:
            lines = c.postal_address.splitlines()
            values += [("address", lines[0]), ("postcode", lines[-1])]
        if c.agent_name:
            values += [("agent name", c.agent_name), ("agent surname", c.agent_name.split()[-1])]
        values += [("agent e-mail", c.agent_email), ("agent phone", c.agent_phone)]
    for e in Entry.objects.all():
        values += [("requester name", e.requester_name), ("requester e-mail", e.requester_email)]
        values += [
            ("requester phone", e.requester_phone),
            ("requester address", e.requester_address),
        ]
    return sorted({(what, v.strip()) for what, v in values if v and v.strip()})


def _variants(what: str, value: str) -> list[str]:
    if "phone" in what:
        digits = re.sub(r"\D", "", value)
        return [digits, digits[1:], value, f"+44 {value[1:]}"]
    return [value]


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed the demo once (fixed `now`), publish it, and return its files and the private
    identifiers of its data; everything in the database is rolled back afterwards."""
    from election_protocol.demo import seed_demo

    var = tmp_path_factory.mktemp("demo-var")
    root = var / "public"
    public_site = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(root)},
    }
    from django.conf import settings as django_settings

    storages_setting = {**django_settings.STORAGES, "public_site": public_site}
    with (
        django_db_blocker.unblock(),
        override_settings(VAR_DIR=var, PUBLIC_SITE_ROOT=root, STORAGES=storages_setting),
        transaction.atomic(),
    ):
        result = seed_demo(DEMO_NOW)
        target = default_target()
        assert isinstance(target, LocalTarget) and target.root == root
        site = {
            "files": read_site(target.current_path),
            "private": _private_values(),
            "entries": list(
                # The current election's: the demo's previous election has its own (issue 15).
                PublicEntry.objects.filter(
                    status="published", election=result.election
                ).values_list("reference", "answer")
            ),
            # The current election's; the by-election publishes its own site (issue 15).
            "runs": list(
                PublishRun.objects.filter(election=result.election).values_list("status", flat=True)
            ),
            "pdf_source": pages.pdf_html(pages.load(result.election)),
        }
        transaction.set_rollback(True)
    return site


@pytest.mark.django_db
def test_the_demo_publishes_its_answers_and_notes(demo_site):
    assert demo_site["runs"] == ["published"]
    references = [ref for ref, _ in demo_site["entries"]]
    # Two answers, two meetings' notes (one booked, one recorded after it was held) and the
    # refusal with its action taken (issue 13).
    assert len(references) == 5 and sum("-M-" in ref for ref in references) == 2
    files = demo_site["files"]
    for reference, _answer in demo_site["entries"]:
        assert f"entries/{reference}.html" in files
        assert reference in text(files["register.json"])
    assert "6 mobile camera vans" in text(files["register.csv"])  # the demo's correction


@pytest.mark.django_db
def test_crawl_every_output_file_for_the_demo_private_identifiers(demo_site):
    files = demo_site["files"]
    assert {"index.html", "register.csv", "register.json", "feed.atom", "key-dates.ics"} <= set(
        files
    )
    assert len(demo_site["private"]) > 40
    readable = {
        path: text(data).casefold()
        for path, data in files.items()
        if not path.endswith((".pdf", ".svg"))
    }
    readable["register.pdf (text)"] = "\n".join(scan.pdf_texts(files["register.pdf"])).casefold()
    readable["register.pdf (source)"] = demo_site["pdf_source"].casefold()
    assert "neighbourhood officers" in readable["register.pdf (text)"]
    found = [
        (what, path)
        for what, value in demo_site["private"]
        for variant in _variants(what, value)
        for path, content in readable.items()
        if re.search(rf"(?<!\w){re.escape(variant.casefold())}(?!\w)", content)
    ]
    assert found == []


@pytest.mark.django_db
def test_crawl_formats_parse_and_html_has_no_inline_script_or_style(demo_site):
    files = demo_site["files"]
    feed = ET.fromstring(files["feed.atom"])  # noqa: S314 - our own output
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    # The demo's five public entries: two answers, two meetings' notes, one action taken.
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == 5
    calendar = Calendar.from_ical(files["key-dates.ics"])
    summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert "Polling day" in summaries
    assert any(s.startswith("Candidate briefing:") for s in summaries)
    poll = next(e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "Polling day")
    assert poll.decoded("DTSTART").tzinfo.key == "Europe/London"
    assert poll.decoded("DTSTART").hour == 7
    assert len(json.loads(files["register.json"])["entries"]) == 5
    html_files = {p: text(d) for p, d in files.items() if p.endswith(".html")}
    assert len(html_files) >= 10
    for path, html in html_files.items():
        assert "style=" not in html and "<style" not in html, path
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert 'src="' in tag, (path, tag)
        assert not re.search(r"<script\b[^>]*>\s*[^<\s]", html), path
        assert not re.search(r"\son[a-z]+=", html), path  # no inline event handlers
        # Every relative link leads to a file of the site: it works from any address.
        for link in re.findall(r'(?:href|src)="([^"]+)"', html):
            if link.startswith(("http://", "https://", "mailto:", "#")):
                continue
            target = os.path.normpath(os.path.join(os.path.dirname(path), link.split("#")[0]))
            assert target in files, (path, link)


def test_carried_files_are_checked_again_only_for_identifiers_that_could_be_in_them(
    election, cast, monkeypatch
):
    """The live version's check is recorded (identifiers, and a summary of its words, digits
    and postcodes): a run reads carried files again only when a new identifier could be there."""
    entries = [published(election, cast, topic=f"Topic {n}") for n in range(2)]
    assert publish_site(election).status == "published"
    carried_scans = []
    real_scan = scan.Scanner.scan

    def recording_scan(self, path, texts, summary=None):
        if path == f"entries/{entries[0].reference}.html":
            carried_scans.append(path)
        return real_scan(self, path, texts, summary)

    monkeypatch.setattr(scan.Scanner, "scan", recording_scan)
    # A new requester whose name is nowhere on the site: the carried page is not read again.
    published(
        election,
        cast,
        topic="Topic 9",
        question="How many officers cover the Eden district at night?",
        requester_type="public",
        requester_name="Wilhelmina Outhwaite-Zed",
        requester_email="wilhelmina@example.org",
    )
    second = publish_at(election, minute=5)
    assert second.status == "published"
    assert f"entries/{entries[0].reference}.html" in second.carried
    assert carried_scans == []
    # Without the record (another server, a cleared cache) every file is read again.
    for record in (Path(settings.VAR_DIR) / "cache" / "publish-checks").iterdir():
        record.unlink()
    published(election, cast, topic="Topic 10")
    third = publish_at(election, minute=9)
    assert third.status == "published" and carried_scans == [f"entries/{entries[0].reference}.html"]


def test_a_summary_rules_out_only_what_cannot_be_there():
    summary = scan.Summary()
    summary.add(["Ask Quentin at the station on 07700 900123, NT1 1AA."])
    name = scan.Identifier("a requester's name", tokens=("quentin", "bassingthwaite"))
    surname = scan.Identifier("a requester's surname", tokens=("quentin",))
    assert not scan.might_occur_in([name], summary)
    assert scan.might_occur_in([surname], summary)
    assert scan.might_occur_in([scan.Identifier("phone", digits="7700900123")], summary)
    assert not scan.might_occur_in([scan.Identifier("phone", digits="7700900999")], summary)
    assert scan.might_occur_in([scan.Identifier("postcode", postcode="NT11AA")], summary)
    again = scan.Summary.from_json(json.loads(json.dumps(summary.as_json())))
    assert again.words == summary.words and again.digits == summary.digits


def test_a_blocked_run_leaves_no_pdf_readings_on_disk(election, cast):
    """The PDF's readings are cached (by content) only once the run is clean: a blocked run's
    PDF, which held something private, leaves nothing behind in VAR_DIR."""
    cache = Path(settings.VAR_DIR) / "cache" / "pdf-readings"
    entry = published(election, cast, topic="Horses", answer=NAMED_LATER)
    named_later_as_requester(election, cast)
    assert publish_site(election).status == "blocked"
    assert not cache.exists() or not any(cache.iterdir())
    services.withdraw(entry.pk, "Names a requester.", cast["spoc"])
    assert publish_site(election).status == "published"
    assert len(list(cache.iterdir())) == 1


@pytest.mark.parametrize(
    ("detail", "requester"),
    [
        ("Ask Ms Quentin Bassingthwaite.", {"requester_name": "Quentin Bassingthwaite"}),
        (
            "Ring 01632 960777 after six.",
            {"requester_name": "Ann Other", "requester_phone": "+44 1632 960777"},
        ),
        (
            "Post it to NT9 9ZZ.",
            {"requester_name": "Ann Other", "requester_address": "2 Oak Row\nNT9 9ZZ"},
        ),
    ],
    ids=["name", "phone", "postcode"],
)
def test_an_identifier_recorded_later_is_found_in_files_carried_through_several_versions(
    election, cast, detail, requester
):
    """Issue 16 item 1: a carried file is checked again only against identifiers recorded
    since the version it comes from was checked, and a re-rendered aggregate file (the CSV)
    only where it changed against every identifier. A detail that becomes private two
    versions after the file was first checked is still found in the untouched page and in
    the old part of the CSV, and the run is blocked."""
    entry = published(election, cast, topic="Horses")
    # Written straight into the public text (the anonymiser would hide a phone number or a
    # postcode): no one's detail yet, so the first version is published with it.
    PublicEntry.objects.filter(pk=entry.pk).update(answer=f"The stables are open. {detail}")
    assert publish_site(election).status == "published"
    published(election, cast, topic="Bridges")
    second = publish_at(election, minute=5)
    assert second.status == "published"
    assert f"entries/{entry.reference}.html" in second.carried
    assert "register.csv" in second.rendered
    # Now the detail is someone's: a request recorded after both versions were checked.
    answered(
        election,
        cast,
        topic="Rivers",
        requester_type="public",
        requester_email="someone.else@example.net",
        **requester,
    )
    third = publish_at(election, minute=9)
    assert third.status == "blocked"
    assert f"entries/{entry.reference}.html" in third.reason
    assert "register.csv" in third.reason
    assert "The live version has it too" in third.reason
    assert default_target().current_version() == second.version


def test_an_approvals_run_leaves_pruning_to_the_register_pdf_step_that_follows(election, cast):
    """Deleting an old version (a folder and a link per file) is not what an approver waits
    for: a run that leaves the register PDF to its own step keeps the old versions, and that
    step's run deletes all but the last five."""
    versions = []
    for minute in range(5):
        published(election, cast, topic=f"Topic {minute}", answer=f"Answer {minute}.")
        versions.append(publish_at(election, minute=minute).version)
    target = default_target()
    assert target.versions() == versions
    published(election, cast, topic="Topic 9", answer="Answer nine.")
    with time_machine.travel(NOW.replace(minute=10), tick=False):
        approval = publish_site(election, slow="defer")
    assert approval.status == "published" and "register.pdf" in approval.slow_pending
    assert target.versions() == [*versions, approval.version]  # nothing deleted yet
    with time_machine.travel(NOW.replace(minute=12), tick=False):
        assert publish_slow_files(election.pk) == "published"
    kept = target.versions()
    assert len(kept) == 5 and versions[0] not in kept and approval.version in kept
    assert target.current_version() == kept[-1]


@pytest.mark.parametrize("compared_from", [None, 0], ids=["reading-by-reading", "line-by-line"])
def test_a_live_file_changed_since_it_was_checked_is_not_what_the_next_check_compares_with(
    election, cast, candidate, compared_from, monkeypatch
):
    """A whole-register file rendered again is checked only where it differs from the live
    one, which must be the very file that was checked. One changed on disk since (here: made
    to hold what the next run renders, a candidate's name included) no longer has its recorded
    size and modification time, so its digest is compared, and the new file checked in full.
    So whether the change is found reading by reading or, in a large file, by its lines'
    bytes (compared_from=0: every file counts as large here)."""
    if compared_from is not None:
        monkeypatch.setattr(checks, "LINES_COMPARED_FROM", compared_from)
    entry = published(election, cast, topic="Horses")
    first = publish_site(election)
    assert first.status == "published"
    PublicEntry.objects.filter(pk=entry.pk).update(answer="Gareth Llewellyn-Harris said so.")
    live_csv = default_target().versions_dir / first.version / "register.csv"
    live_csv.write_bytes(pages.render_csv(pages.load(election)))
    second = publish_at(election, minute=5)
    assert second.status == "blocked"
    assert ("register.csv", "a candidate's name") in {(f.path, f.kind) for f in second.findings}
