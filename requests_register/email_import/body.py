"""An e-mail's text: the plain part, or the HTML part turned into text, tidied."""

from __future__ import annotations

import re
from email.message import EmailMessage, Message
from html.parser import HTMLParser

from requests_register.email_import.limits import (
    _HEADER_ERRORS,
)

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
