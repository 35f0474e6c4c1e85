"""A real IMAP server for the mailbox tests: Debian's Dovecot, started by scripts/dovecot.sh on
free loopback ports with a throwaway user, TLS certificate and mail directory, stopped at the
end. Locally a machine without Dovecot skips these tests with the reason; in CI (CI=true) it
fails them: apt-get install dovecot-imapd (make test does, as root)."""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from imapclient import IMAPClient

from mail_intake import rules

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "dovecot.sh"
DOVECOT = os.environ.get("DOVECOT", "/usr/sbin/dovecot")
BASH = shutil.which("bash") or "/bin/bash"
USER = "spoc"
PASSWORD = "test-only-password"  # a throwaway account on a throwaway server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class DovecotServer:
    """The private Dovecot instance: its URLs, its CA file, and helpers to stop and start it
    and to put mail in it over IMAP."""

    dir: Path
    imap_port: int
    imaps_port: int

    @property
    def ca_file(self) -> str:
        return str(self.dir / "cert.pem")

    def url(self, *, starttls: bool = False, move_to: str = "Processed") -> str:
        if starttls:
            return f"imap://{USER}:{PASSWORD}@localhost:{self.imap_port}/INBOX?move_to={move_to}"
        return f"imaps://{USER}:{PASSWORD}@localhost:{self.imaps_port}/INBOX?move_to={move_to}"

    def start(self) -> None:
        subprocess.run(  # noqa: S603 - our own script, fixed arguments
            [
                BASH,
                str(SCRIPT),
                "start",
                str(self.dir),
                str(self.imap_port),
                str(self.imaps_port),
                USER,
                PASSWORD,
            ],
            check=True,
            timeout=30,
        )

    def stop(self) -> None:
        subprocess.run(  # noqa: S603 - our own script, fixed arguments
            [BASH, str(SCRIPT), "stop", str(self.dir)], check=True, timeout=30
        )

    def client(self) -> IMAPClient:
        context = ssl.create_default_context(cafile=self.ca_file)
        client = IMAPClient("localhost", port=self.imaps_port, ssl=True, ssl_context=context)
        client.login(USER, PASSWORD)
        return client

    def deliver(self, *messages: bytes, folder: str = "INBOX") -> None:
        """Append each message to `folder` over IMAP, as the mail server's delivery would."""
        with self.client() as client:
            for raw in messages:
                client.append(folder, raw)

    def count(self, folder: str) -> int:
        with self.client() as client:
            if not client.folder_exists(folder):
                return 0
            client.select_folder(folder, readonly=True)
            return len(client.search("ALL"))

    def messages(self, folder: str) -> list[bytes]:
        with self.client() as client:
            if not client.folder_exists(folder):
                return []
            client.select_folder(folder, readonly=True)
            uids = client.search("ALL")
            data = client.fetch(uids, ["BODY.PEEK[]"]) if uids else {}
            return [bytes(data[uid][b"BODY[]"]) for uid in sorted(data)]

    def empty(self) -> None:
        """Delete every message in every folder (each test starts with an empty mailbox)."""
        with self.client() as client:
            for _flags, _delimiter, name in client.list_folders():
                client.select_folder(name)
                uids = client.search("ALL")
                if uids:
                    client.delete_messages(uids)
                    client.expunge()


def _require_dovecot() -> None:
    if os.access(DOVECOT, os.X_OK) and shutil.which("openssl"):
        return
    message = (
        f"The mailbox tests need Dovecot at {DOVECOT} and openssl: apt-get install "
        "dovecot-imapd (make test installs it, as root)."
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def dovecot_server():
    _require_dovecot()
    directory = Path(tempfile.mkdtemp(prefix="spoc-dovecot-"))
    server = DovecotServer(directory, _free_port(), _free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def dovecot(dovecot_server, settings):
    """The Dovecot server, emptied, with MAILBOX_URL pointing at it (imaps)."""
    dovecot_server.start()  # harmless if running; brings it back if a test stopped it
    dovecot_server.empty()
    settings.MAILBOX_URL = dovecot_server.url()
    settings.MAILBOX_CA_FILE = dovecot_server.ca_file
    settings.MAILBOX_TIMEOUT = 5
    yield dovecot_server


@pytest.fixture
def mailbox_config(dovecot) -> rules.MailboxConfig:
    return rules.parse_mailbox_url(dovecot.url())
