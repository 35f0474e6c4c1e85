"""The issue's "done when": a phone request from logging to an answer that arrives once."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from election_protocol.calendar import LONDON
from election_protocol.roles import Role
from requests_register.models import Entry, OutboundEmail
from tests.factories import CandidateFactory, ElectionFactory

# Poll 2 May 2024; nominations closed 5 April. The journey happens on Wednesday 10 April.
NOW = datetime(2024, 4, 10, 11, 0, tzinfo=LONDON)


@pytest.fixture
def people(make_user):
    return {
        "spoc": make_user(Role.SPOC, username="spoc-j", email="spoc@example.org"),
        "ce": make_user(Role.CHIEF_EXECUTIVE, username="ce-j", email="ce@example.org"),
        "liaison": make_user(
            Role.POLICE_LIAISON, username="liaison-j", email="liaison@example.org"
        ),
        "other_liaison": make_user(Role.FIRE_LIAISON, username="fire-j", email="fire@example.org"),
    }


def _status(client, entry, status, **extra):
    return client.post(
        reverse("requests_register:status", args=[entry.pk]),
        {"status": status, **extra},
        follow=True,
    )


@time_machine.travel(NOW, tick=False)
def test_phone_request_from_logging_to_answer_sent_exactly_once(
    client, people, smtp_server, django_capture_on_commit_callbacks
):
    election = ElectionFactory(poll_date=datetime(2024, 5, 2).date())
    candidate = CandidateFactory(
        election=election,
        name="Priya Castellane",
        status="declared",
        emails=["priya.castellane@example.org"],
    )
    spoc, ce, liaison = people["spoc"], people["ce"], people["liaison"]

    # 1. The SPOC logs a phone call from a declared candidate.
    client.force_login(spoc)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("requests_register:log"),
            {
                "received_at": "2024-04-10T09:15",
                "channel": "phone",
                "first_reached": "opcc",
                "kind": "information",
                "topic": "Neighbourhood policing",
                "question": "How many PCSOs work in Northtown?",
                "requester_type": "candidate",
                "candidate": candidate.pk,
                "requester_name": "Priya Castellane",
                "requester_email": "priya.castellane@example.org",
                "requester_phone": "07700 900211",
                "acknowledge": "on",
            },
        )
    entry = Entry.objects.get()
    assert response.url == reverse("requests_register:detail", args=[entry.pk])
    assert (entry.reference, entry.status, entry.treated_as) == (
        f"{election.reference_prefix}-0001",
        "logged",
        "candidate",
    )
    assert smtp_server.messages == []  # oral requests get a confirmation, not an acknowledgement

    # 2. No reply before written confirmation; the confirmation goes out.
    _status(client, entry, "in_progress")
    entry.refresh_from_db()
    assert entry.status == "logged"
    with django_capture_on_commit_callbacks(execute=True):
        _status(client, entry, "awaiting_confirmation")
    [confirmation] = smtp_server.messages
    assert confirmation["To"] == "priya.castellane@example.org"
    assert confirmation["Reply-To"] == election.spoc_email
    assert "How many PCSOs work in Northtown?" in confirmation.get_content()

    # 3. She confirms by e-mail; the SPOC records it and assigns the police liaison.
    _status(client, entry, "in_progress")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("requests_register:assign", args=[entry.pk]),
            {"assignee": liaison.pk, "request": "PCSO numbers in Northtown today."},
        )
    assert smtp_server.messages[-1]["To"] == "liaison@example.org"
    assert "priya.castellane@example.org" not in smtp_server.messages[-1].get_content()

    # 4. The liaison sees only this entry, without the requester's contact details.
    other = Entry.objects.create(
        **{
            **{
                f.name: getattr(entry, f.name)
                for f in Entry._meta.concrete_fields
                if f.name not in ("id", "number", "reference")
            },
            "number": 2,
            "reference": "OTHER-0002",
        }
    )
    client.force_login(liaison)
    listing = client.get(reverse("requests_register:list"))
    assert [e.reference for e in listing.context["page"].object_list] == [entry.reference]
    page = client.get(reverse("requests_register:detail", args=[entry.pk])).content.decode()
    assert "How many PCSOs work in Northtown?" in page
    assert "priya.castellane@example.org" not in page and "07700 900211" not in page
    assert client.get(reverse("requests_register:detail", args=[other.pk])).status_code == 404
    client.post(
        reverse("requests_register:contribute", args=[entry.pk]), {"body": "There are 14 PCSOs."}
    )
    assert _status(client, entry, "referred_to_paro", reason="x").status_code == 403

    # 5. The SPOC drafts; the SPOC cannot approve; the Chief Executive approves.
    client.force_login(spoc)
    client.post(
        reverse("requests_register:draft", args=[entry.pk]),
        {"answer": "There are 14 PCSOs in Northtown."},
    )
    assert _status(client, entry, "approved").status_code == 403
    client.force_login(ce)
    _status(client, entry, "approved")
    entry.refresh_from_db()
    assert (entry.status, entry.approved_by, entry.drafted_by) == ("approved", ce, spoc)

    # 6. The SPOC sends: the answer arrives once, and a retry sends nothing more.
    client.force_login(spoc)
    with django_capture_on_commit_callbacks(execute=True):
        _status(client, entry, "sent")
    replies = [m for m in smtp_server.messages if m["To"] == "priya.castellane@example.org"]
    assert len(replies) == 2  # the confirmation and the answer
    assert "There are 14 PCSOs in Northtown." in replies[-1].get_content()
    from requests_register.outbox import send_outbound_email

    reply_row = OutboundEmail.objects.get(entry=entry, purpose="reply")
    assert send_outbound_email(reply_row.pk) == "skipped"
    assert len(smtp_server.messages) == 3

    # 7. The whole story is on the timeline.
    page = client.get(reverse("requests_register:detail", args=[entry.pk]))
    titles = [item.title for item in page.context["timeline"]]
    assert titles[0] == "Logged"
    for expected in [
        "Logged → Awaiting written confirmation",
        "Awaiting written confirmation → In progress",
        "Assigned to liaison-j",
        "Contribution",
        "In progress → Answer drafted",
        "Answer drafted → Approved",
        "Approved → Sent",
    ]:
        assert expected in titles
    assert sum(1 for t in titles if t.startswith("E-mail to priya.castellane@example.org")) == 2
    assert all(item.state == "Sent" for item in page.context["timeline"] if item.kind == "email")
