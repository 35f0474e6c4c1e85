"""Tests for requests_register.email_import: reading a saved or pasted e-mail.

Messages are built with email.message.EmailMessage (or as raw bytes where the builder would
refuse the hostile input). Reference election: a candidate's question received on Tue 9 Apr
2024, the day after the statement of persons nominated for the 2 May 2024 PCC poll.
"""

import re
from datetime import UTC, datetime, timedelta, timezone
from email.message import EmailMessage

import pytest

from requests_register.email_import import (
    EmailImportError,
    ImportedAttachment,
    ImportedEmail,
    parse_email,
    parse_email_text,
)

NOT_AN_EMAIL = (
    "This does not look like an e-mail: save the message as .eml (or paste its full source, "
    "headers included) and try again."
)
BST = timezone(timedelta(hours=1))
SENT_AT = "Tue, 09 Apr 2024 10:15:00 +0100"
PLAIN_BODY = (
    "Dear SPOC,\n\nPlease send me the briefing pack for candidates.\n\nSam Sample\n07700 900123"
)
HTML_BODY = (
    "<html><head><title>Request</title><style>p { color: red; }</style></head><body>"
    "<p>Dear&nbsp;SPOC,</p>\n<p>Please send   the pack\nto me &amp; my agent.<br>Thank you</p>"
    "<script>document.write('<p>tracking</p>');</script>"
    "<ul><li>Briefing pack</li><li>Hustings dates &lt;May&gt;</li></ul>"
    "<p>Sam Sample</p></body></html>"
)
HTML_AS_TEXT = (
    "Dear SPOC,\n\nPlease send the pack to me & my agent.\nThank you\n\n"
    "- Briefing pack\n- Hustings dates <May>\n\nSam Sample"
)


def _message(body: str = PLAIN_BODY, *, date: str | None = SENT_AT) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Sam Sample <sam.sample@example.org>"
    message["To"] = "spoc@example.org"
    message["Subject"] = "Briefing pack"
    if date is not None:
        message["Date"] = date
    message.set_content(body)
    return message


def _with_attachment_header(disposition: bytes) -> bytes:
    """Return a raw two-part message whose attachment has the Content-Disposition given."""
    return (
        b"From: sam.sample@example.org\r\n"
        b"Subject: Attachment\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        b"--b1\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n"
        b"--b1\r\nContent-Type: application/pdf\r\n" + disposition + b"\r\n\r\n%PDF-1.4\r\n"
        b"--b1--\r\n"
    )


def test_parse_email_plain_message_fills_every_field() -> None:
    assert parse_email(_message().as_bytes()) == ImportedEmail(
        sender_name="Sam Sample",
        sender_email="sam.sample@example.org",
        received_at=datetime(2024, 4, 9, 10, 15, tzinfo=BST),
        subject="Briefing pack",
        body=PLAIN_BODY,
        attachments=(),
    )


def test_parse_email_multipart_alternative_prefers_plain_text() -> None:
    message = _message()
    message.add_alternative(HTML_BODY, subtype="html")

    assert parse_email(message.as_bytes()).body == PLAIN_BODY


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        pytest.param(HTML_BODY, HTML_AS_TEXT, id="html-only-letter-is-readable-text"),
        pytest.param("a<br><br>b", "a\n\nb", id="two-br-leave-blank-line"),
        pytest.param("<div><div>a</div></div><div>b</div>", "a\nb", id="nested-divs"),
        pytest.param("<b>a</b> <i>b</i>", "a b", id="inline-space-kept"),
        pytest.param("<table><tr><td>A</td><td>B</td></tr></table>", "A B", id="table-cells"),
        pytest.param("<p>Hi</p><script>alert(1)", "Hi", id="unclosed-script"),
        pytest.param("&#8220;Q&#8221; &pound;5", "\u201cQ\u201d \u00a35", id="entities"),
    ],
)
def test_parse_email_html_layout_becomes_lines(html: str, expected: str) -> None:
    message = _message()
    message.set_content(html, subtype="html")

    assert parse_email(message.as_bytes()).body == expected


def test_parse_email_pdf_attachment_is_kept() -> None:
    message = _message()
    message.add_attachment(
        b"%PDF-1.4 briefing", maintype="application", subtype="pdf", filename="questions.pdf"
    )

    imported = parse_email(message.as_bytes())

    assert (imported.body, imported.attachments) == (
        PLAIN_BODY,
        (ImportedAttachment("questions.pdf", "application/pdf", b"%PDF-1.4 briefing"),),
    )


def test_parse_email_inline_image_with_filename_is_an_attachment() -> None:
    message = _message()
    message.add_attachment(
        b"\x89PNG", maintype="image", subtype="png", filename="logo.png", disposition="inline"
    )

    assert parse_email(message.as_bytes()).attachments == (
        ImportedAttachment("logo.png", "image/png", b"\x89PNG"),
    )


def test_parse_email_encoded_words_are_decoded() -> None:
    message = _message()
    message.replace_header("From", "=?utf-8?q?Zo=C3=AB_Example?= <zoe.example@example.org>")
    message.replace_header("Subject", "=?utf-8?q?Caf=C3=A9_hustings?= question")

    imported = parse_email(message.as_bytes())

    assert (imported.sender_name, imported.sender_email, imported.subject) == (
        "Zoë Example",
        "zoe.example@example.org",
        "Café hustings question",
    )


def test_parse_email_folded_subject_is_one_line() -> None:
    raw = b"From: sam.sample@example.org\r\nSubject: Briefing\r\n\tpack\r\n\r\nPlease.\r\n"

    assert parse_email(raw).subject == "Briefing pack"


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        pytest.param("../../etc/passwd", "passwd", id="unix-path"),
        pytest.param("..\\..\\Windows\\win.ini", "win.ini", id="windows-path"),
        pytest.param("..", "attachment-1", id="dot-dot"),
        pytest.param(".hidden.pdf ", "hidden.pdf", id="leading-dot"),
        # A right-to-left override makes "evil\u202efdp.exe" display as "evilexe.pdf".
        pytest.param("evil\u202efdp.exe", "evilfdp.exe", id="bidi-override"),
        pytest.param("a" * 150 + ".pdf", "a" * 96 + ".pdf", id="long-keeps-extension"),
        pytest.param("b" * 150, "b" * 100, id="long-without-extension"),
    ],
)
def test_parse_email_attachment_filename_is_sanitised(filename: str, expected: str) -> None:
    message = _message()
    message.add_attachment(b"data", maintype="application", subtype="pdf", filename=filename)

    assert [a.filename for a in parse_email(message.as_bytes()).attachments] == [expected]


@pytest.mark.parametrize(
    ("disposition", "expected"),
    [
        pytest.param(
            b'Content-Disposition: attachment; filename="plan\x07\x1b.pdf"',
            "plan.pdf",
            id="control-characters",
        ),
        pytest.param(b"Content-Disposition: attachment", "attachment-1", id="no-filename"),
        # Python 3.12's header parser raises IndexError on "filename*" with no value (CPython
        # gh-151857); the part is kept under a numbered name, as it would be once fixed.
        pytest.param(
            b"Content-Disposition: attachment; filename*", "attachment-1", id="mangled-header"
        ),
        pytest.param(
            b"Content-Disposition: attachment; filename*=utf-8''Zo%C3%AB.pdf",
            "Zoë.pdf",
            id="rfc2231",
        ),
    ],
)
def test_parse_email_raw_attachment_filename_is_sanitised(
    disposition: bytes, expected: str
) -> None:
    attachments = parse_email(_with_attachment_header(disposition)).attachments

    assert [(a.filename, a.data) for a in attachments] == [(expected, b"%PDF-1.4")]


def test_parse_email_forwarded_message_is_one_attachment() -> None:
    forwarded = _message("Original question.", date="Mon, 08 Apr 2024 16:30:00 +0100")
    forwarded.replace_header("Subject", "Hustings question")
    forwarded.add_attachment(
        b"inner", maintype="application", subtype="octet-stream", filename="inner.bin"
    )
    message = _message()
    message.add_attachment(forwarded)

    attachments = parse_email(message.as_bytes()).attachments
    inner = parse_email(attachments[0].data)

    assert [(a.filename, a.content_type) for a in attachments] == [
        ("forwarded-message.eml", "message/rfc822")
    ]
    assert (inner.subject, inner.body, [a.filename for a in inner.attachments]) == (
        "Hustings question",
        "Original question.",
        ["inner.bin"],
    )


@pytest.mark.parametrize(
    "date",
    [
        pytest.param(None, id="missing"),
        pytest.param("next Tuesday", id="words"),
        pytest.param("Tue, 31 Apr 2024 10:15:00 +0100", id="no-such-day"),
        pytest.param("Tue, 09 Apr 2024 25:61:00 +0100", id="no-such-time"),
    ],
)
def test_parse_email_missing_or_bad_date_is_none(date: str | None) -> None:
    assert parse_email(_message(date=date).as_bytes()).received_at is None


@pytest.mark.parametrize(
    ("date", "expected_utc"),
    [
        pytest.param(SENT_AT, datetime(2024, 4, 9, 9, 15, tzinfo=UTC), id="bst-offset"),
        # RFC 5322 s.3.3: "-0000" is UTC with the sender's zone unknown.
        pytest.param(
            "Tue, 09 Apr 2024 09:15:00 -0000", datetime(2024, 4, 9, 9, 15, tzinfo=UTC), id="-0000"
        ),
    ],
)
def test_parse_email_date_is_aware(date: str, expected_utc: datetime) -> None:
    received_at = parse_email(_message(date=date).as_bytes()).received_at

    assert (received_at, received_at.utcoffset() is not None) == (expected_utc, True)


def test_parse_email_from_without_domain_keeps_text_as_name() -> None:
    raw = b"From: Sam Sample\r\nSubject: Hello\r\n\r\nPlease call 07700 900456.\r\n"

    imported = parse_email(raw)

    assert (imported.sender_name, imported.sender_email) == ("Sam Sample", "")


def test_parse_email_unknown_charset_falls_back_to_utf8() -> None:
    raw = (
        b"From: sam.sample@example.org\r\n"
        b'Content-Type: text/plain; charset="x-no-such-charset"\r\n\r\n'
        b"Zo\xc3\xab asks about the hustings.\r\n"
    )

    assert parse_email(raw).body == "Zoë asks about the hustings."


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"  \r\n\r\n", id="blank"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", id="png"),
        pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", id="pdf"),
        pytest.param(bytes(range(256)) * 4, id="binary"),
        pytest.param(b"Dear SPOC, when is the hustings?\r\n", id="body-without-headers"),
        pytest.param(b"Note: call back\r\n", id="no-sender-no-body"),
    ],
)
def test_parse_email_not_an_email_raises(raw: bytes) -> None:
    with pytest.raises(EmailImportError, match=re.escape(NOT_AN_EMAIL)):
        parse_email(raw)


def test_parse_email_over_10_mb_raises() -> None:
    raw = b"From: sam.sample@example.org\r\n\r\n"
    at_limit = raw + b"x" * (10 * 1024 * 1024 - len(raw))

    assert len(parse_email(at_limit).body) == len(at_limit) - len(raw)
    with pytest.raises(EmailImportError, match="larger than 10 MB"):
        parse_email(at_limit + b"x")


def test_parse_email_text_is_not_bytes_raises() -> None:
    with pytest.raises(TypeError, match="raw must be bytes"):
        parse_email("From: sam.sample@example.org\n\nHello")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "From: Zoë Example <zoe.example@example.org>\r\nSubject: Polling\r\n\tstations\r\n"
            "Date: Tue, 09 Apr 2024 10:15:00 +0100\r\n\r\nWhere do I vote?\r\n\r\nZoë\r\n",
            id="windows-line-endings",
        ),
        pytest.param(
            "\ufeff\n\nFrom: Zoë Example <zoe.example@example.org>\nSubject: Polling\n stations\n"
            "Date: Tue, 09 Apr 2024 10:15:00 +0100\n\nWhere do I vote?\n\nZoë\n",
            id="bom-and-leading-blank-lines",
        ),
        pytest.param(
            "From: Zoë Example <zoe.example@example.org>\rSubject: Polling\r stations\r"
            "Date: Tue, 09 Apr 2024 10:15:00 +0100\r\rWhere do I vote?\r\rZoë\r",
            id="lone-carriage-returns",
        ),
    ],
)
def test_parse_email_text_pasted_source_is_parsed(text: str) -> None:
    assert parse_email_text(text) == ImportedEmail(
        sender_name="Zoë Example",
        sender_email="zoe.example@example.org",
        received_at=datetime(2024, 4, 9, 10, 15, tzinfo=BST),
        subject="Polling stations",
        body="Where do I vote?\n\nZoë",
        attachments=(),
    )


def test_parse_email_text_body_only_raises() -> None:
    with pytest.raises(EmailImportError, match=re.escape(NOT_AN_EMAIL)):
        parse_email_text("Where do I vote?\r\n\r\nZoë Example\r\n")


def test_parse_email_top_level_header_parser_crash_raises_clear_error() -> None:
    # Python 3.12's parser raises IndexError while parsing this Content-Type (CPython
    # gh-151857, open). If a later release fixes it, this message parses and this test must
    # then expect the parsed body instead.
    raw = b"From: sam.sample@example.org\r\nContent-Type: text/plain; name*\r\n\r\nHello\r\n"

    with pytest.raises(EmailImportError, match="its headers are damaged"):
        parse_email(raw)
