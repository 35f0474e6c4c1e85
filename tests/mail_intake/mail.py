"""Fictional e-mails for the mailbox tests (example.org addresses only)."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid


def mail(
    *,
    subject: str = "Police station opening hours",
    sender: str = "Alex Example <alex@example.org>",
    body: str = "Which police stations are open on Saturdays?\n",
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "spoc@testshire.example.org"
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id or make_msgid(domain="example.org")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def bounce(original_message_id: str, *, recipient: str = "alex@example.org") -> bytes:
    """Return a delivery status notification (RFC 3464) for the outbox e-mail given."""
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\r\n"
        "To: spoc@testshire.example.org\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Date: {formatdate()}\r\n"
        f"Message-ID: {make_msgid(domain='mx.example.org')}\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"\r\n'
        "\r\n"
        "--dsn\r\n"
        "Content-Type: text/plain\r\n\r\n"
        "Your message could not be delivered.\r\n"
        "--dsn\r\n"
        "Content-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.org\r\n"
        "\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\n"
        "Action: failed\r\n"
        "Status: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <alex@example.org>: Recipient address rejected\r\n"
        "\r\n"
        "--dsn\r\n"
        "Content-Type: text/rfc822-headers\r\n\r\n"
        "From: spoc@testshire.example.org\r\n"
        f"To: {recipient}\r\n"
        f"Message-ID: {original_message_id}\r\n"
        "Subject: Your request\r\n"
        "\r\n"
        "--dsn--\r\n"
    ).encode()


def nested(depth: int) -> bytes:
    """Return a message with `depth` multiparts nested one in another."""
    head = (
        "From: someone@example.org\r\nSubject: Nested\r\n"
        f"Message-ID: <nested-{depth}@example.org>\r\nMIME-Version: 1.0\r\n"
    )
    body = "".join(
        f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(depth)
    )
    body += "Content-Type: text/plain\r\n\r\nhello\r\n"
    body += "".join(f"--b{i}--\r\n" for i in reversed(range(depth)))
    return (head + body).encode()
