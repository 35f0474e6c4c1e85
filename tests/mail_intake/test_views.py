"""The triage inbox: accept, duplicate, dismiss (audited), who may see it, and its cost."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from mail_intake import services
from mail_intake.models import InboundMessage
from requests_register import rules
from requests_register.models import Attachment, Entry, OutboundEmail
from tests.builders import logged
from tests.factories import CandidateFactory
from tests.mail_intake.mail import mail, nested

State = InboundMessage.State
pytestmark = pytest.mark.django_db


def _received(raw: bytes) -> InboundMessage:
    message, created = services.record_message(raw)
    assert created
    return services.sort_message(message.pk)


def _pdf_mail() -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "Alex Example <alex@example.org>"
    message["Subject"] = "Opening hours"
    message["Message-ID"] = "<pdf-mail@example.org>"
    message.set_content("Please see the letter.")
    message.add_attachment(
        b"%PDF-1.4\n%%EOF\n", maintype="application", subtype="pdf", filename="letter.pdf"
    )
    message.add_attachment(
        b"MZ\x90\x00", maintype="application", subtype="pdf", filename="tool.pdf"
    )
    return message.as_bytes()


def _accept(client, spoc, raw: bytes, **form):
    """Sort `raw` into the triage inbox; the SPOC posts the accept form for it. Return the
    message and the response."""
    message = _received(raw)
    client.force_login(spoc)
    return message, client.post(reverse("mail_intake:accept", args=[message.pk]), form)


def test_accept_puts_the_message_on_the_register(client, election, spoc):
    message, response = _accept(
        client,
        spoc,
        _pdf_mail(),
        kind="information",
        topic="Opening hours",
        requester_type="public",
        requester_name="Alex Example",
        acknowledge="on",
    )

    entry = Entry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("requests_register:detail", args=[entry.pk])
    assert (entry.channel, entry.requester_email, entry.question) == (
        rules.Channel.EMAIL,
        "alex@example.org",
        "Please see the letter.",
    )
    assert entry.received_at == message.received_at
    assert list(Attachment.objects.values_list("filename", flat=True)) == ["letter.pdf"]
    assert OutboundEmail.objects.filter(entry=entry, purpose="acknowledgement").exists()
    message.refresh_from_db()
    assert (message.state, message.entry, message.decided_by) == (State.ACCEPTED, entry, spoc)
    assert message.history.first().history_user == spoc
    assert "tool.pdf" in message.attachment_summary


def test_accept_refused_keeps_what_was_typed_and_stores_nothing(client, election, spoc):
    message, response = _accept(
        client,
        spoc,
        mail(),
        kind="information",
        topic="My topic",
        requester_type="candidate",
        requester_name="Alex",
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose the candidate the request is from" in page
    assert 'value="My topic"' in page
    assert Entry.objects.count() == 0
    message.refresh_from_db()
    assert message.state == State.TRIAGE


def test_sender_matched_to_a_candidate_fills_the_form(client, election, spoc):
    candidate = CandidateFactory(election=election, agent_email="agent@example.org")
    message = _received(mail(sender="Agent Person <agent@example.org>"))
    client.force_login(spoc)

    page = client.get(reverse("mail_intake:message", args=[message.pk])).content.decode()

    assert (message.requester_type, message.candidate) == ("agent", candidate)
    assert f'<option value="{candidate.pk}" selected>' in page
    assert '<option value="agent" selected>' in page


def test_mark_duplicate_links_the_message_to_the_original(client, election, spoc):
    entry = logged(
        election,
        spoc,
        received_at=timezone.now(),
        topic="T",
        question="Q",
        requester_name="Sam",
        requester_email="",  # no address given
    )
    message = _received(mail())
    client.force_login(spoc)

    response = client.post(
        reverse("mail_intake:duplicate", args=[message.pk]),
        {"original": entry.reference.lower(), "note": "Same question again."},
    )

    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.state, message.entry, message.decision_note) == (
        State.DUPLICATE,
        entry,
        "Same question again.",
    )
    assert Entry.objects.count() == 1


def test_mark_duplicate_of_an_unknown_reference_is_refused(client, election, spoc):
    message = _received(mail())
    client.force_login(spoc)
    response = client.post(
        reverse("mail_intake:duplicate", args=[message.pk]), {"original": "NS99-9999"}
    )
    assert response.status_code == 400
    assert "There is no entry NS99-9999 in this election" in response.content.decode()
    message.refresh_from_db()
    assert message.state == State.TRIAGE


def test_dismiss_keeps_the_message_with_its_reason(client, election, spoc):
    message = _received(mail(subject="Cheap watches"))
    client.force_login(spoc)

    client.post(reverse("mail_intake:dismiss", args=[message.pk]), {"reason": "spam"})

    message.refresh_from_db()
    assert (message.state, message.dismiss_reason, message.decided_by) == (
        State.DISMISSED,
        "spam",
        spoc,
    )
    assert [h.state for h in message.history.order_by("history_date")] == [
        "received",
        "triage",
        "dismissed",
    ]
    page = client.get(reverse("mail_intake:inbox")).content.decode()
    assert "Cheap watches" in page  # in "Recently filed", not lost


def test_dismiss_other_needs_a_note(client, election, spoc):
    message = _received(mail())
    client.force_login(spoc)
    response = client.post(reverse("mail_intake:dismiss", args=[message.pk]), {"reason": "other"})
    assert response.status_code == 400
    assert "Say why the message is dismissed." in response.content.decode()
    message.refresh_from_db()
    assert message.state == State.TRIAGE


def test_a_decided_message_cannot_be_decided_again(client, election, spoc):
    message = _received(mail())
    services.dismiss_message(message.pk, by=spoc, reason="spam")
    client.force_login(spoc)
    response = client.post(
        reverse("mail_intake:accept", args=[message.pk]),
        {"kind": "information", "topic": "T", "requester_type": "public", "requester_name": "A"},
    )
    assert response.status_code == 400
    assert "already been dealt with" in response.content.decode()
    assert Entry.objects.count() == 0


def test_needs_attention_message_shows_its_reason_and_can_be_dismissed(client, election, spoc):
    message = _received(nested(500))
    client.force_login(spoc)
    page = client.get(reverse("mail_intake:message", args=[message.pk])).content.decode()
    assert message.state == State.NEEDS_ATTENTION
    assert "nested more than 100 levels deep" in page
    services.dismiss_message(message.pk, by=spoc, reason="other", note="Junk.")
    message.refresh_from_db()
    assert message.state == State.DISMISSED


def test_original_is_downloaded_as_received(client, election, spoc):
    raw = mail(subject="Original")
    message = _received(raw)
    client.force_login(spoc)
    response = client.get(reverse("mail_intake:original", args=[message.pk]))
    assert response.content == raw
    assert response["Content-Disposition"] == f'attachment; filename="message-{message.pk}.eml"'


def test_permissions(election, spoc, chief_executive, police_liaison, auditor):
    from mail_intake import permissions

    assert permissions.can_view_mailbox(spoc) and permissions.can_triage_mail(spoc)
    assert permissions.can_view_mailbox(chief_executive)
    assert not permissions.can_view_mailbox(police_liaison)
    assert not permissions.can_view_mailbox(auditor)
    assert not permissions.can_triage_mail(auditor)


def test_liaison_is_refused_the_inbox_and_messages(client, election, police_liaison):
    message = _received(mail())
    client.force_login(police_liaison)
    assert client.get(reverse("mail_intake:inbox")).status_code == 403
    assert client.get(reverse("mail_intake:message", args=[message.pk])).status_code == 404
    assert client.get(reverse("mail_intake:message", args=[999999])).status_code == 404


def test_dashboard_shows_the_mailbox_health_to_the_spoc_only(
    client, election, spoc, police_liaison
):
    _received(mail())
    client.force_login(spoc)
    page = client.get("/").content.decode()
    assert 'id="mailbox-health"' in page
    assert '<dd class="govuk-summary-list__value" id="mailbox-waiting">1</dd>' in page
    client.force_login(police_liaison)
    assert 'id="mailbox-health"' not in client.get("/").content.decode()


def test_inbox_queries_do_not_grow_with_messages(client, election, spoc):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(index: int) -> None:
        _received(mail(subject=f"Pending-request-{index}"))
        filed = _received(mail(subject=f"Filed {index}"))
        services.dismiss_message(filed.pk, by=spoc, reason="spam")

    client.force_login(spoc)
    counts = {}
    for rows in (1, 3):
        while InboundMessage.objects.filter(state=State.TRIAGE).count() < rows:
            add(InboundMessage.objects.count())
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("mail_intake:inbox")).content.decode()
        assert page.count("Pending-request-") == rows
        counts[rows] = len(captured)
    assert counts[1] == counts[3]
