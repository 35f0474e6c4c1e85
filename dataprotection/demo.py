"""Fictional data protection for the demo: one register entry on legal hold, so the retention
page shows an entry kept past the retention date. Called by election_protocol.demo."""

from __future__ import annotations

from datetime import datetime, timedelta

from dataprotection import services
from election_protocol.models import Election
from requests_register.models import Entry

HOLD_REASON = (
    "The requester has complained to the Information Commissioner's Office about the referral; "
    "keep until the complaint is closed (fictional demo)."
)


def seed_dataprotection(election: Election, users: dict, now: datetime) -> None:
    """Place the demo's polling-stations query (referred to the PARO) on legal hold."""
    entry = Entry.objects.filter(election=election, topic="Polling stations").first()
    if entry is not None and not entry.legal_hold:
        services.set_legal_hold(
            entry.pk,
            hold=True,
            reason=HOLD_REASON,
            by=users["chief-executive"],
            now=now - timedelta(minutes=10),
        )
