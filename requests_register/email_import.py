"""Read a saved e-mail (.eml, or its pasted source) into the facts a new register entry needs.

Pure: bytes in, a frozen value out; no ORM, no clock, no storage. The caller enforces upload
size limits and decides what to keep; this module only refuses input over ``MAX_EMAIL_BYTES``
so a mistaken huge upload cannot tie up a worker.

Parsing uses the stdlib ``email`` package with ``email.policy.default`` (RFC 5322/6532 aware:
encoded words in headers are decoded, addresses are parsed by ``email.headerregistry``). Mail is
hostile input: nothing here raises for a malformed date, an unknown charset or a broken header
of one part; ``EmailImportError`` (with a message fit for staff) is raised only for input that
is not an e-mail at all, is over 10 MB, or whose headers the stdlib parser itself cannot read.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.errors import HeaderParseError
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser

MAX_EMAIL_BYTES = 10 * 1024 * 1024
MAX_FILENAME_LENGTH = 100
# Parts nested deeper than this are not read: real mail nests a few levels (a forward of a
# forward with attachments); the stdlib parser and walkers recurse once per level and hit
# Python's recursion limit near 1,000 (issue 14, item 5).
MAX_NESTING_DEPTH = 100
FORWARDED_MESSAGE_FILENAME = "forwarded-message.eml"

NOT_AN_EMAIL_MESSAGE = (
    "This does not look like an e-mail: save the message as .eml (or paste its full source, "
    "headers included) and try again."
)
MALFORMED_MESSAGE = (
    "This e-mail could not be read because its headers are damaged: save it again from your "
    "mail program as .eml, or type the details into the form."
)
TOO_DEEP_MESSAGE = (
    "This e-mail has parts nested more than 100 levels deep, which no mail program makes: "
    "it cannot be read safely. Type the details into the form, or ask the sender to send it "
    "again."
)
TOO_LARGE_MESSAGE = (
    "This e-mail is larger than 10 MB: save its large attachments separately and import the "
    "message without them."
)


# What a malformed header can raise when parsed (the header parser has had bugs raising
# IndexError and the like on hostile input); such a header is treated as absent.
_HEADER_ERRORS = (HeaderParseError, ValueError, TypeError, IndexError, AttributeError)


class EmailImportError(ValueError):
    """The input cannot be read as an e-mail; the message is safe to show to staff."""


@dataclass(frozen=True)
class ImportedAttachment:
    """One attached file (or forwarded message) with a sanitised, safe basename."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class ImportedEmail:
    """What a new register entry is pre-filled from; every text field is decoded Unicode."""

    sender_name: str
    sender_email: str
    received_at: datetime | None
    subject: str
    body: str
    attachments: tuple[ImportedAttachment, ...]
    # What the SPOC mailbox (mail_intake) needs to thread, and to tell bounces and automatic
    # replies from requests; the .eml import ignores them.
    message_id: str = ""
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    # Headers that mark a message as automatic (RFC 3834 Auto-Submitted, Precedence, the
    # X-Auto* family), lower-cased names, values as received.
    auto_headers: tuple[tuple[str, str], ...] = ()
    # The report-type of a multipart/report (RFC 6522), e.g. "delivery-status"; else "".
    report_type: str = ""
    delivery_report: DeliveryReport | None = None


@dataclass(frozen=True)
class DeliveryReport:
    """What a delivery status notification (RFC 3464) says about the message it returns."""

    original_message_id: str
    action: str
    status: str
    diagnostic: str


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


# --- headers --------------------------------------------------------------------------------


def _unsurrogate(text: str) -> str:
    """Return `text` with undecoded 8-bit bytes read as UTF-8.

    Raw (non-RFC 2047) UTF-8 in headers, as in pasted source, reaches us as surrogate escapes;
    left alone they would crash the database write later.
    """
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _header_text(message: Message, name: str) -> str:
    """Return the decoded value of header `name`, or "" if missing or unreadable."""
    try:
        value = message.get(name)
    except _HEADER_ERRORS:
        return ""
    return "" if value is None else _unsurrogate(str(value))


_MESSAGE_ID = re.compile(r"<([^<>\s]{1,400})>")
_AUTO_HEADERS = (
    "auto-submitted",
    "precedence",
    "x-autoreply",
    "x-autorespond",
    "x-auto-response-suppress",
    "x-autogenerated",
)


def _message_ids(text: str) -> tuple[str, ...]:
    """Return the message identifiers (without angle brackets) in a Message-ID, In-Reply-To or
    References header, in order, at most 50 (RFC 5322 s.3.6.4)."""
    return tuple(_MESSAGE_ID.findall(text))[:50]


def _auto_headers(message: Message) -> tuple[tuple[str, str], ...]:
    """Return the headers that mark automatic mail, as (lower-case name, one-line value)."""
    return tuple(
        (name, _one_line(_header_text(message, name))[:200])
        for name in _AUTO_HEADERS
        if _header_text(message, name)
    )


def _report_type(message: Message) -> str:
    """Return the report-type of a multipart/report message (lower case, "" if none), e.g.
    "delivery-status" for a bounce (RFC 3464) or "disposition-notification" (RFC 8098)."""
    try:
        if message.get_content_type() != "multipart/report":
            return ""
        report_type = message.get_param("report-type")
    except _HEADER_ERRORS:
        return ""
    return report_type.strip().lower()[:50] if isinstance(report_type, str) else ""


def _delivery_report(message: Message) -> DeliveryReport | None:
    """Return what a delivery status notification (RFC 3464, multipart/report with a
    message/delivery-status part) says: the returned message's Message-ID (from its
    message/rfc822 or text/rfc822-headers part), and the first recipient's Action, Status and
    Diagnostic-Code. None for any other message."""
    if _report_type(message) != "delivery-status":
        return None
    payload = message.get_payload()
    if not isinstance(payload, list):
        return None
    original = action = status = diagnostic = ""
    for part in payload:
        if not isinstance(part, Message):
            continue
        try:
            content_type = part.get_content_type()
        except _HEADER_ERRORS:
            continue
        if content_type == "message/delivery-status":
            blocks = part.get_payload()
            # The stdlib gives one Message per field block: the first is per message, the
            # rest per recipient.
            for block in blocks[1:] if isinstance(blocks, list) else ():
                if isinstance(block, Message) and not action:
                    action = _one_line(_header_text(block, "Action"))[:100]
                    status = _one_line(_header_text(block, "Status"))[:100]
                    diagnostic = _one_line(_header_text(block, "Diagnostic-Code"))[:500]
        elif content_type == "message/rfc822":
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else None
            if isinstance(inner, Message):
                ids = _message_ids(_header_text(inner, "Message-ID"))
                original = original or (ids[0] if ids else "")
        elif content_type == "text/rfc822-headers":
            headers = BytesParser(policy=policy.default).parsebytes(
                _payload_bytes(part), headersonly=True
            )
            ids = _message_ids(_header_text(headers, "Message-ID"))
            original = original or (ids[0] if ids else "")
    return DeliveryReport(original, action, status, diagnostic)


def _one_line(text: str) -> str:
    """Return `text` with control characters dropped and runs of whitespace made one space."""
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    return " ".join(text.split())


def _sender(message: Message) -> tuple[str, str]:
    """Return (display name, address) of the first From address; ("", "") if none.

    An address without a domain (``From: garbage``) is not an address we could reply to, so
    the address is left empty and the text is kept as the name.
    """
    try:
        header = message.get("From")
        addresses = getattr(header, "addresses", ())
    except _HEADER_ERRORS:
        addresses = ()
    if not addresses:
        return _one_line(_header_text(message, "From")), ""
    address = addresses[0]
    name = _one_line(_unsurrogate(address.display_name))
    if not address.domain:
        return name or _one_line(_unsurrogate(address.username)), ""
    return name, _one_line(_unsurrogate(address.addr_spec))


def _received_at(message: Message) -> datetime | None:
    """Return the Date header as an aware datetime, or None if missing or unparseable.

    RFC 5322 s.3.3: "-0000" means the time is UTC but the sender's zone is unknown;
    parsedate_to_datetime returns a naive datetime for it, which we read as UTC.
    """
    text = _header_text(message, "Date").strip()
    if not text:
        return None
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return parsed.replace(tzinfo=UTC)
    return parsed


# --- body -----------------------------------------------------------------------------------


def _payload_bytes(part: Message) -> bytes:
    """Return the decoded (base64, quoted-printable) payload of a leaf part; b"" if unreadable."""
    try:
        data = part.get_payload(decode=True)
    except _HEADER_ERRORS:
        return b""
    return data if isinstance(data, bytes) else b""


def _text_of(part: Message) -> str:
    """Return the decoded text of a text/* part, never raising for a bad charset.

    With no charset declared (or a declared us-ascii that is not true) the bytes are tried as
    UTF-8, then Windows-1252, the two encodings unlabelled mail is realistically in.
    """
    data = _payload_bytes(part)
    try:
        charset = part.get_content_charset()
    except _HEADER_ERRORS:
        charset = None
    if charset and charset not in {"us-ascii", "ascii"}:
        try:
            return data.decode(charset, "replace")
        except (LookupError, ValueError):
            pass  # unknown or malformed charset name: fall through to the guesses below
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _tidy_lines(text: str) -> str:
    """Return `text` with unified line endings, trailing spaces and extra blank lines removed."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):  # at most one blank line in a row
            tidy.append(line)
    return "\n".join(tidy).strip("\n")


def _body(message: EmailMessage) -> str:
    """Return the readable body: the text/plain part if there is one, else the HTML as text."""
    try:
        plain = message.get_body(preferencelist=("plain",))
        html = None if plain is not None else message.get_body(preferencelist=("html",))
    except (*_HEADER_ERRORS, KeyError):
        return ""
    if plain is not None:
        return _tidy_lines(_text_of(plain))
    if html is not None:
        return _html_to_text(_text_of(html))
    return ""


# Elements whose content is never shown to a reader.
_HIDDEN_TAGS = frozenset({"script", "style", "head", "title", "template", "noscript"})
# Elements that start and end on their own line; paragraphs (and headings, quotes) also leave
# a blank line around them.
_LINE_TAGS = frozenset({"li", "div", "tr", "dt", "dd", "ul", "ol", "table", "hr"})
_PARAGRAPH_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"})


class _HTMLText(HTMLParser):
    """Collect the visible text of an HTML document, with line breaks where blocks are.

    Breaks are held back until the next visible text and merged (a "</li><li>" is one line
    break, not two), so nested blocks do not pile up blank lines; each <br> counts, so
    "<br><br>" still leaves a blank line.
    """

    def __init__(self) -> None:
        # convert_charrefs unescapes entities (&amp; &nbsp; &#8217;) in the text for us.
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._hidden_depth = 0
        self._pending_breaks = 0

    def _break(self, count: int) -> None:
        self._pending_breaks = max(self._pending_breaks, count)

    def _write(self, text: str) -> None:
        if self._pending_breaks and self.chunks:
            self.chunks.append("\n" * self._pending_breaks)
        self._pending_breaks = 0
        self.chunks.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden_depth += 1
        elif self._hidden_depth:
            return
        elif tag == "br":
            self._pending_breaks = min(self._pending_breaks + 1, 2)
        elif tag in _PARAGRAPH_TAGS:
            self._break(2)
        elif tag == "li":
            self._break(1)
            self._write("- ")
        elif tag in _LINE_TAGS:
            self._break(1)
        elif tag in {"td", "th"}:
            self.handle_data(" ")  # keep table cells apart: "A B", not "AB"

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif self._hidden_depth:
            return
        elif tag in _PARAGRAPH_TAGS:
            self._break(2)
        elif tag in _LINE_TAGS:
            self._break(1)

    def handle_data(self, data: str) -> None:
        if self._hidden_depth:
            return
        # Line breaks in HTML source are just spaces; only tags make lines.
        text = re.sub(r"\s+", " ", data)
        if text.strip():
            self._write(text)
        elif self.chunks and not self._pending_breaks:
            self.chunks.append(" ")  # the space in "<b>a</b> <i>b</i>"


def _html_to_text(html: str) -> str:
    """Return readable plain text from `html`: tags stripped, entities unescaped, a line break
    for <br>, <li> and other blocks and a blank line around <p>, <script>/<style> dropped.
    """
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.chunks).split("\n")]
    return _tidy_lines("\n".join(lines))


# --- attachments ----------------------------------------------------------------------------


def _safe_filename(name: str | None, index: int) -> str:
    """Return `name` as a safe basename: no directories (either slash), no control or
    invisible formatting characters (e.g. right-to-left override), no leading or trailing
    dots and spaces, at most 100 characters keeping a short extension; "attachment-<index>"
    if nothing is left.
    """
    text = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch) not in {"Cc", "Cf"})
    text = text.strip(" .")
    if len(text) > MAX_FILENAME_LENGTH:
        stem, dot, extension = text.rpartition(".")
        if dot and stem and len(extension) <= 10:
            text = f"{stem[: MAX_FILENAME_LENGTH - len(extension) - 1]}.{extension}"
        else:
            text = text[:MAX_FILENAME_LENGTH]
    return text or f"attachment-{index}"


# Write a forwarded message back out with its headers exactly as received: re-folding them
# (the default) re-encodes raw 8-bit header text and fails on it. CRLF is what mail clients
# expect of an .eml file.
_AS_RECEIVED = policy.default.clone(refold_source="none", linesep="\r\n")


def _message_bytes(message: Message) -> bytes:
    """Return `message` as .eml bytes; b"" if it is too broken to write out."""
    try:
        return message.as_bytes(policy=_AS_RECEIVED)
    except (UnicodeError, ValueError, TypeError, LookupError):
        return b""


def _attachments(message: EmailMessage) -> tuple[ImportedAttachment, ...]:
    """Return every part with a filename (attachment or inline) and every forwarded message."""
    found: list[ImportedAttachment] = []

    def visit(part: Message, *, is_root: bool) -> None:
        try:
            content_type = part.get_content_type()
        except _HEADER_ERRORS:
            content_type = "application/octet-stream"  # a mangled Content-Type: keep the bytes
        # A forwarded message is kept whole; its own attachments stay inside it, so they are
        # not listed as if the requester had sent them.
        if content_type == "message/rfc822" and not is_root:
            inner = part.get_payload()
            inner_message = inner[0] if isinstance(inner, list) and inner else None
            data = _message_bytes(inner_message) if isinstance(inner_message, Message) else b""
            found.append(ImportedAttachment(FORWARDED_MESSAGE_FILENAME, content_type, data))
            return
        if part.is_multipart():
            for child in part.get_payload():
                if isinstance(child, Message):
                    visit(child, is_root=False)
            return
        try:
            filename = part.get_filename()
            disposition = part.get_content_disposition()
        except _HEADER_ERRORS:
            # A mangled Content-Disposition: keep the part as an unnamed attachment rather
            # than silently lose what the sender attached.
            filename, disposition = None, "attachment"
        if filename is None and disposition != "attachment":
            return
        found.append(
            ImportedAttachment(
                filename=_safe_filename(
                    _unsurrogate(filename) if filename else None, len(found) + 1
                ),
                content_type=content_type,
                data=_payload_bytes(part),
            )
        )

    visit(message, is_root=True)
    return tuple(found)
