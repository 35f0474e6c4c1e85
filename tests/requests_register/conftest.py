"""Fixtures for the register: an entry. (The SMTP server fixture is in tests/smtp.py.)"""

from __future__ import annotations

import pytest

from requests_register.models import Entry
from tests.factories import entry_maker


@pytest.fixture
def make_entry(election, spoc):
    """Return a function creating an Entry row with every required field filled."""
    return entry_maker(
        election,
        spoc,
        question="Which police stations are open to the public on Saturdays?",
        requester_type=Entry.RequesterType.CANDIDATE,
        requester_name="Alex Example",
        requester_email="alex@example.org",
        treated_as=Entry.TreatedAs.CANDIDATE,
    )


@pytest.fixture
def entry(make_entry):
    return make_entry()
