"""The IMAP side of the SPOC mailbox, through IMAPClient (the outside world: nothing here
touches the database).

IMAPClient hands back each message's bytes exactly as stored on the server (``BODY.PEEK[]``,
which does not set \\Seen), so what is recorded and hashed is the message itself and it is
parsed once, by requests_register.email_import. Every failure of the server or the network
(refused connection, TLS, login, a dropped connection mid-pass, a timeout) becomes
``MailboxUnavailable`` with a short reason safe to show staff; the pass then stops and the
next one starts again from what is on the server.
"""

from __future__ import annotations

import imaplib
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from mail_intake.rules import MailboxConfig

# What IMAPClient and the socket layer raise when the server or the network fails.
_FAILURES = (IMAPClientError, imaplib.IMAP4.error, OSError, socket.timeout, ssl.SSLError, EOFError)


class MailboxUnavailable(Exception):
    """The mailbox could not be read; `reason` is short and has no password in it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def describe(error: BaseException) -> str:
    """Return a short reason for an IMAP or network failure."""
    if isinstance(error, ConnectionRefusedError):
        return "the mail server refused the connection"
    if isinstance(error, ssl.SSLCertVerificationError):
        return "the mail server's TLS certificate is not trusted"
    if isinstance(error, TimeoutError | socket.timeout):
        return "the mail server did not answer in time"
    if isinstance(error, IMAPClientError | imaplib.IMAP4.error):
        text = str(error).strip()[:200]
        if "authentication" in text.lower() or "login" in text.lower():
            return "the mail server refused the user name or password"
        return f"the mail server answered with an error: {text}"
    return f"the mail server could not be reached ({type(error).__name__})"


@dataclass(frozen=True)
class ServerMessage:
    uid: int
    size: int
    internal_date: datetime | None


class Mailbox:
    """One selected folder of the SPOC mailbox, open for a pass."""

    def __init__(self, client: IMAPClient, config: MailboxConfig, uidvalidity: int) -> None:
        self._client = client
        self.config = config
        self.uidvalidity = uidvalidity

    def _call(self, method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except _FAILURES as error:
            raise MailboxUnavailable(describe(error)) from error

    def waiting(self, limit: int) -> tuple[list[ServerMessage], int]:
        """Return the first `limit` messages in the folder (oldest first) and how many there
        are in all."""
        uids = sorted(self._call(self._client.search, "ALL"))
        chosen = uids[:limit]
        if not chosen:
            return [], 0
        data = self._call(self._client.fetch, chosen, ["RFC822.SIZE", "INTERNALDATE"])
        found = []
        for uid in chosen:
            item = data.get(uid)
            if item is None:  # expunged meanwhile (another client): nothing to read
                continue
            when = item.get(b"INTERNALDATE")
            if isinstance(when, datetime) and when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            found.append(ServerMessage(uid, int(item.get(b"RFC822.SIZE") or 0), when))
        return found, len(uids)

    def read(self, uid: int, *, headers_only: bool = False) -> bytes | None:
        """Return the message's bytes as stored (only its header block if `headers_only`),
        without marking it read; None if it has gone from the folder."""
        key = b"BODY[HEADER]" if headers_only else b"BODY[]"
        wanted = "BODY.PEEK[HEADER]" if headers_only else "BODY.PEEK[]"
        data = self._call(self._client.fetch, [uid], [wanted])
        item = data.get(uid)
        return None if item is None else bytes(item.get(key) or b"")

    def move_done(self, uid: int) -> None:
        """Move the message to the processed folder (MOVE, RFC 6851; else copy, flag deleted
        and expunge that one message, RFC 4315 UID EXPUNGE)."""
        if self._client.has_capability("MOVE"):
            self._call(self._client.move, [uid], self.config.move_to)
            return
        self._call(self._client.copy, [uid], self.config.move_to)
        self._call(self._client.add_flags, [uid], [b"\\Deleted"])
        if self._client.has_capability("UIDPLUS"):
            self._call(self._client.uid_expunge, [uid])
        else:
            self._call(self._client.expunge)

    def append(self, raw: bytes, folder: str | None = None) -> None:
        """Deliver `raw` into a folder (the tests and the demo tools use this)."""
        self._call(self._client.append, folder or self.config.folder, raw)


@contextmanager
def open_mailbox(
    config: MailboxConfig, *, timeout: float = 30, ca_file: str = ""
) -> Iterator[Mailbox]:
    """Yield the mailbox's folder, selected read-write, over TLS (imaps, or STARTTLS for
    imap://), logged in; the processed folder is created if missing. Raise
    MailboxUnavailable for any failure; log out at the end whatever happened."""
    context = ssl.create_default_context(cafile=ca_file or None)
    client = None
    try:
        client = IMAPClient(
            config.host, port=config.port, ssl=config.tls, ssl_context=context, timeout=timeout
        )
        # INTERNALDATE with the server's offset, not converted to this process's local time
        # and stripped of its zone (IMAPClient's default).
        client.normalise_times = False
        if not config.tls:
            client.starttls(context)
        client.login(config.username, config.password)
        if not client.folder_exists(config.move_to):
            client.create_folder(config.move_to)
        selected = client.select_folder(config.folder)
        uidvalidity = int(selected.get(b"UIDVALIDITY") or 0)
    except _FAILURES as error:
        _close(client)
        raise MailboxUnavailable(describe(error)) from error
    try:
        yield Mailbox(client, config, uidvalidity)
    finally:
        _close(client)


def _close(client: IMAPClient | None) -> None:
    if client is None:
        return
    try:
        client.logout()
    except (*_FAILURES, AttributeError):
        # Already disconnected: the socket is closed either way.
        try:
            client.shutdown()
        except (*_FAILURES, AttributeError):
            pass
