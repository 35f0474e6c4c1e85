"""After the poll: the retention date (UK GDPR Art. 5(1)(e); the office's retention period in
calendar months). Pure."""

from __future__ import annotations

from calendar import monthrange
from datetime import date
from typing import Protocol

# --- after the poll ---------------------------------------------------------------------------


class HasRetention(Protocol):
    poll_date: date
    retention_months: int


def add_months(day: date, months: int) -> date:
    """Return `day` moved `months` calendar months on, clamped to the month's last day
    (31 August + 6 months is 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def retention_date(election: HasRetention) -> date:
    """Return the first day on which the election's personal data is due for erasure: polling
    day plus the election's retention period in calendar months (UK GDPR Art. 5(1)(e); the
    office's choice, Election.retention_months: see dataprotection.rules)."""
    return add_months(election.poll_date, election.retention_months)
