"""Pure rules of the mailbox: the URL, what a message is, references, confirmations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mail_intake import rules
from mail_intake.rules import Kind


def test_parse_mailbox_url_imaps_with_defaults():
    config = rules.parse_mailbox_url("imaps://spoc%40example.org:p%40ss%3Aword@mail.example.org")
    assert config == rules.MailboxConfig(
        host="mail.example.org",
        port=993,
        username="spoc@example.org",
        password="p@ss:word",
        tls=True,
        folder="INBOX",
        move_to="Processed",
    )
    assert "p@ss" not in repr(config)


def test_parse_mailbox_url_imap_is_starttls_with_folder_and_move_to():
    config = rules.parse_mailbox_url("imap://u:p@localhost:1143/SPOC%20mail?move_to=Done")
    assert (config.tls, config.port, config.folder, config.move_to) == (
        False,
        1143,
        "SPOC mail",
        "Done",
    )


@pytest.mark.parametrize(
    "url,message",
    [
        ("pop3://u:p@host", "must start with imaps:// or imap://"),
        ("imaps://u:p@", "no server name"),
        ("imaps://host/INBOX", "no user name"),
        ("imaps://u:p@host:abc/", "port that is not a number"),
        ("imaps://u:p@host/INBOX?move_to=INBOX", "another folder"),
    ],
)
def test_parse_mailbox_url_refuses_with_a_reason(url, message):
    with pytest.raises(rules.MailboxUrlError, match=message):
        rules.parse_mailbox_url(url)


@pytest.mark.parametrize(
    "sender,subject,headers,report_type,expected",
    [
        ("alex@example.org", "Question", (), "", Kind.MESSAGE),
        ("mailer-daemon@mx.example.org", "x", (), "delivery-status", Kind.BOUNCE),
        (
            "MAILER-DAEMON@mx.example.org",
            "Undelivered Mail Returned to Sender",
            (),
            "",
            Kind.BOUNCE,
        ),
        ("postmaster@example.org", "Hello", (), "", Kind.MESSAGE),
        ("alex@example.org", "Re: x", (("auto-submitted", "auto-replied"),), "", Kind.AUTO_REPLY),
        ("alex@example.org", "Re: x", (("auto-submitted", "no"),), "", Kind.MESSAGE),
        ("alex@example.org", "Digest", (("precedence", "bulk"),), "", Kind.AUTO_REPLY),
        ("alex@example.org", "Away", (("x-autoreply", "yes"),), "", Kind.AUTO_REPLY),
        ("alex@example.org", "Out of Office: until Monday", (), "", Kind.AUTO_REPLY),
        ("alex@example.org", "Automatic reply: Your request", (), "", Kind.AUTO_REPLY),
        ("alex@example.org", "Ateb awtomatig: eich cais", (), "", Kind.AUTO_REPLY),
        ("alex@example.org", "Read: x", (), "disposition-notification", Kind.AUTO_REPLY),
        ("alex@example.org", "About the out of office hours", (), "", Kind.MESSAGE),
    ],
)
def test_classify(sender, subject, headers, report_type, expected):
    assert (
        rules.classify(
            sender_email=sender, subject=subject, auto_headers=headers, report_type=report_type
        )
        == expected
    )


@pytest.mark.parametrize(
    "subject,expected",
    [
        ("Re: NS26-0001 opening hours", ("NS26-0001",)),
        ("re: ns26-0012 and NS26-0012 again, also TS24-0003", ("NS26-0012", "TS24-0003")),
        ("Phone 07700-900123", ()),
        ("ABC-12 too short", ()),
        ("Ref NS26-00012345678", ()),
    ],
)
def test_references_in_subject(subject, expected):
    assert rules.references_in_subject(subject) == expected


def test_fingerprint_same_message_delivered_twice_is_the_same():
    body = b"\r\n\r\nHello\r\n"
    one = b"Received: a\r\nMessage-ID: <m@x>" + body
    two = b"Received: b\r\nDelivered-To: y\r\nMessage-ID: <m@x>" + body
    assert rules.fingerprint("m@x", one) == rules.fingerprint("m@x", two)
    assert rules.fingerprint("m@x", one) != rules.fingerprint("m@x", one + b"more")
    assert rules.fingerprint("", one) != rules.fingerprint("", two)


def test_lease_free():
    now = datetime(2024, 4, 10, 10, tzinfo=UTC)
    assert rules.lease_free(None, now)
    assert rules.lease_free(now, now)
    assert not rules.lease_free(now + timedelta(seconds=1), now)


@pytest.mark.parametrize(
    "status,oral,sender,expected",
    [
        ("awaiting_confirmation", True, "Alex@Example.org", True),
        ("awaiting_confirmation", True, "other@example.org", False),
        ("awaiting_confirmation", False, "alex@example.org", False),
        ("in_progress", True, "alex@example.org", False),
        ("awaiting_confirmation", True, "", False),
    ],
)
def test_is_written_confirmation_cumbria_6_1_2(status, oral, sender, expected):
    assert (
        rules.is_written_confirmation(
            entry_status=status,
            entry_needs_confirmation=oral,
            sender_email=sender,
            requester_email="alex@example.org",
        )
        is expected
    )


def test_check_decision():
    rules.check_decision("triage")
    rules.check_decision("needs_attention", dismiss_reason="spam")
    with pytest.raises(rules.TriageError, match="already been dealt with"):
        rules.check_decision("accepted")
    with pytest.raises(rules.TriageError, match="Say why"):
        rules.check_decision("triage", dismiss_reason="other", note=" ")
