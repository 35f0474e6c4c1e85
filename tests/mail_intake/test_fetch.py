"""The fetch pass against a real IMAP server (Dovecot, tests/mail_intake/conftest.py): new mail,
replies, confirmations, bounces, automatic replies, duplicates, crashes, the server down or
restarted, hostile MIME. Every message ends up recorded exactly once and moved."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from mail_intake import imap, services
from mail_intake.models import InboundMessage, MailboxState
from mail_intake.queries import mailbox_health
from mail_intake.services import fetch as fetch_module
from requests_register import outbox, rules
from requests_register import services as register_services
from requests_register.models import Attachment, Entry, OutboundEmail, StatusEvent
from requests_register.timeline import entry_timeline
from tests.factories import CandidateFactory
from tests.mail_intake.mail import bounce, mail, nested

State = InboundMessage.State
pytestmark = pytest.mark.django_db


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing on the way catches it."""


def _log(election, spoc, **fields) -> Entry:
    values = {
        "election": election,
        "by": spoc,
        "received_at": timezone.now(),
        "channel": rules.Channel.EMAIL,
        "kind": rules.Kind.INFORMATION,
        "topic": "Station opening hours",
        "question": "Which stations open on Saturdays?",
        "requester_type": "public",
        "requester_name": "Alex Example",
        "requester_email": "alex@example.org",
    }
    values.update(fields)
    return register_services.log_entry(**values)


def test_fetch_new_mail_waits_in_the_triage_inbox_and_is_moved(dovecot, election):
    candidate = CandidateFactory(election=election, emails=["robin.candidate@example.org"])
    raw = mail(sender="Robin Candidate <robin.candidate@example.org>", subject="Briefing pack")
    dovecot.deliver(raw)

    result = services.fetch_mail()

    assert (result.recorded, result.moved, result.error) == (1, 1, "")
    message = InboundMessage.objects.get()
    assert message.state == State.TRIAGE
    assert (message.sender_email, message.subject) == (
        "robin.candidate@example.org",
        "Briefing pack",
    )
    assert (message.requester_type, message.candidate) == ("candidate", candidate)
    assert message.body == "Which police stations are open on Saturdays?"
    assert b"Subject: Briefing pack" in bytes(message.raw)
    assert message.moved_at is not None
    assert Entry.objects.count() == 0  # staff decide: nothing is logged by itself
    assert (dovecot.count("INBOX"), dovecot.count("Processed")) == (0, 1)
    state = MailboxState.objects.get()
    assert state.last_success_at is not None and state.lease_until is None
    assert mailbox_health(timezone.now()).status == "ok"


def test_fetch_reply_to_an_outbox_email_goes_on_its_entry(dovecot, election, spoc):
    entry = _log(election, spoc)
    sent = outbox.queue_email(
        purpose="reply", to=["alex@example.org"], subject="Your request", body="b", entry=entry
    )
    dovecot.deliver(
        mail(
            subject="Re: Your request",
            body="Thank you, one more question.\n",
            headers={"In-Reply-To": sent.message_id, "References": sent.message_id},
        )
    )

    services.fetch_mail()

    message = InboundMessage.objects.get()
    assert (message.state, message.entry, message.outbound) == (State.THREADED, entry, sent)
    assert Entry.objects.count() == 1
    titles = [item.title for item in entry_timeline(entry, show_contacts=True)]
    assert "E-mail received from alex@example.org: Re: Your request" in titles
    hidden = [item.title for item in entry_timeline(entry, show_contacts=False)]
    assert "E-mail received from the requester: Re: Your request" in hidden


def test_fetch_reference_in_the_subject_threads_a_reply(dovecot, election, spoc):
    entry = _log(election, spoc)
    dovecot.deliver(mail(subject=f"More about {entry.reference.lower()} please"))

    services.fetch_mail()

    assert InboundMessage.objects.get().entry == entry


def test_fetch_recognises_the_written_confirmation_of_a_phone_request(dovecot, election, spoc):
    entry = _log(election, spoc, channel=rules.Channel.PHONE, requester_phone="07700 900123")
    register_services.set_entry_status(entry.pk, rules.Status.AWAITING_CONFIRMATION, by=spoc)
    confirmation = OutboundEmail.objects.get(entry=entry, purpose="confirmation")
    dovecot.deliver(
        mail(
            sender="Alex Example <ALEX@example.org>",
            subject=f"Re: {confirmation.subject}",
            body="Yes, that is my request.\n",
            headers={"In-Reply-To": confirmation.message_id},
        )
    )

    services.fetch_mail()

    entry.refresh_from_db()
    message = InboundMessage.objects.get()
    assert message.state == State.CONFIRMATION
    assert entry.status == rules.Status.IN_PROGRESS
    assert entry.confirmed_at is not None
    event = StatusEvent.objects.filter(entry=entry).last()
    assert event.by.username == services.MAILBOX_USERNAME
    assert event.reason.startswith("Confirmed in writing by the requester")
    assert not event.by.is_active and not event.by.has_usable_password()


def test_fetch_reply_from_another_address_does_not_confirm(dovecot, election, spoc):
    entry = _log(election, spoc, channel=rules.Channel.PHONE)
    register_services.set_entry_status(entry.pk, rules.Status.AWAITING_CONFIRMATION, by=spoc)
    confirmation = OutboundEmail.objects.get(entry=entry, purpose="confirmation")
    dovecot.deliver(
        mail(sender="someone.else@example.org", headers={"In-Reply-To": confirmation.message_id})
    )

    services.fetch_mail()

    entry.refresh_from_db()
    assert InboundMessage.objects.get().state == State.THREADED
    assert entry.status == rules.Status.AWAITING_CONFIRMATION
    assert entry.confirmed_at is None


def test_fetch_bounce_marks_the_outbox_email_failed_and_never_retried(dovecot, election, spoc):
    entry = _log(election, spoc)
    sent = outbox.queue_email(
        purpose="reply", to=["alex@example.org"], subject="Your request", body="b", entry=entry
    )
    OutboundEmail.objects.filter(pk=sent.pk).update(state=OutboundEmail.State.SENT, attempts=1)
    dovecot.deliver(bounce(sent.message_id))

    services.fetch_mail()

    sent.refresh_from_db()
    message = InboundMessage.objects.get()
    assert (message.state, message.outbound, message.entry) == (State.BOUNCE, sent, entry)
    assert sent.state == OutboundEmail.State.FAILED
    assert "5.1.1" in sent.last_error and "Recipient address rejected" in sent.last_error
    assert outbox.requeue_unsent(now=timezone.now() + timezone.timedelta(days=1)) == 0
    email_items = [i for i in entry_timeline(entry, show_contacts=True) if i.kind == "email"]
    assert any("Returned by the recipient's mail server" in i.state for i in email_items)
    assert Entry.objects.count() == 1


@pytest.mark.parametrize(
    "headers,subject",
    [
        ({"Auto-Submitted": "auto-replied"}, "Re: your e-mail"),
        ({"Precedence": "bulk"}, "Newsletter"),
        ({"X-Autoreply": "yes"}, "Away"),
        ({}, "Out of Office: back Monday"),
        ({}, "Automatic reply: Your request"),
    ],
)
def test_fetch_automatic_replies_never_create_entries(dovecot, election, headers, subject):
    dovecot.deliver(mail(subject=subject, headers=headers))

    services.fetch_mail()

    assert InboundMessage.objects.get().state == State.AUTO_REPLY
    assert Entry.objects.count() == 0
    assert dovecot.count("INBOX") == 0


def test_fetch_duplicate_delivery_is_recorded_once(dovecot, election):
    raw = mail(message_id="<same-message@example.org>")
    dovecot.deliver(
        b"Received: from a.example.org\r\n" + raw, b"Received: from b.example.org\r\n" + raw
    )

    result = services.fetch_mail()

    assert (result.recorded, result.already_recorded, result.moved) == (1, 1, 2)
    assert InboundMessage.objects.count() == 1
    assert (dovecot.count("INBOX"), dovecot.count("Processed")) == (0, 2)


def test_fetch_a_different_message_reusing_a_message_id_is_kept_too(dovecot, election):
    dovecot.deliver(
        mail(message_id="<reused@example.org>", body="First.\n"),
        mail(message_id="<reused@example.org>", body="Second, different.\n"),
    )

    services.fetch_mail()

    assert sorted(InboundMessage.objects.values_list("body", flat=True)) == [
        "First.",
        "Second, different.",
    ]


def test_fetch_crash_between_record_and_move_is_recognised_next_pass(
    dovecot, election, monkeypatch
):
    dovecot.deliver(mail(subject="Recorded, then the process died"))

    def die(self, uid):
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(imap.Mailbox, "move_done", die)
        with pytest.raises(Crash):
            services.fetch_mail()
    assert InboundMessage.objects.get().state == State.TRIAGE  # recorded and sorted ...
    assert dovecot.count("INBOX") == 1  # ... but still on the server

    MailboxState.objects.update(lease_until=None)  # the dead process's lease has run out
    result = services.fetch_mail()

    assert (result.recorded, result.already_recorded, result.moved) == (0, 1, 1)
    assert InboundMessage.objects.count() == 1
    assert InboundMessage.objects.get().moved_at is not None
    assert (dovecot.count("INBOX"), dovecot.count("Processed")) == (0, 1)


def test_fetch_crash_between_record_and_sort_is_sorted_next_pass(dovecot, election, monkeypatch):
    dovecot.deliver(mail(subject="Recorded, not yet sorted"))

    def die(pk, now=None):
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(fetch_module, "sort_message", die)
        with pytest.raises(Crash):
            services.fetch_mail()
    assert InboundMessage.objects.get().state == State.RECEIVED

    MailboxState.objects.update(lease_until=None)
    result = services.fetch_mail()

    assert result.sorted_pending == 1
    assert InboundMessage.objects.get().state == State.TRIAGE
    assert dovecot.count("INBOX") == 0


def test_fetch_server_down_is_reported_and_nothing_is_lost(dovecot, election, client, spoc):
    dovecot.deliver(mail(subject="First"), mail(subject="Second"))
    dovecot.stop()

    result = services.fetch_mail()

    assert result.error == "the mail server refused the connection"
    assert InboundMessage.objects.count() == 0
    state = MailboxState.objects.get()
    assert (state.consecutive_failures, state.last_error) == (1, result.error)
    assert state.lease_until is None
    assert mailbox_health(timezone.now()).status == "unavailable"
    assert client.get("/healthz").json()["mailbox"] == "unavailable"
    client.force_login(spoc)
    assert "the mail server refused the connection" in client.get("/").content.decode()

    dovecot.start()
    result = services.fetch_mail()

    assert (result.recorded, result.error) == (2, "")
    assert sorted(InboundMessage.objects.values_list("subject", flat=True)) == ["First", "Second"]
    assert MailboxState.objects.get().consecutive_failures == 0
    assert client.get("/healthz").json()["mailbox"] == "ok"


def test_fetch_survives_an_imap_server_restart_mid_pass(dovecot, election, monkeypatch):
    dovecot.deliver(mail(subject="One"), mail(subject="Two"), mail(subject="Three"))
    real_sort = services.sort_message

    def sort_then_restart(pk, now=None):
        message = real_sort(pk, now=now)
        dovecot.stop()  # the server goes down after the first record, before its move
        return message

    with monkeypatch.context() as patch:
        patch.setattr(fetch_module, "sort_message", sort_then_restart)
        first = services.fetch_mail()
    assert first.error and first.recorded == 1 and first.moved == 0
    dovecot.start()

    second = services.fetch_mail()

    assert (second.recorded, second.already_recorded, second.moved) == (2, 1, 3)
    assert sorted(InboundMessage.objects.values_list("subject", flat=True)) == [
        "One",
        "Three",
        "Two",
    ]
    assert (dovecot.count("INBOX"), dovecot.count("Processed")) == (0, 3)


def test_fetch_hostile_mime_needs_attention_with_a_reason(dovecot, election, monkeypatch):
    broken = (
        b"From: Odd Sender <odd@example.org>\r\nSubject: =?x-unknown?Q?odd?=\r\n"
        b"Message-ID: <broken@example.org>\r\nContent-Type: text/plain; charset=x-nonsense\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64\x00\xff\r\n"
    )
    disguised = (
        b"From: a@example.org\r\nSubject: Disguised\r\nMessage-ID: <disguised@example.org>\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="x"\r\n\r\n'
        b"--x\r\nContent-Type: text/plain\r\n\r\nSee the PDF.\r\n"
        b'--x\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="a.pdf"'
        b"\r\n\r\nMZ\x90\x00 not a pdf\r\n--x--\r\n"
    )
    dovecot.deliver(nested(1200), broken, disguised)
    services.fetch_mail()
    monkeypatch.setattr(fetch_module, "MAX_MESSAGE_BYTES", 2500)
    dovecot.deliver(mail(subject="Huge", body="x" * 3000))

    result = services.fetch_mail()

    assert (result.recorded, result.error) == (1, "")
    assert InboundMessage.objects.count() == 4
    by_subject = {m.subject: m for m in InboundMessage.objects.all()}
    deep = by_subject["Nested"]
    assert deep.state == State.NEEDS_ATTENTION
    assert "nested more than 100 levels" in deep.problem
    assert deep.sender_email == "someone@example.org"
    assert by_subject["Huge"].state == State.NEEDS_ATTENTION
    assert "only its headers are here" in by_subject["Huge"].problem
    odd = next(m for m in by_subject.values() if m.sender_email == "odd@example.org")
    assert odd.state == State.TRIAGE and "\x00" not in odd.body
    assert "a.pdf" in by_subject["Disguised"].attachment_summary
    assert "accepted" not in by_subject["Disguised"].attachment_summary
    assert dovecot.count("INBOX") == 0


def test_fetch_over_starttls(dovecot, election, settings):
    settings.MAILBOX_URL = dovecot.url(starttls=True)
    dovecot.deliver(mail(subject="Over STARTTLS"))

    services.fetch_mail()

    assert InboundMessage.objects.get().subject == "Over STARTTLS"


def test_fetch_untrusted_certificate_is_refused(dovecot, election, settings):
    settings.MAILBOX_CA_FILE = ""  # the system's CAs do not know the test certificate
    dovecot.deliver(mail())

    result = services.fetch_mail()

    assert result.error == "the mail server's TLS certificate is not trusted"
    assert InboundMessage.objects.count() == 0


def test_fetch_wrong_password_is_reported(dovecot, election, settings):
    settings.MAILBOX_URL = dovecot.url().replace("test-only-password", "wrong")

    result = services.fetch_mail()

    assert result.error == "the mail server refused the user name or password"
    assert "wrong" not in MailboxState.objects.get().last_error


def test_fetch_dry_run_records_and_moves_nothing(dovecot, election, spoc):
    entry = _log(election, spoc)
    dovecot.deliver(mail(subject="New one"), mail(subject=f"Re: {entry.reference}"))

    result = services.fetch_mail(dry_run=True)

    assert [p.split(": ", 1)[1] for p in result.previews] == [
        "triage inbox: New one",
        f"reply to {entry.reference}: Re: {entry.reference}",
    ]
    assert InboundMessage.objects.count() == 0
    assert not MailboxState.objects.exists() or MailboxState.objects.get().last_attempt_at is None
    assert dovecot.count("INBOX") == 2


def test_fetch_mail_command_runs_one_pass(dovecot, election, capsys):
    dovecot.deliver(mail(subject="By command"))

    call_command("fetch_mail", "--dry-run")
    assert "triage inbox: By command" in capsys.readouterr().out
    call_command("fetch_mail")

    assert "1 new, 0 already recorded, 1 moved" in capsys.readouterr().out
    assert InboundMessage.objects.get().subject == "By command"


def test_fetch_mail_command_fails_when_the_server_is_down(dovecot, election):
    dovecot.stop()
    with pytest.raises(CommandError, match="refused the connection"):
        call_command("fetch_mail")


def test_fetch_another_pass_holding_the_lease_is_left_alone(dovecot, election):
    dovecot.deliver(mail())
    MailboxState.objects.create(pk=1, lease_until=timezone.now() + timezone.timedelta(minutes=1))

    result = services.fetch_mail()

    assert result.busy
    assert InboundMessage.objects.count() == 0 and dovecot.count("INBOX") == 1


def test_fetch_attachments_of_a_reply_are_added_to_the_entry(dovecot, election, spoc):
    entry = _log(election, spoc)
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "alex@example.org"
    message["Subject"] = f"Re: {entry.reference}"
    message["Message-ID"] = "<with-pdf@example.org>"
    message.set_content("The letter is attached.")
    message.add_attachment(
        b"%PDF-1.4\n%%EOF\n", maintype="application", subtype="pdf", filename="letter.pdf"
    )
    dovecot.deliver(message.as_bytes())

    services.fetch_mail()

    assert list(Attachment.objects.filter(entry=entry).values_list("filename", flat=True)) == [
        "letter.pdf"
    ]


def test_fetch_not_configured_does_nothing(db, settings):
    settings.MAILBOX_URL = ""
    result = services.fetch_mail()
    assert not result.configured
    assert result.summary() == "MAILBOX_URL is not set: nothing to read."


def test_a_move_a_dead_pass_did_not_record_is_recorded_by_the_next_pass(dovecot, election):
    """A worker killed between moving a message and recording the move left it "not yet
    moved" for ever; the next pass, seeing the whole folder, records it."""
    dovecot.deliver(mail(subject="First"))
    services.fetch_mail()
    message = InboundMessage.objects.get()
    # As if the pass had died after the move and before recording it.
    InboundMessage.objects.filter(pk=message.pk).update(moved_at=None)
    dovecot.deliver(mail(subject="Second", message_id="<second@example.org>"))

    result = services.fetch_mail()

    assert (result.recorded, result.moved) == (1, 1)
    assert not InboundMessage.objects.filter(moved_at__isnull=True).exists()
    assert (dovecot.count("INBOX"), dovecot.count("Processed")) == (0, 2)
