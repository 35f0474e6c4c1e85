import pytest
from django.contrib.auth.models import Group

from election_protocol import roles
from election_protocol.roles import ROLE_PERMISSIONS, Role, sync_role_groups


def _perms(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_every_role_has_its_group_after_migrate(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}


def test_role_groups_hold_exactly_their_permissions(db):
    for role, codes in ROLE_PERMISSIONS.items():
        assert _perms(role.value) == set(codes)


def test_sync_role_groups_restores_a_tampered_group_and_is_idempotent(db):
    Group.objects.get(name=Role.AUDITOR.value).permissions.clear()
    sync_role_groups()
    sync_role_groups()
    assert _perms(Role.AUDITOR.value) == set(ROLE_PERMISSIONS[Role.AUDITOR])
    assert Group.objects.filter(name=Role.AUDITOR.value).count() == 1


def test_auditor_and_chiefs_cannot_change_anything(db):
    for role in (Role.AUDITOR, Role.CHIEF_CONSTABLE, Role.CHIEF_FIRE_OFFICER):
        read_only = ("view_", "export_")
        assert all(code.split(".")[1].startswith(read_only) for code in _perms(role.value))
        assert "candidates.view_candidate_contacts" not in _perms(role.value)
        assert "requests_register.view_requester_contacts" not in _perms(role.value)


def test_sync_role_groups_names_an_unknown_permission(db, monkeypatch):
    monkeypatch.setitem(roles.ROLE_PERMISSIONS, Role.AUDITOR, ["candidates.fly_to_the_moon"])
    with pytest.raises(LookupError, match=r"candidates\.fly_to_the_moon"):
        sync_role_groups()
