"""Fixtures for data protection: register entries made with every required field."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from requests_register import rules
from requests_register.models import Entry


@pytest.fixture
def make_entry(election, spoc):
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
            "question": "Which stations are open on Saturdays? Reply to jo.bloggs@example.org.",
            "requester_type": Entry.RequesterType.PUBLIC,
            "requester_name": "Jo Bloggsworth",
            "requester_email": "jo.bloggs@example.org",
            "requester_phone": "07700 900555",
            "treated_as": Entry.TreatedAs.PUBLIC,
            "target_date": date(2024, 4, 17),
            "status": rules.Status.CLOSED,
            "created_by": spoc,
        }
        values.update(fields)
        return Entry.objects.create(**values)

    return make
