"""Fixtures for the security tests: one world of real objects per module, a user per role.

The world is the demo (election_protocol.demo: every kind of object, made through the
services) plus what the demo lacks: a file on an entry, an answered entry not yet prepared for
publication, a draft public entry with a manual redaction, notes on a held meeting and on the
briefing event. It is built once per module inside a transaction that is rolled back at the
end; each test runs in a savepoint inside it (pytest-django's `db`), so tests cannot see each
other's writes and nothing outlives the module.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, settings

from election_protocol.calendar import LONDON

# Hypothesis: no example database in the working tree (var/ is ignored by git); in CI the
# examples are derived from each test's name, so a failure reproduces on the next run.
settings.register_profile(
    "security",
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    database=None if os.environ.get("CI") else settings.default.database,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("security")

# The demo's own reference moment (tests/election_protocol/test_demo.py): nominations closed,
# the poll a few weeks ahead, so every kind of object exists.
NOW = datetime(2026, 11, 26, 11, 0, tzinfo=LONDON)

ROLE_USERS = {
    "spoc": "spoc",
    "ce": "chief-executive",
    "cc": "chief-constable",
    "cfo": "chief-fire-officer",
    "pl": "police-liaison",
    "fl": "fire-liaison",
    "aud": "auditor",
    "nonstaff": "no-role",
    "candidate": "incumbent-pcc",
}


@dataclass
class World:
    users: dict[str, object]
    election: object
    objects: dict[str, object] = field(default_factory=dict)

    def user(self, key: str):
        return None if key == "anon" else self.users[key]


def _build_world() -> World:
    from briefings import services as briefings
    from briefings.models import Booking, BriefingEvent, CandidateOffer
    from candidates.models import Candidate
    from election_protocol.demo import seed_demo
    from publishing import services as publishing
    from publishing.models import PublicEntry, PublicRedaction
    from requests_register import services as register
    from requests_register.models import Entry

    result = seed_demo(NOW)
    election = result.election
    User = get_user_model()
    # A signed-in account with no role at all.
    User.objects.create_user("no-role", "no-role@example.org", "x-unused-1")
    users = {key: User.objects.get(username=name) for key, name in ROLE_USERS.items()}
    spoc, ce = users["spoc"], users["ce"]

    # The entry assigned to the police liaison (the demo assigns exactly one), and entries
    # neither assigned to nor logged by the liaison.
    assigned = Entry.objects.get(election=election, assignments__assignee=users["pl"])
    not_theirs = (
        Entry.objects.filter(election=election)
        .exclude(assignments__assignee=users["pl"])
        .exclude(created_by=users["pl"])
        .order_by("number")
        .first()
    )
    register.add_attachments(
        assigned.pk,
        [register.IncomingFile("letter.pdf", "application/pdf", b"%PDF-1.4\n% demo\n")],
        by=spoc,
    )
    # Answered (sent) and not yet prepared for publication.
    drafted = Entry.objects.filter(election=election, status="answer_drafted").first()
    register.set_entry_status(drafted.pk, "approved", by=ce, may_approve=True)
    register.set_entry_status(drafted.pk, "sent", by=spoc)
    # A draft public entry with a manual redaction (the restore URL needs one).
    approved = Entry.objects.filter(election=election, status="approved").first()
    register.set_entry_status(approved.pk, "sent", by=spoc)
    approved.refresh_from_db()
    draft_public = publishing.prepare_public_entry(approved, spoc)
    word = next(w for w in approved.answer.split() if len(w) > 4)
    publishing.redact_more(
        draft_public.pk, "answer", word, "Not for publication.", spoc, draft_public.version
    )
    draft_public.refresh_from_db()
    redaction = (
        PublicRedaction.objects.filter(public_entry=draft_public, source="manual")
        .order_by("-pk")
        .first()
    )

    # Bookings: one the Chief Constable must confirm, one for the Chief Fire Officer.
    cc_booking = Booking.objects.get(election=election, chief="chief_constable", status="approved")
    cfo_booking = Booking.objects.get(election=election, chief="chief_fire_officer")
    # A held visit with notes and no public entry yet (prepare_meeting needs one). The demo's
    # declined visit is turned into one directly: the booking funnel's letters are not what
    # these tests are about.
    held = Booking.objects.filter(election=election, status="declined").first()
    Booking.objects.filter(pk=held.pk).update(status="held", notes="Notes of the visit.")
    event = BriefingEvent.objects.filter(election=election).first()
    briefings.record_event_notes(event.pk, "Notes of the briefing.", by=spoc)
    offer = CandidateOffer.objects.filter(item__election=election).first()
    candidate = Candidate.objects.filter(election=election).order_by("pk").first()
    # Answers and notes (a short entry of the action taken, issue 13, is never corrected).
    answers_and_notes = PublicEntry.objects.exclude(
        kind__in=["register_action", "declined_booking"]
    )
    published = answers_and_notes.filter(election=election, status="published").first()
    # Another published entry with a correction waiting for its second approver (written by
    # the Chief Executive: the SPOC may approve it).
    corrected = (
        answers_and_notes.filter(election=election, status="published")
        .exclude(pk=published.pk)
        .first()
    )
    correction = publishing.correct(
        corrected.pk, "A corrected answer.", "A figure was corrected.", ce
    )
    corrected.refresh_from_db()
    day = election.non_working_days.first()

    meeting = (
        Entry.objects.filter(
            election=election, kind="meeting", candidate__isnull=False, booking__isnull=True
        )
        .exclude(status__in=["withdrawn", "refused", "duplicate", "closed", "sent"])
        .first()
    )

    objects = {
        "entry": assigned,
        "entry_meeting": meeting,
        "entry_not_theirs": not_theirs,
        "entry_ready": Entry.objects.get(pk=drafted.pk),
        "attachment": assigned.attachments.get(),
        "booking": cc_booking,
        "booking_not_theirs": cfo_booking,
        "booking_held": Booking.objects.get(pk=held.pk),
        "event": event,
        "offer": offer,
        "candidate": candidate,
        "public_entry": draft_public,
        "public_entry_published": published,
        "public_entry_corrected": corrected,
        "correction": correction,
        "redaction": redaction,
        "non_working_day": day,
    }
    # A document to send with the assigned entry's answer (issue 13).
    from requests_register.models import AnswerDocument

    objects["answer_document"] = AnswerDocument.objects.create(
        entry=assigned,
        token="answer-document-token",
        filename="figures.pdf",
        content_type="application/pdf",
        size=9,
        data=b"%PDF-1.4\n",
        added_by=spoc,
        added_at=assigned.received_at,
    )
    # A refusal proposed for the Chief Executive's sign-off on the same entry (issue 13).
    from requests_register.models import SignOffProposal

    objects["proposal"] = SignOffProposal.objects.create(
        entry=assigned,
        status="refused",
        reason="Confidential.",
        proposed_by=spoc,
        proposed_at=assigned.received_at,
    )
    # A message waiting in the SPOC mailbox's triage inbox (mail_intake.demo).
    from mail_intake.models import InboundMessage

    objects["mail"] = InboundMessage.objects.filter(state="triage").order_by("pk").first()

    # Incidents (issue 12): the demo's conduct concern (police; the police liaison may see it)
    # with a file of evidence, the fire service's announcement (neither theirs nor the Chief
    # Constable's), the police imagery awaiting the Chief Constable, a factual claim.
    from incidents import services as incidents
    from incidents.models import Incident

    incident = Incident.objects.get(election=election, kind="conduct")
    incidents.add_evidence(
        incident.pk,
        [register.IncomingFile("photo.pdf", "application/pdf", b"%PDF-1.4\n% demo\n")],
        by=spoc,
    )
    objects.update(
        incident=incident,
        incident_not_theirs=Incident.objects.get(election=election, kind="announcement"),
        incident_decide=Incident.objects.filter(
            election=election, kind="imagery", status="awaiting_decision"
        ).first(),
        incident_factual=Incident.objects.filter(
            election=election, kind="factual", status="awaiting_decision"
        ).first(),
        evidence=incident.evidence.get(),
    )
    # Briefing material (issue 13): the demo's approved PDF and its link awaiting approval.
    from briefings.models import BriefingMaterial

    objects.update(
        material=BriefingMaterial.objects.filter(election=election, status="approved")
        .exclude(file="")
        .first(),
        material_draft=BriefingMaterial.objects.filter(election=election, status="draft").first(),
    )
    # Publication deadline and the action taken (issue 13): the demo's "not for publication"
    # proposal waiting for the Chief Executive, its referral to the PARO not yet published, and
    # a declined meeting (the demo's meeting with the Chief Executive, declined directly: the
    # demo's declined visit is the held one above).
    from publishing.models import NotForPublication

    ce_meeting = Booking.objects.filter(election=election, chief="", status="prepared").first()
    Booking.objects.filter(pk=ce_meeting.pk).update(status="declined")
    objects.update(
        nfp_proposed=NotForPublication.objects.filter(election=election, status="proposed").first(),
        entry_referred=Entry.objects.filter(
            election=election, status="referred_to_paro", public_entry__isnull=True
        ).first(),
        booking_declined=Booking.objects.get(pk=ce_meeting.pk),
    )
    # FOI requests (foi.demo): one extended for the public interest test, one the force
    # disclosed with its copy received.
    from foi.demo import CLARIFIED_TOPIC, DISCLOSED_TOPIC

    objects.update(
        entry_foi=Entry.objects.filter(election=election, topic=CLARIFIED_TOPIC).first(),
        entry_foi_disclosed=Entry.objects.filter(election=election, topic=DISCLOSED_TOPIC).first(),
        # The register demo's FOI request, clock running (no FOI step taken yet).
        entry_foi_open=Entry.objects.filter(election=election, topic="Officer numbers").first(),
    )
    missing = [name for name, obj in objects.items() if obj is None]
    assert not missing, f"The demo no longer provides: {missing}"
    return World(users=users, election=election, objects=objects)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Return the module's World (see the module docstring); rolled back after the module."""
    root = tmp_path_factory.mktemp("security")
    public = root / "public"
    storages = {
        **django_settings.STORAGES,
        "public_site": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(public), "base_url": "/election/"},
        },
    }
    with (
        django_db_blocker.unblock(),
        override_settings(
            VAR_DIR=root,
            MEDIA_ROOT=root / "media",
            PUBLIC_SITE_ROOT=public,
            STORAGES=storages,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        time_machine.travel(NOW, tick=False),
        transaction.atomic(),
    ):
        built = _build_world()
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        yield


def client_for(client, world: World, role: str):
    """Return `client` signed in as `role`'s user ("anon": not signed in)."""
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    return client
