"""Issue 13 on the register: closing without a reply, contacts the office started, media
requesters, hustings refusals, owners and hand-overs, documents sent with the answer."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from election_protocol.calendar import LONDON
from requests_register import answer_documents, handover, queries, rules, services
from requests_register.models import Assignment, Entry, Note, OutboundEmail
from tests.factories import CandidateFactory
from tests.requests_register.helpers import NOW, log

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 a small document"


def _body(message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_content()
    return ""


def test_a_contact_needing_no_reply_is_closed_and_no_longer_overdue(election, spoc):
    entry = log(election, spoc, topic="Thank you for the briefing")
    today = date(2024, 5, 1)  # long past the target
    assert queries.overdue(Entry.objects.filter(pk=entry.pk), today).exists()
    with pytest.raises(rules.TransitionError, match="Choose why no reply is needed"):
        services.set_entry_status(entry.pk, rules.Status.CLOSED, by=spoc, now=NOW)
    services.set_entry_status(
        entry.pk,
        rules.Status.CLOSED,
        by=spoc,
        no_reply_reason=rules.NoReplyReason.NO_QUESTION,
        reason="A thank-you after the briefing.",
        now=NOW,
    )
    entry.refresh_from_db()
    assert (entry.status, entry.no_reply_reason) == ("closed", "no_question")
    assert entry.ending_reason == "A thank-you after the briefing."
    assert entry.answered_at is None  # nothing was sent
    assert not queries.overdue(Entry.objects.filter(pk=entry.pk), today).exists()
    assert not OutboundEmail.objects.filter(entry=entry).exclude(purpose="acknowledgement")


def test_deciding_no_reply_is_due_is_signed_off_by_the_chief_executive(
    election, spoc, chief_executive
):
    entry = log(election, spoc)
    with pytest.raises(rules.TransitionError, match="Only the Chief Executive"):
        services.set_entry_status(
            entry.pk, "closed", by=spoc, no_reply_reason="decided", reason="Abusive.", now=NOW
        )
    services.set_entry_status(
        entry.pk,
        "closed",
        by=chief_executive,
        may_approve=True,
        no_reply_reason="decided",
        reason="Abusive.",
        now=NOW,
    )
    entry.refresh_from_db()
    assert entry.no_reply_reason == "decided"
    # Reopening clears it.
    services.set_entry_status(entry.pk, "in_progress", by=spoc, reason="Asked again.", now=NOW)
    entry.refresh_from_db()
    assert (entry.no_reply_reason, entry.ending_reason) == ("", "")


def test_an_unconfirmed_phone_request_can_be_closed_as_never_confirmed(election, spoc):
    entry = log(election, spoc, channel="phone")
    services.set_entry_status(entry.pk, "awaiting_confirmation", by=spoc, now=NOW)
    services.set_entry_status(entry.pk, "closed", by=spoc, no_reply_reason="not_confirmed", now=NOW)
    assert Entry.objects.get(pk=entry.pk).status == "closed"


def test_closing_without_reply_from_the_page(client, election, spoc):
    entry = log(election, spoc)
    client.force_login(spoc)
    url = reverse("requests_register:status", kwargs={"pk": entry.pk})
    response = client.post(url, {"status": "closed", "no_reply_reason": "", "reason": "x"})
    assert response.status_code == 400
    assert "Choose why no reply is needed" in response.content.decode()
    response = client.post(
        url, {"status": "closed", "no_reply_reason": "no_question", "reason": "Thanks only."}
    )
    assert response.status_code == 302
    page = client.get(reverse("requests_register:detail", kwargs={"pk": entry.pk})).content
    assert "It asked for nothing" in page.decode()


def test_a_contact_the_office_started_needs_no_confirmation_or_address(client, election, spoc):
    candidate = CandidateFactory(election=election)
    client.force_login(spoc)
    response = client.post(
        reverse("requests_register:log"),
        {
            "received_at": "2024-04-10T09:00",
            "channel": "phone",
            "first_reached": "opcc",
            "kind": "general",
            "topic": "Briefing invitation follow-up",
            "question": "We rang to check the candidate had the briefing invitation.",
            "requester_type": "candidate",
            "candidate": candidate.pk,
            "requester_name": candidate.name,
            "initiated_by_office": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = Entry.objects.get(topic="Briefing invitation follow-up")
    assert entry.initiated_by_office and entry.requester_email == ""
    assert entry.owner == spoc
    assert not OutboundEmail.objects.filter(entry=entry).exists()
    # Nothing to confirm: work can start, and it is closed as the office's own contact.
    services.set_entry_status(entry.pk, "in_progress", by=spoc, now=NOW)
    services.set_entry_status(
        entry.pk, "closed", by=spoc, no_reply_reason="office_contact", now=NOW
    )
    page = client.get(reverse("requests_register:detail", kwargs={"pk": entry.pk})).content
    assert "A contact started by the office" in page.decode()


def test_media_is_a_requester_type(election, spoc):
    entry = log(election, spoc, requester_type="media", requester_name="Northshire Gazette")
    assert entry.get_requester_type_display() == "The media"
    assert entry.treated_as == "public"


def test_a_hustings_invitation_is_refused_with_its_own_wording(
    election, spoc, chief_executive, smtp_server, django_capture_on_commit_callbacks
):
    entry = log(election, spoc, kind="hustings", topic="Hustings at the village hall")
    services.set_entry_status(entry.pk, "in_progress", by=spoc, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        services.set_entry_status(
            entry.pk,
            "refused",
            by=chief_executive,
            may_approve=True,
            reason="We decline every such invitation.",
            now=NOW,
        )
    refusal = [m for m in smtp_server.messages if m["To"] == "alex@example.org"][-1]
    body = _body(refusal)
    assert "politically impartial" in body and "hustings" in body
    assert "Freedom of Information" not in body and "unable to provide" not in body


def test_the_owner_is_set_and_handed_over(election, spoc, second_spoc, police_liaison):
    entry = log(election, spoc)
    assert entry.owner == spoc
    handover.set_owner(entry.pk, owner=second_spoc, by=spoc, now=NOW)
    assert Entry.objects.get(pk=entry.pk).owner == second_spoc
    with pytest.raises(rules.TransitionError, match="SPOC officer"):
        handover.set_owner(entry.pk, owner=police_liaison, by=spoc, now=NOW)
    assert Note.objects.filter(entry=entry, body__startswith="Owner now").count() == 1
    mine = queries.my_work(second_spoc, Entry.objects.all(), may_manage=True, may_approve=False)
    assert [e.pk for e in mine["Owned by me, open"]] == [entry.pk]


def test_a_liaison_is_unassigned_and_the_entry_handed_over(
    election, spoc, police_liaison, make_user, client
):
    from election_protocol.roles import Role

    other = make_user(Role.POLICE_LIAISON, username="liaison-cover")
    entry = log(election, spoc)
    services.assign_entry(entry.pk, assignee=police_liaison, by=spoc, request="Opening hours")
    client.force_login(spoc)
    response = client.post(
        reverse("requests_register:reassign", kwargs={"pk": entry.pk}),
        {"from_user": police_liaison.pk, "to_user": other.pk, "request": "Cover while on leave"},
    )
    assert response.status_code == 302
    assert list(Assignment.objects.filter(entry=entry).values_list("assignee", flat=True)) == [
        other.pk
    ]
    # The liaison no longer sees it; the cover does.
    client.force_login(police_liaison)
    detail = reverse("requests_register:detail", kwargs={"pk": entry.pk})
    assert client.get(detail).status_code == 404
    client.force_login(other)
    assert client.get(detail).status_code == 200
    client.force_login(spoc)
    client.post(
        reverse("requests_register:unassign", kwargs={"pk": entry.pk}), {"assignee": other.pk}
    )
    assert not Assignment.objects.filter(entry=entry).exists()


def test_documents_go_with_the_answer(
    election, spoc, chief_executive, smtp_server, django_capture_on_commit_callbacks
):
    entry = log(election, spoc)
    services.set_entry_status(entry.pk, "in_progress", by=spoc, now=NOW)
    with pytest.raises(ValidationError, match="not a real PDF"):
        answer_documents.add_answer_documents(
            entry.pk,
            [services.IncomingFile("x.pdf", "application/pdf", b"MZ not a pdf")],
            by=spoc,
        )
    answer_documents.add_answer_documents(
        entry.pk,
        [services.IncomingFile("custody-figures.pdf", "application/pdf", PDF)],
        by=spoc,
    )
    services.draft_answer(entry.pk, answer="Figures attached.", by=spoc, now=NOW)
    with pytest.raises(rules.TransitionError, match="in progress"):
        answer_documents.add_answer_documents(
            entry.pk, [services.IncomingFile("more.pdf", "application/pdf", PDF)], by=spoc
        )
    services.set_entry_status(entry.pk, "approved", by=chief_executive, may_approve=True, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        services.set_entry_status(entry.pk, "sent", by=spoc, now=NOW)
    reply = [m for m in smtp_server.messages if m["To"] == "alex@example.org"][-1]
    attached = [(p.get_filename(), p.get_content()) for p in reply.iter_attachments()]
    assert attached == [("custody-figures.pdf", PDF)]
    # Someone who asked the same thing later gets the same answer and documents.
    same = log(election, spoc, requester_email="sam@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.set_entry_status(
            same.pk, "duplicate", by=spoc, duplicate_of=entry, reason="Same question.", now=NOW
        )
    [passed_on] = [m for m in smtp_server.messages if m["To"] == "sam@example.org"]
    assert [p.get_filename() for p in passed_on.iter_attachments()] == ["custody-figures.pdf"]


def test_answer_documents_upload_from_the_page(client, election, spoc):
    from django.core.files.uploadedfile import SimpleUploadedFile

    entry = log(election, spoc)
    services.set_entry_status(entry.pk, "in_progress", by=spoc, now=NOW)
    client.force_login(spoc)
    url = reverse("requests_register:answer_documents", kwargs={"pk": entry.pk})
    bad = SimpleUploadedFile("evil.pdf", b"MZ", content_type="application/pdf")
    client.post(url, {"answer_documents-files": [bad]})
    assert not entry.answer_documents.exists()
    good = SimpleUploadedFile("figures.pdf", PDF, content_type="application/pdf")
    client.post(url, {"answer_documents-files": [good]})
    [document] = entry.answer_documents.all()
    page = client.get(reverse("requests_register:detail", kwargs={"pk": entry.pk})).content
    assert "figures.pdf" in page.decode()
    download = client.get(reverse("requests_register:answer_document", args=[document.token]))
    assert download.content == PDF
    client.post(
        reverse("requests_register:remove_answer_document", args=[entry.pk, document.token])
    )
    assert not entry.answer_documents.exists()


def test_retention_erases_answer_documents_and_proposals_text(election, make_entry, spoc):
    from dataprotection import services as retention
    from requests_register.models import AnswerDocument, SignOffProposal

    at = datetime(2025, 6, 1, 12, 0, tzinfo=LONDON)
    closed = make_entry(status="refused", requester_name="Jo Bloggsworth")
    AnswerDocument.objects.create(
        entry=closed,
        token="t1",
        filename="letter.pdf",
        content_type="application/pdf",
        size=4,
        data=b"%PDF",
        added_by=spoc,
        added_at=at,
    )
    SignOffProposal.objects.create(
        entry=closed,
        status="refused",
        reason="Jo Bloggsworth asked for confidential files.",
        proposed_by=spoc,
        proposed_at=at,
        decision="signed_off",
    )
    retention.apply_retention(election.pk, run_by=spoc, today=date(2025, 6, 1), now=at)
    assert not AnswerDocument.objects.filter(entry=closed).exists()
    assert SignOffProposal.objects.get().reason == "[requester] asked for confidential files."


def test_parity_does_not_count_contacts_the_office_started(election, spoc):
    candidate = CandidateFactory(election=election)
    who = dict(requester_type="candidate", candidate=candidate, requester_name=candidate.name)
    log(election, spoc, **who)
    log(election, spoc, initiated_by_office=True, **who)
    [row] = [r for r in queries.parity(election, date(2024, 4, 10)) if r.candidate == candidate]
    assert row.requests == 1
