"""An e-mail's attachments: safe file names, forwarded messages kept as .eml, nesting bounded."""

from __future__ import annotations

import unicodedata
from email import policy
from email.message import EmailMessage, Message

from requests_register.email_import.body import (
    _payload_bytes,
)
from requests_register.email_import.headers import (
    _unsurrogate,
)
from requests_register.email_import.limits import (
    _HEADER_ERRORS,
    FORWARDED_MESSAGE_FILENAME,
    MAX_FILENAME_LENGTH,
)
from requests_register.email_import.values import (
    ImportedAttachment,
)

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
