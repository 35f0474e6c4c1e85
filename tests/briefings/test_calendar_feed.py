"""The staff calendar feed's link (review finding 2, issue 16): it expires, it is stopped from
the user's own page, and a password change stops it.

Reference election: the PCC polls of Thursday 2 May 2024 (a meeting on 18 April 2024).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from briefings import calendar_feed, rules
from briefings.models import BriefingEvent
from election_protocol.calendar import LONDON
from election_protocol.roles import Role
from tests.factories import ElectionFactory

NOW = datetime(2024, 4, 10, 11, 0, tzinfo=LONDON)
YEAR = timedelta(days=365)


@pytest.fixture
def spoc(make_user):
    return make_user(Role.SPOC, username="spoc-feed", email="spoc@example.org")


@pytest.fixture
def election(spoc):
    election = ElectionFactory()
    BriefingEvent.objects.create(
        election=election,
        title="Policing in Testshire",
        place="Town hall",
        starts_at=datetime(2024, 4, 18, 18, 0, tzinfo=LONDON),
        ends_at=datetime(2024, 4, 18, 20, 0, tzinfo=LONDON),
        created_by=spoc,
    )
    return election


def _feed_path(client, user) -> str:
    client.force_login(user)
    url = client.get(reverse("briefings:dashboard")).context["feed_url"]
    client.logout()
    return url.split("testserver", 1)[1]


def _works(client, path) -> bool:
    response = client.get(path)
    if response.status_code == 404:
        return False
    assert b"SUMMARY:Candidate briefing: Policing in Testshire" in response.content
    return True


@pytest.mark.parametrize(
    ("age", "works"),
    [(timedelta(0), True), (YEAR - timedelta(seconds=1), True), (YEAR, False)],
)
def test_calendar_link_works_for_a_year(age, works):
    assert rules.calendar_link_works(NOW, NOW + age, YEAR) is works


def test_the_link_is_stable_and_stops_working_after_a_year(client, election, spoc):
    with time_machine.travel(NOW, tick=False):
        path = _feed_path(client, spoc)
        assert _feed_path(client, spoc) == path  # the same link every visit
        assert _works(client, path)
    with time_machine.travel(NOW + YEAR - timedelta(minutes=1), tick=False):
        assert _works(client, path)
    with time_machine.travel(NOW + YEAR, tick=False):
        assert not _works(client, path)
        client.force_login(spoc)
        page = client.get(reverse("briefings:dashboard")).content.decode()
        assert "Your calendar link stopped working on 10 April 2025" in page


def test_the_user_stops_their_link_from_their_own_page(client, election, spoc):
    with time_machine.travel(NOW, tick=False):
        old = _feed_path(client, spoc)
        assert _works(client, old)
        client.force_login(spoc)
        response = client.post(reverse("briefings:calendar_reset"))
        assert response.status_code == 302
        client.logout()
        assert not _works(client, old)
        new = _feed_path(client, spoc)
        assert new != old
        assert _works(client, new)


def test_a_password_change_stops_the_link(client, election, spoc):
    with time_machine.travel(NOW, tick=False):
        path = _feed_path(client, spoc)
        assert _works(client, path)
        spoc.set_password("a-new-horse-battery-staple")
        spoc.save()
        assert not _works(client, path)
        # The page shows a link that works with the new password.
        assert _works(client, _feed_path(client, spoc))


def test_a_forged_or_altered_token_shows_nothing(client, election, spoc):
    with time_machine.travel(NOW, tick=False):
        path = _feed_path(client, spoc)
        token = path.split("token=", 1)[1]
        assert calendar_feed.user_for_token(token, NOW) == spoc
        signer = signing.Signer(salt=calendar_feed.SALT)
        payload = signer.unsign_object(token)
        other_user = signer.sign_object({**payload, "u": spoc.pk + 1})  # validly signed
        no_password = signer.sign_object({"u": spoc.pk, "k": payload["k"]})
        for bad in ["", "forged", token[:-2] + "xx", other_user, no_password]:
            assert calendar_feed.user_for_token(bad, NOW) is None
            assert client.get(reverse("briefings:calendar"), {"token": bad}).status_code == 404
