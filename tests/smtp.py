"""A real SMTP server on localhost (aiosmtpd) for tests that send e-mail, and its fixture."""

from __future__ import annotations

import email
import email.policy
import threading
from dataclasses import dataclass
from email.message import EmailMessage as ParsedMessage

import pytest
from aiosmtpd.controller import Controller

from tests.processes import free_port


@dataclass(frozen=True)
class Received:
    """One message as the SMTP server received it: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: ParsedMessage


class _RecordingHandler:
    """aiosmtpd handler: keeps every message accepted; can refuse the next N with a 451."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refuse_remaining = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self._lock:
            if self.refuse_remaining:
                self.refuse_remaining -= 1
                return "451 try later"
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SmtpServer:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) recording what arrives."""

    host = "127.0.0.1"

    def __init__(self) -> None:
        # aiosmtpd checks readiness by connecting to its port: a real number, not 0.
        self.port = free_port()
        self.handler = _RecordingHandler()
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[ParsedMessage]:
        return [received.message for received in self.handler.received]

    @property
    def received(self) -> list[Received]:
        return list(self.handler.received)

    def refuse_next(self, count: int) -> None:
        """Answer the next `count` messages with "451 try later" (a temporary refusal)."""
        self.handler.refuse_remaining = count

    def start(self) -> None:
        self._controller = Controller(self.handler, hostname=self.host, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        """Stop listening: connections to the port are refused until `start` again."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_server(settings):
    """Start a real SMTP server and point MAILERS["default"] at it; stop it afterwards."""
    server = SmtpServer()
    server.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": server.host, "port": server.port, "timeout": 5},
        }
    }
    yield server
    server.stop()
