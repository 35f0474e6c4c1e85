"""Fixtures for the register: an entry. (The SMTP server fixture is in tests/smtp.py.)"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from requests_register import rules
from requests_register.models import Entry


@pytest.fixture
def make_entry(election, spoc):
    """Return a function creating an Entry row with every required field filled."""
    numbers = iter(range(1, 10_000))

    def make(**fields) -> Entry:
        number = next(numbers)
        values = {
            "election": election,
            "number": number,
            "reference": f"{election.reference_prefix}-{number:04d}",
            "received_at": timezone.make_aware(datetime(2024, 4, 10, 10, 30)),
            "channel": rules.Channel.EMAIL,
            "kind": rules.Kind.INFORMATION,
            "topic": "Police station opening hours",
            "question": "Which police stations are open to the public on Saturdays?",
            "requester_type": Entry.RequesterType.CANDIDATE,
            "requester_name": "Alex Example",
            "requester_email": "alex@example.org",
            "treated_as": Entry.TreatedAs.CANDIDATE,
            "target_date": date(2024, 4, 17),
            "created_by": spoc,
        }
        values.update(fields)
        return Entry.objects.create(**values)

    return make


@pytest.fixture
def entry(make_entry):
    return make_entry()
