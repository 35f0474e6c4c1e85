"""What the register's test modules share: the day they run on, logging an entry through the
service, and the messages one address received."""

from __future__ import annotations

from datetime import datetime

from election_protocol.calendar import LONDON
from requests_register.models import Entry
from tests.builders import logged

RECEIVED = datetime(2024, 4, 10, 10, 0, tzinfo=LONDON)  # Wednesday; poll 2 May 2024
NOW = datetime(2024, 4, 10, 12, 0, tzinfo=LONDON)  # the same day, in the pre-election period


def log(election, by, **overrides) -> Entry:
    """Log an ordinary e-mailed request through the register's funnel (overrides win)."""
    values = dict(
        received_at=RECEIVED,
        topic="Custody",
        question="How many custody suites are there?",
        now=NOW,
    )
    values.update(overrides)
    return logged(election, by, **values)


def messages_to(smtp_server, address: str) -> list:
    """Return the messages the SMTP sink received for `address`."""
    return [m for m in smtp_server.messages if m["To"] == address]
