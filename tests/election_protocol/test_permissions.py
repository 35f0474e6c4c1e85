from datetime import datetime

import pytest
import time_machine

from candidates import rules
from candidates.services import set_candidate_status
from election_protocol.calendar import LONDON
from election_protocol.permissions import (
    can_manage_non_working_days,
    can_view_election,
    is_staff_member,
)
from election_protocol.roles import Role
from tests.factories import CandidateFactory


@pytest.mark.parametrize("role", list(Role))
def test_every_role_is_a_staff_member_who_can_view_the_election(make_user, role):
    user = make_user(role)
    assert is_staff_member(user)
    assert can_view_election(user)


def test_a_user_with_no_role_is_not_staff(make_user):
    user = make_user(None)
    assert not is_staff_member(user)
    assert not can_view_election(user)


def test_an_inactive_user_is_not_staff(make_user):
    user = make_user(Role.SPOC, is_active=False)
    assert not is_staff_member(user)


DURING_2024 = datetime(2024, 4, 10, 9, 0, tzinfo=LONDON)


@time_machine.travel(DURING_2024, tick=False)
def test_a_user_linked_to_a_standing_candidate_is_refused_even_as_superuser(make_user, election):
    user = make_user(Role.CHIEF_EXECUTIVE, is_superuser=True)
    CandidateFactory(election=election, linked_user=user, incumbent_role="commissioner")
    assert not is_staff_member(user)
    assert not can_view_election(user)


@time_machine.travel(DURING_2024, tick=False)
def test_a_user_linked_to_a_withdrawn_candidate_is_staff_again_once_nominations_close(
    make_user, election, spoc
):
    user = make_user(Role.AUDITOR)
    candidate = CandidateFactory(election=election, linked_user=user, incumbent_role="deputy")
    set_candidate_status(
        candidate.pk, rules.Status.WITHDRAWN, by=spoc, at=datetime(2024, 3, 1, tzinfo=LONDON)
    )
    assert is_staff_member(user)
    with time_machine.travel(datetime(2024, 4, 5, 15, 0, tzinfo=LONDON), tick=False):
        assert not is_staff_member(user)  # nominations still open: could stand again


def test_a_user_linked_to_a_candidate_of_a_finished_election_is_staff_again(make_user, election):
    # The 2024 commissioner took office on 9 May 2024; the link no longer refuses anything.
    user = make_user(Role.AUDITOR)
    CandidateFactory(
        election=election, linked_user=user, incumbent_role="commissioner", status="not_elected"
    )
    with time_machine.travel(datetime(2024, 5, 8, 12, 0, tzinfo=LONDON), tick=False):
        assert not is_staff_member(user)
    with time_machine.travel(datetime(2024, 5, 9, 0, 0, tzinfo=LONDON), tick=False):
        assert is_staff_member(user)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.SPOC, True),
        (Role.CHIEF_EXECUTIVE, True),
        (Role.AUDITOR, False),
        (Role.POLICE_LIAISON, False),
    ],
)
def test_can_manage_non_working_days(make_user, role, allowed):
    assert can_manage_non_working_days(make_user(role)) is allowed
