"""Fixtures for data protection: register entries made with every required field."""

from __future__ import annotations

import pytest

from requests_register import rules
from requests_register.models import Entry
from tests.factories import entry_maker


@pytest.fixture
def make_entry(election, spoc):
    return entry_maker(
        election,
        spoc,
        question="Which stations are open on Saturdays? Reply to jo.bloggs@example.org.",
        requester_type=Entry.RequesterType.PUBLIC,
        requester_name="Jo Bloggsworth",
        requester_email="jo.bloggs@example.org",
        requester_phone="07700 900555",
        treated_as=Entry.TreatedAs.PUBLIC,
        status=rules.Status.CLOSED,
    )
