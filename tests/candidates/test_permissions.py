import pytest
from django.http import Http404

from candidates.permissions import (
    can_change_candidate_status,
    can_correct_candidate_status,
    can_edit_candidate,
    can_import_sopn,
    can_view_candidate_contacts,
    can_view_candidates,
    get_candidate_for_user,
)
from election_protocol.roles import Role
from tests.factories import CandidateFactory

ALL = list(Role)
MANAGERS = {Role.SPOC, Role.CHIEF_EXECUTIVE}
VIEWERS = MANAGERS | {Role.CHIEF_CONSTABLE, Role.CHIEF_FIRE_OFFICER, Role.AUDITOR}


@pytest.mark.parametrize("role", ALL)
def test_candidate_permissions_by_role(make_user, role):
    user = make_user(role)
    assert can_view_candidates(user) is (role in VIEWERS)
    assert can_view_candidate_contacts(user) is (role in MANAGERS)
    assert can_edit_candidate(user) is (role in MANAGERS)
    assert can_change_candidate_status(user) is (role in MANAGERS)
    assert can_import_sopn(user) is (role in MANAGERS)
    assert can_correct_candidate_status(user) is (role == Role.CHIEF_EXECUTIVE)


def test_no_candidate_permission_without_a_role(make_user):
    user = make_user(None)
    assert not any(
        f(user)
        for f in (
            can_view_candidates,
            can_view_candidate_contacts,
            can_edit_candidate,
            can_import_sopn,
        )
    )


def test_get_candidate_for_user_allows_viewers(make_user, election):
    candidate = CandidateFactory(election=election)
    assert get_candidate_for_user(make_user(Role.AUDITOR), candidate.pk) == candidate


def test_get_candidate_for_user_404s_alike_for_forbidden_and_missing(make_user, election):
    candidate = CandidateFactory(election=election)
    liaison = make_user(Role.FIRE_LIAISON)
    with pytest.raises(Http404) as forbidden:
        get_candidate_for_user(liaison, candidate.pk)
    with pytest.raises(Http404) as missing:
        get_candidate_for_user(make_user(Role.SPOC), candidate.pk + 1000)
    assert str(forbidden.value) == str(missing.value)
