"""What the FOI test modules share: the day a request arrives and logging one through the
register's funnel."""

from __future__ import annotations

from datetime import datetime

from election_protocol.calendar import LONDON
from requests_register import services as register
from requests_register.models import Entry
from tests.builders import logged

RECEIVED = datetime(2024, 7, 1, 10, 0, tzinfo=LONDON)  # Mon 1 Jul 2024


def at(day: int, month: int = 7, hour: int = 12) -> datetime:
    return datetime(2024, month, day, hour, 0, tzinfo=LONDON)


def log_foi(election, spoc, **overrides) -> Entry:
    values = dict(
        received_at=RECEIVED,
        kind="foi",
        topic="Overtime",
        question="Please send me the overtime figures.",
        now=RECEIVED,
    )
    values.update(overrides)
    entry = logged(election, spoc, **values)
    register.set_entry_status(entry.pk, "in_progress", by=spoc, now=RECEIVED)
    return entry
