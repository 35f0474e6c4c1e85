"""Norfolk's setting carried through meetings and offers (issue 13, item 6): where the election
counts prospective candidates as candidates (Norfolk 6), they are offered what the declared
are, may ask for a meeting, and count in the parity check before approval; where it follows
Cumbria 1.1 and 8.3, none of that."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import reverse

from briefings import rules, services
from briefings.models import CandidateOffer, OfferItem
from candidates.services import create_candidate
from election_protocol.calendar import LONDON
from election_protocol.models import UndeclaredTreatment
from tests.builders import prepared_booking
from tests.clock import frozen_clock

NOW = datetime(2024, 4, 10, 11, 0, tzinfo=LONDON)
pytestmark = pytest.mark.django_db


_frozen = frozen_clock(NOW, autouse=True)


def _norfolk(election):
    election.undeclared_treated_as = UndeclaredTreatment.CANDIDATE
    election.save()


@pytest.fixture
def people(election, cast):
    OfferItem.objects.create(election=election, title="Custody suite tour", kind="visit")
    made = {}
    for name, status in (("Ada Example", "declared"), ("Cal Prospect", "prospective")):
        made[status] = create_candidate(
            election=election,
            by=cast["spoc"],
            status=status,
            at=datetime(2024, 4, 8, 9, tzinfo=LONDON),
            name=name,
            emails=[f"{name.split()[0].lower()}@example.org"],
        )
    return made


@pytest.mark.parametrize(
    ("status", "norfolk", "expected"),
    [
        ("declared", False, True),
        ("declared", True, True),
        ("prospective", False, False),
        ("prospective", True, True),
        ("withdrawn", True, False),
        ("elected", True, False),
    ],
)
def test_counts_as_candidate(status, norfolk, expected):
    assert rules.counts_as_candidate(status, norfolk) is expected


@pytest.mark.parametrize(("norfolk", "offered"), [(False, ["Ada Example"]), (True, None)])
def test_offer_to_everyone_includes_prospective_candidates_under_norfolk_6(
    client, election, cast, people, norfolk, offered
):
    if norfolk:
        _norfolk(election)
    client.force_login(cast["spoc"])
    client.post(reverse("briefings:offer_to_all"))
    names = sorted(CandidateOffer.objects.values_list("candidate__name", flat=True))
    assert names == (offered or ["Ada Example", "Cal Prospect"])
    page = client.get(reverse("briefings:offer"))
    assert [c.name for c, _cells in page.context["rows"]] == names
    assert ('id="prospective-counted"' in page.content.decode()) is norfolk


def test_a_prospective_candidate_may_ask_for_a_meeting_only_under_norfolk_6(election, cast, people):
    with pytest.raises(rules.BookingError, match="formally declared"):
        prepared_booking(election, cast, people["prospective"], kind="meeting_ce")
    _norfolk(election)
    booking = prepared_booking(election, cast, people["prospective"], kind="meeting_ce")
    assert booking.status == "prepared"
    # Ada, declared, was offered nothing like it: the parity check names her.
    assert services.booking_parity_gap(booking) == {people["declared"].pk}


def test_the_parity_check_counts_prospective_candidates_under_norfolk_6(election, cast, people):
    booking = prepared_booking(election, cast, people["declared"], kind="meeting_ce")
    assert services.booking_parity_gap(booking) == set()
    _norfolk(election)
    assert services.booking_parity_gap(booking) == {people["prospective"].pk}


@pytest.mark.parametrize("norfolk", [False, True])
def test_a_prospective_candidate_recorded_under_norfolk_6_is_made_the_offer(
    election, cast, norfolk
):
    OfferItem.objects.create(election=election, title="Custody suite tour", kind="visit")
    if norfolk:
        _norfolk(election)
    cal = create_candidate(
        election=election, by=cast["spoc"], name="Cal Prospect", emails=["cal@example.org"]
    )
    assert CandidateOffer.objects.filter(candidate=cal).exists() is norfolk
