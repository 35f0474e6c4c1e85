"""Retention and subject access on the demo data (issue 7, item 4: done when they work on the
demo data and are tested).

The demo is seeded, time moves past its retention date, the office finishes the entries still
open (as it would, long after the poll), and the daily task runs. Then every text column of
every table of the register, candidates, meetings and publishing, history tables included, is
scanned for every requester's and candidate's private identifier known before the run: none
may remain except in the rows of the one entry on legal hold. The published register is
exactly as it was.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import time_machine
from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models

from candidates.models import Candidate
from dataprotection import rules, services, subject_access
from dataprotection.models import RetentionRun
from dataprotection.tasks import task_apply_retention
from election_protocol.calendar import LONDON
from election_protocol.demo import seed_demo
from election_protocol.models import Election
from publishing.models import PrivateText, PublicEntry, PublicRedaction
from requests_register import rules as register_rules
from requests_register import services as register_services
from requests_register.models import Attachment, Entry, OutboundEmail

NOW = datetime(2026, 11, 26, 11, 0, tzinfo=LONDON)
SAVED_EMAIL = (
    b"From: Alex Mercer <alex.mercer@example.org>\r\nSubject: Officer numbers\r\n\r\nPlease.\r\n"
)
SCANNED_APPS = ("requests_register", "candidates", "briefings", "publishing")


@pytest.fixture
def demo(db, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(NOW, tick=False):
        result = seed_demo(NOW)
    return result


def _private_identifiers(election: Election) -> dict[str, set[str]]:
    """Return every requester's and candidate's private identifier, by whose they are."""
    found: dict[str, set[str]] = {}
    for e in Entry.objects.filter(election=election):
        who = found.setdefault(e.reference, set())
        who.update(v for v in (e.requester_email, e.requester_phone, e.requester_address) if v)
        if e.requester_type == Entry.RequesterType.PUBLIC:
            who.add(e.requester_name)  # a candidate's name is the public record; its contacts not
    for c in election.candidates.all():
        who = found.setdefault(f"candidate {c.name}", set())
        who.update([*c.emails, *c.phones, *c.handles])
        who.update(v for v in (c.postal_address, c.website, c.agent_name, c.agent_email) if v)
        who.update(v for v in (c.agent_phone,) if v)
    return found


def _text_values(row, model) -> list[str]:
    values = []
    for field in model._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField | models.JSONField):
            value = getattr(row, field.attname)
            if value:
                values.append(str(value))
    return values


def _held_row(row, model, held_ids: set[int]) -> bool:
    """Return True if `row` belongs to an entry on legal hold (kept as it is, by design)."""
    if model._meta.label in ("requests_register.Entry", "requests_register.HistoricalEntry"):
        return row.id in held_ids
    entry_id = getattr(row, "entry_id", None)
    if entry_id is None and getattr(row, "email_id", None):  # a booking letter not yet sent: none
        entry_id = OutboundEmail.objects.get(pk=row.email_id).entry_id
    return entry_id in held_ids


def _scan(identifiers: set[str], held_ids: set[int]) -> list[tuple[str, int, str]]:
    """Return (model, pk, identifier) for every private identifier found outside held rows."""
    hits = []
    wanted = {i.casefold() for i in identifiers}
    for app in SCANNED_APPS:
        for model in apps.get_app_config(app).get_models():
            for row in model.objects.all():
                if _held_row(row, model, held_ids):
                    continue
                text = "\n".join(_text_values(row, model)).casefold()
                hits += [(model._meta.label, row.pk, i) for i in wanted if i in text]
    return hits


def _finish_open_entries(election: Election, by, now: datetime) -> None:
    """Close what the office left open, as it would long after the poll."""
    for entry in Entry.objects.filter(election=election, legal_hold=False):
        status = register_rules.Status(entry.status)
        if status not in register_rules.OPEN:
            continue
        if status in (register_rules.Status.ANSWER_DRAFTED, register_rules.Status.APPROVED):
            register_services.set_entry_status(
                entry.pk, register_rules.Status.IN_PROGRESS, by=by, reason="Not sent.", now=now
            )
        register_services.set_entry_status(
            entry.pk,
            register_rules.Status.WITHDRAWN,
            by=by,
            reason="No longer needed after the election.",
            now=now,
        )


def test_retention_on_the_demo_erases_everything_but_the_held_entry(
    demo, django_user_model, django_capture_on_commit_callbacks
):
    election = demo.election
    spoc = django_user_model.objects.get(username="spoc")
    held = Entry.objects.get(election=election, legal_hold=True)
    assert held.topic == "Polling stations"
    identifiers = _private_identifiers(election)
    held_identifiers = identifiers[held.reference]
    others = set().union(*(v for k, v in identifiers.items() if k != held.reference))
    others -= held_identifiers
    assert "alex.mercer@example.org" in others and "07700 900202" in others
    public_before = list(PublicEntry.objects.order_by("pk").values())
    assert public_before, "the demo publishes register answers"
    # A file received with a request, to see it deleted (rows and bytes).
    with time_machine.travel(NOW, tick=False):
        attachment = register_services.add_attachments(
            Entry.objects.get(election=election, topic="Officer numbers").pk,
            [register_services.IncomingFile("request.eml", "message/rfc822", SAVED_EMAIL)],
            by=spoc,
        )[0]
    stored = attachment.file.name
    assert default_storage.exists(stored)

    due = rules.retention_date(election)
    assert due == rules.add_months(election.poll_date, 12)
    with time_machine.travel(
        datetime.combine(due, datetime.min.time(), LONDON) + timedelta(hours=2)
    ):
        _finish_open_entries(election, spoc, datetime.now(LONDON))
        # The files are deleted after commit: run the callbacks the test transaction holds.
        with django_capture_on_commit_callbacks(execute=True):
            assert task_apply_retention.delay().get() == 1

    run = RetentionRun.objects.get()
    assert run.run_by is None and run.due_on == due
    assert run.held == [held.reference] and run.still_open == []
    assert run.counts["entries"] == Entry.objects.filter(election=election).count() - 1
    assert run.counts["candidates"] == election.candidates.count()
    # The file above and the copy of the force's FOI disclosure (foi.demo).
    assert run.counts["attachments"] == 2 and not default_storage.exists(stored)
    assert not Attachment.objects.filter(pk=attachment.pk).exists()

    # Nothing private remains outside the held entry, in any table or history table.
    assert _scan(others, {held.pk}) == []
    # The held entry keeps everything, history included.
    held.refresh_from_db()
    assert held.requester_name == "Casey Whitlow"
    assert held.requester_email == "casey.whitlow@example.org"
    assert held.personal_data_erased_at is None
    assert {h.requester_email for h in held.history.all()} == {"casey.whitlow@example.org"}
    # Erased entries say so, keep their shape, and their texts read with labels.
    erased = Entry.objects.get(election=election, topic="Officer numbers")
    assert erased.personal_data_erased_at is not None
    assert (erased.requester_name, erased.requester_email) == ("", "")
    assert erased.history.first().history_change_reason == services.ERASED_REASON
    assert all(
        m.to == []
        for m in OutboundEmail.objects.filter(entry__election=election).exclude(entry=held)
    )
    # Candidates keep the public record, lose the private one.
    rowan = election.candidates.get(name="Rowan Pettifer")
    assert (rowan.emails, rowan.phones, rowan.agent_name, rowan.postal_address) == ([], [], "", "")
    assert rowan.party.name == "Conservative and Unionist Party"

    # The published register is untouched; the private text behind it is now the public text
    # and no redaction can bring a name back.
    assert list(PublicEntry.objects.order_by("pk").values()) == public_before
    for text in PrivateText.objects.filter(public_entry__entry__isnull=False):
        assert text.text == getattr(PublicEntry.objects.get(pk=text.public_entry_id), text.field)
    assert not PublicRedaction.objects.filter(
        public_entry__entry__isnull=False, superseded=False
    ).exists()

    # Idempotent: the next day's run finds nothing and writes nothing.
    with time_machine.travel(
        datetime.combine(due, datetime.min.time(), LONDON) + timedelta(days=1)
    ):
        assert task_apply_retention.delay().get() == 0
    assert RetentionRun.objects.count() == 1


def test_retention_before_the_date_changes_nothing(demo):
    election = demo.election
    day_before = rules.retention_date(election) - timedelta(days=1)
    with pytest.raises(services.RetentionNotDue):
        services.apply_retention(election.pk, today=day_before)
    with time_machine.travel(datetime.combine(day_before, datetime.min.time(), LONDON)):
        assert task_apply_retention.delay().get() == 0
    assert not Entry.objects.filter(personal_data_erased_at__isnull=False).exists()
    assert RetentionRun.objects.count() == 0


def test_subject_access_finds_a_demo_requester_and_a_demo_candidate(demo):
    data = subject_access.find_subject_data(subject_access.Query(email="alex.mercer@example.org"))
    assert [e["topic"] for e in data["register_entries"]] == ["Officer numbers"]
    entry = data["register_entries"][0]
    assert entry["requester"]["name"] == "Alex Mercer"
    assert entry["history"] and entry["status_events"]
    assert data["candidate_records"] == []

    data = subject_access.find_subject_data(subject_access.Query(name="priya castellane"))
    topics = sorted(e["topic"] for e in data["register_entries"])
    assert topics == sorted(
        Entry.objects.filter(requester_name="Priya Castellane").values_list("topic", flat=True)
    )
    assert len(topics) >= 3
    (record,) = data["candidate_records"]
    assert record["emails"] == ["priya.castellane@example.org"]
    assert record["agent"]["name"] == "Dev Marchbank"
    assert record["status_changes"] and record["history"]
    # The equal offer and invitations reach her by e-mail, outside any register entry.
    by_email = subject_access.find_subject_data(
        subject_access.Query(email="priya.castellane@example.org")
    )
    assert {e["reference"] for e in by_email["register_entries"]} >= {
        e["reference"] for e in data["register_entries"]
    }

    # An agent is found by their phone number, written any way, and is given their own details
    # as agent, never the candidate's record (the candidate's contacts are not theirs).
    data = subject_access.find_subject_data(subject_access.Query(phone="+44 7700 900202"))
    assert data["candidate_records"] == []
    (agent,) = data["agent_of"]
    assert agent["candidate"] == "Rowan Pettifer" and agent["agent_phone"]
    rowan = Candidate.objects.get(name="Rowan Pettifer")
    assert not any(e in json.dumps(data) for e in rowan.emails)
