"""Pure rules of the SPOC mailbox: the connection setting, what a message is, where it belongs.

No ORM and no clock: callers pass the facts and the moment. Every protocol routes requests to
one SPOC e-mail account (Cumbria 6.1.2; Leicestershire Req 4; Cleveland 5.1), so every message
read from it is either a new request (the triage inbox), part of an entry's story (threaded),
or mail about our own mail (a bounce, an automatic reply) that must never become an entry.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import parse_qs, unquote, urlsplit

from django.utils.translation import gettext_lazy as _

DEFAULT_FOLDER = "INBOX"
DEFAULT_MOVE_TO = "Processed"
# A pass older than this without success means the mailbox is not being read.
STALE_AFTER = timedelta(minutes=10)


class MailboxUrlError(ValueError):
    """MAILBOX_URL cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class MailboxConfig:
    """Where the SPOC mailbox is and how to reach it (from MAILBOX_URL)."""

    host: str
    port: int
    username: str
    password: str = ""
    tls: bool = True  # imaps: TLS from the start; imap: STARTTLS before logging in
    folder: str = DEFAULT_FOLDER
    move_to: str = DEFAULT_MOVE_TO

    def __repr__(self) -> str:  # never the password, in a log or a traceback
        return f"MailboxConfig({self.username}@{self.host}:{self.port}/{self.folder})"


def parse_mailbox_url(url: str) -> MailboxConfig:
    """Return the mailbox configuration in `url`.

    ``imaps://user:password@host:993/INBOX?move_to=Processed`` (TLS from the start) or
    ``imap://user:password@host:143/INBOX`` (STARTTLS, always: the password never travels in
    clear). Percent-encode "@", ":" and "/" in the user name or password. The folder defaults
    to INBOX, the folder processed mail is moved to to "Processed". Raise MailboxUrlError.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in {"imaps", "imap"}:
        raise MailboxUrlError("MAILBOX_URL must start with imaps:// or imap:// (STARTTLS).")
    if not parts.hostname:
        raise MailboxUrlError("MAILBOX_URL has no server name.")
    if not parts.username:
        raise MailboxUrlError("MAILBOX_URL has no user name (imaps://user:password@host/).")
    try:
        port = parts.port
    except ValueError as error:
        raise MailboxUrlError("MAILBOX_URL has a port that is not a number.") from error
    tls = parts.scheme == "imaps"
    query = parse_qs(parts.query)
    folder = unquote(parts.path.lstrip("/")) or DEFAULT_FOLDER
    move_to = (query.get("move_to") or [DEFAULT_MOVE_TO])[0].strip() or DEFAULT_MOVE_TO
    if move_to == folder:
        raise MailboxUrlError("move_to must be another folder than the one read.")
    return MailboxConfig(
        host=parts.hostname,
        port=port or (993 if tls else 143),
        username=unquote(parts.username),
        password=unquote(parts.password or ""),
        tls=tls,
        folder=folder,
        move_to=move_to,
    )


# --- exactly once ---------------------------------------------------------------------------


def body_bytes(raw: bytes) -> bytes:
    """Return what follows the header block of `raw` (the whole of it if there is no blank
    line): the part of a message that is the same in every copy delivered."""
    for separator in (b"\r\n\r\n", b"\n\n"):
        _head, found, body = raw.partition(separator)
        if found:
            return body
    return raw


def fingerprint(message_id: str, raw: bytes) -> str:
    """Return the key that makes a message recorded once.

    With a Message-ID: that identifier and a digest of the body. The same message delivered
    twice (two aliases, a server retry) differs only in its trace headers (Received,
    Delivered-To), so it has the same key; a different message that reuses a Message-ID (a
    forgery, a broken sender) has another key and is kept too. Without a Message-ID: a digest
    of the whole message (RFC 5322 s.3.6.4 makes the header optional).
    """
    if message_id:
        digest = hashlib.sha256(body_bytes(raw)).hexdigest()
        return hashlib.sha256(f"id:{message_id}\n{digest}".encode()).hexdigest()
    return hashlib.sha256(b"raw:" + raw).hexdigest()


def lease_free(lease_until: datetime | None, now: datetime) -> bool:
    """Return True if no pass holds the mailbox at `now` (never held, or the lease ran out)."""
    return lease_until is None or lease_until <= now


# --- what a message is ----------------------------------------------------------------------


class Kind(StrEnum):
    MESSAGE = "message"
    BOUNCE = "bounce"
    AUTO_REPLY = "auto_reply"


_BOUNCE_SENDERS = {"mailer-daemon", "postmaster", "mail-daemon"}
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|undelivered|delivery (status notification|failure|has failed)|"
    r"returned mail|failure notice|mail delivery (failed|subsystem)",
    re.IGNORECASE,
)
_AUTO_SUBJECT = re.compile(
    r"^\s*(out of (the )?office|automatic reply|auto[- ]?reply|auto:|autoreply|"
    r"away from (the )?office|ateb awtomatig|allan o'?r swyddfa)",
    re.IGNORECASE,
)
_AUTO_PRECEDENCE = {"bulk", "junk", "auto_reply", "list"}


def classify(
    *,
    sender_email: str,
    subject: str,
    auto_headers: tuple[tuple[str, str], ...],
    report_type: str,
) -> Kind:
    """Return whether a message is a bounce, an automatic reply, or a message to be read.

    Bounces: a delivery status notification (RFC 3464: multipart/report with report-type
    delivery-status), or mail from MAILER-DAEMON/postmaster whose subject says delivery failed
    (servers that send plain-text bounces). Automatic replies: RFC 3834's Auto-Submitted with
    any value but "no"; Precedence bulk/junk/list/auto_reply; the X-Autoreply and X-Autorespond
    headers; a read receipt (report-type disposition-notification, RFC 8098); or a subject
    starting "Out of office", "Automatic reply", "Auto:" and the like (English or Welsh).
    An automatic reply never becomes an entry: nobody asked anything.
    """
    local_part = sender_email.partition("@")[0].casefold()
    if report_type == "delivery-status" or (
        local_part in _BOUNCE_SENDERS and _BOUNCE_SUBJECT.search(subject)
    ):
        return Kind.BOUNCE
    headers = {name: value.strip().casefold() for name, value in auto_headers}
    auto_submitted = headers.get("auto-submitted", "")
    if (auto_submitted and auto_submitted != "no") or headers.get(
        "precedence", ""
    ) in _AUTO_PRECEDENCE:
        return Kind.AUTO_REPLY
    if "x-autoreply" in headers or "x-autorespond" in headers:
        return Kind.AUTO_REPLY
    if report_type == "disposition-notification" or _AUTO_SUBJECT.search(subject):
        return Kind.AUTO_REPLY
    return Kind.MESSAGE


# An entry reference as the register makes them: "<prefix>-<number, four digits or more>",
# e.g. NS26-0001 (requests_register.services.log_entry).
_REFERENCE = re.compile(r"(?<![A-Za-z0-9-])([A-Z][A-Z0-9]{0,15}-\d{4,6})(?![0-9])")


def references_in_subject(subject: str) -> tuple[str, ...]:
    """Return the entry references ("NS26-0001") in a subject line, in order, without repeats."""
    return tuple(dict.fromkeys(_REFERENCE.findall(subject.upper())))


def same_address(a: str, b: str) -> bool:
    """Return True if two e-mail addresses are the same mailbox (case ignored, as every real
    mail system does for the local part too)."""
    return bool(a.strip()) and a.strip().casefold() == b.strip().casefold()


def is_written_confirmation(
    *, entry_status: str, entry_needs_confirmation: bool, sender_email: str, requester_email: str
) -> bool:
    """Return True if a reply threaded to an entry is the requester's written confirmation of
    an oral request (Cumbria 6.1.2: requests made by phone or in person are confirmed in
    writing before any reply): the entry awaits confirmation and the reply comes from the
    address the confirmation e-mail was sent to."""
    return (
        entry_status == "awaiting_confirmation"
        and entry_needs_confirmation
        and same_address(sender_email, requester_email)
    )


# --- the triage inbox -----------------------------------------------------------------------

DECIDABLE = frozenset({"triage", "needs_attention"})


class TriageError(ValueError):
    """A triage decision the rules do not allow; the message says why and what to do."""


def check_decision(state: str, *, dismiss_reason: str = "", note: str = "") -> None:
    """Raise TriageError unless a message in `state` may be decided now.

    Only messages waiting in the triage inbox or needing attention are decided, once: the
    decision is the record of what happened to the message (kept and auditable). Dismissing
    needs a reason, and "other" needs a note saying what it is.
    """
    if state not in DECIDABLE:
        raise TriageError(
            _("This message has already been dealt with: reload the page to see what happened.")
        )
    if dismiss_reason == "other" and not note.strip():
        raise TriageError(_("Say why the message is dismissed."))
