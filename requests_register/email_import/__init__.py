"""Read a saved e-mail (.eml, or its pasted source) into the facts a new register entry needs.

Pure: bytes in, a frozen value out; no ORM, no clock, no storage. The caller enforces upload
size limits and decides what to keep; this module only refuses input over ``MAX_EMAIL_BYTES``
so a mistaken huge upload cannot tie up a worker.

Parsing uses the stdlib ``email`` package with ``email.policy.default`` (RFC 5322/6532 aware:
encoded words in headers are decoded, addresses are parsed by ``email.headerregistry``). Mail is
hostile input: nothing here raises for a malformed date, an unknown charset or a broken header
of one part; ``EmailImportError`` (with a message fit for staff) is raised only for input that
is not an e-mail at all, is over 10 MB, or whose headers the stdlib parser itself cannot read.

A package (issue 17, item 11): limits.py, values.py, headers.py, body.py, attachments.py;
every public name is importable from here, as before.
"""

from __future__ import annotations

from email import policy
from email.message import Message
from email.parser import BytesParser

from requests_register.email_import.attachments import (
    _attachments,
)
from requests_register.email_import.body import (
    _body,
)
from requests_register.email_import.headers import (
    _auto_headers,
    _delivery_report,
    _header_text,
    _message_ids,
    _one_line,
    _received_at,
    _report_type,
    _sender,
)
from requests_register.email_import.limits import (
    _HEADER_ERRORS,
    FORWARDED_MESSAGE_FILENAME,
    MALFORMED_MESSAGE,
    MAX_EMAIL_BYTES,
    MAX_FILENAME_LENGTH,
    MAX_NESTING_DEPTH,
    NOT_AN_EMAIL_MESSAGE,
    TOO_DEEP_MESSAGE,
    TOO_LARGE_MESSAGE,
)
from requests_register.email_import.values import (
    DeliveryReport,
    EmailImportError,
    ImportedAttachment,
    ImportedEmail,
)


def _nesting_depth(message: Message) -> int:
    """Return how deeply `message`'s parts nest (1 for a single-part message), iteratively,
    stopping once past MAX_NESTING_DEPTH."""
    deepest = 0
    stack: list[tuple[Message, int]] = [(message, 1)]
    while stack:
        part, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_NESTING_DEPTH:
            return deepest
        payload = part.get_payload()
        if isinstance(payload, list):
            stack.extend((child, depth + 1) for child in payload if isinstance(child, Message))
    return deepest


def parse_email(raw: bytes) -> ImportedEmail:
    """Return the sender, date, subject, readable body and attachments of the e-mail `raw`.

    Raise ``EmailImportError`` if `raw` is over 10 MB, empty, or not an e-mail at all (no
    header block, e.g. a PDF or only the body text pasted; or neither a sender nor any
    content), or if the stdlib parser fails on its headers. A missing or unparseable Date
    gives ``received_at=None``.
    """
    if not isinstance(raw, bytes):
        raise TypeError(f"raw must be bytes, not {type(raw).__name__}")
    if len(raw) > MAX_EMAIL_BYTES:
        raise EmailImportError(TOO_LARGE_MESSAGE)
    # A byte-order mark or blank lines before the first header (common when pasting) would
    # otherwise make the parser read the whole message as body.
    raw = raw.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not raw:
        raise EmailImportError(NOT_AN_EMAIL_MESSAGE)
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except _HEADER_ERRORS as error:
        # The stdlib parser reads Content-Type while parsing and can trip over a mangled one.
        raise EmailImportError(MALFORMED_MESSAGE) from error
    except RecursionError as error:
        # The parser recurses once per nested multipart: ~1,000 levels exhaust the stack.
        raise EmailImportError(TOO_DEEP_MESSAGE) from error
    # Everything below (get_body, the attachment walk, writing a forward out) recurses too.
    if _nesting_depth(message) > MAX_NESTING_DEPTH:
        raise EmailImportError(TOO_DEEP_MESSAGE)
    # No header at all: a binary file (PDF, image, Word document) or a pasted body without
    # its headers. The parser does not fail on these; it files everything under the body.
    if not message.keys():
        raise EmailImportError(NOT_AN_EMAIL_MESSAGE)
    sender_name, sender_email = _sender(message)
    body = _body(message)
    attachments = _attachments(message)
    if not sender_email and not sender_name and not body and not attachments:
        raise EmailImportError(NOT_AN_EMAIL_MESSAGE)
    return ImportedEmail(
        sender_name=sender_name,
        sender_email=sender_email,
        received_at=_received_at(message),
        subject=_one_line(_header_text(message, "Subject")),
        body=body,
        attachments=attachments,
        message_id=next(iter(_message_ids(_header_text(message, "Message-ID"))), ""),
        in_reply_to=_message_ids(_header_text(message, "In-Reply-To")),
        references=_message_ids(_header_text(message, "References")),
        auto_headers=_auto_headers(message),
        report_type=_report_type(message),
        delivery_report=_delivery_report(message),
    )


def parse_email_text(text: str) -> ImportedEmail:
    """Return ``parse_email`` of pasted message source `text` (Windows line endings allowed)."""
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    # Normalise CRLF and lone CR (old Mac clipboards) so header folding and the blank line
    # between headers and body are recognised whatever the paste produced.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return parse_email(text.encode("utf-8"))


__all__ = [
    "FORWARDED_MESSAGE_FILENAME",
    "MALFORMED_MESSAGE",
    "MAX_EMAIL_BYTES",
    "MAX_FILENAME_LENGTH",
    "MAX_NESTING_DEPTH",
    "NOT_AN_EMAIL_MESSAGE",
    "TOO_DEEP_MESSAGE",
    "TOO_LARGE_MESSAGE",
    "DeliveryReport",
    "EmailImportError",
    "ImportedAttachment",
    "ImportedEmail",
    "parse_email",
    "parse_email_text",
]
