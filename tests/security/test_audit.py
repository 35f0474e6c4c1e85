"""The audit log: permission changes recorded wherever they come from, and the read-only page
for the Chief Executive and the auditor (issue 6, item 3)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.shortcuts import assign_perm, remove_perm

from election_protocol.roles import Role
from security import services
from security.models import AuditEvent, EventKind


def events(kind):
    return list(AuditEvent.objects.filter(kind=kind).order_by("pk"))


def test_role_changes_are_recorded_from_either_side(make_user):
    user = make_user(username="someone")
    spoc_group = Group.objects.get(name=Role.SPOC.value)
    auditor_group = Group.objects.get(name=Role.AUDITOR.value)
    user.groups.add(spoc_group)
    auditor_group.user_set.add(user)
    user.groups.remove(spoc_group)
    user.groups.clear()
    described = [(e.user, e.detail) for e in events(EventKind.GROUPS_CHANGED)]
    assert described == [
        (user, "added: SPOC officer"),
        (user, "added: Auditor"),
        (user, "removed: SPOC officer"),
        (user, "removed: Auditor"),
    ]


def test_individual_permissions_and_account_flags_are_recorded(make_user):
    user = make_user(username="someone")
    user.user_permissions.add(Permission.objects.get(codename="export_register"))
    user.is_staff = True
    user.is_active = False
    user.save()
    user.save(update_fields=["last_login"])  # not a flag: no row, no extra read
    assert [e.detail for e in events(EventKind.USER_PERMISSIONS_CHANGED)] == [
        "added: requests_register.export_register"
    ]
    assert [e.detail for e in events(EventKind.ACCOUNT_FLAGS_CHANGED)] == [
        "is_active: on -> off; is_staff: off -> on"
    ]
    assert events(EventKind.USER_CREATED)[-1].username == "someone"


def test_object_permissions_are_recorded(make_user, election):
    user = make_user(Role.POLICE_LIAISON, username="liaison-x")
    group = Group.objects.get(name=Role.CHIEF_CONSTABLE.value)
    assign_perm("election_protocol.change_election", user, election)
    assign_perm("election_protocol.change_election", group, election)
    remove_perm("election_protocol.change_election", user, election)
    granted = events(EventKind.OBJECT_PERMISSION_GRANTED)
    on = f"change_election on election_protocol.election #{election.pk}"
    assert [(e.username, e.detail) for e in granted] == [
        ("liaison-x", f"{on} (user)"),
        ("", f"{on} (role Chief Constable)"),
    ]
    revoked = events(EventKind.OBJECT_PERMISSION_REVOKED)
    assert [(e.user, e.detail) for e in revoked] == [
        (user, f"change_election on election_protocol.election #{election.pk} (user)")
    ]


def test_deleting_a_user_keeps_their_rows_by_name(make_user, election):
    user = make_user(Role.SPOC, username="leaver")
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    assign_perm("election_protocol.change_election", user, election)
    user.delete()
    removed = events(EventKind.TWO_FACTOR_REMOVED)
    assert [(e.user, e.username) for e in removed] == [(None, "leaver")]
    assert AuditEvent.objects.filter(username="leaver", user__isnull=True).count() >= 3


def test_a_change_in_the_admin_names_who_made_it(client, make_user):
    admin = make_user(Role.CHIEF_EXECUTIVE, username="ce-admin", is_staff=True, is_superuser=True)
    target = make_user(username="target")
    client.force_login(admin)
    url = reverse("admin:auth_user_change", args=[target.pk])
    group = Group.objects.get(name=Role.AUDITOR.value)
    data = {
        "username": "target",
        "email": "target@example.org",
        "is_active": "on",
        "groups": [group.pk],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "09:00:00",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(kind=EventKind.GROUPS_CHANGED, user=target)
    assert (event.detail, event.actor, event.actor_name) == ("added: Auditor", admin, "ce-admin")
    assert event.ip_address == "127.0.0.1"


# --- the staff page ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.CHIEF_EXECUTIVE, 200),
        (Role.AUDITOR, 200),
        (Role.SPOC, 403),
        (Role.POLICE_LIAISON, 403),
        (Role.CHIEF_CONSTABLE, 403),
    ],
)
def test_who_may_read_the_audit_log(client, make_user, election, role, status):
    client.force_login(make_user(role, username="reader"))
    response = client.get(reverse("security:audit_log"))
    assert response.status_code == status
    if status == 200:
        assert "Audit log" in response.content.decode()
        assert "reader" in response.content.decode()  # the sign-in just made


def test_the_audit_log_filters_and_pages(client, auditor, election):
    for n in range(55):
        services.record_event(EventKind.LOGIN_FAILED, username=f"tried-{n:02d}")
    client.force_login(auditor)
    url = reverse("security:audit_log")
    html = client.get(url, {"kind": "login_failed"}).content.decode()
    assert "55 events" in html and "Page 1 of 2" in html
    assert "tried-54" in html and "tried-04" not in html  # newest first
    html = client.get(url, {"kind": "login_failed", "page": 2}).content.decode()
    assert "tried-04" in html and "tried-54" not in html
    html = client.get(url, {"username": "tried-3"}).content.decode()
    assert "10 events" in html
    html = client.get(url, {"kind": "logout"}).content.decode()
    assert "No events match." in html


def test_the_audit_log_queries_do_not_grow(client, auditor, election, count_queries):
    client.force_login(auditor)
    url = reverse("security:audit_log")
    AuditEvent.objects.all().delete()
    services.record_event(EventKind.LOGIN, user=auditor)
    one = count_queries(lambda: client.get(url))
    for _ in range(2):
        services.record_event(EventKind.LOGIN, user=auditor, actor=auditor)
    three = count_queries(lambda: client.get(url))
    assert three == one


def test_the_admin_shows_the_log_read_only(client, make_user):
    admin = make_user(Role.CHIEF_EXECUTIVE, username="ce-admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    event = services.record_event(EventKind.LOGIN_FAILED, username="tried-admin")
    html = client.get(reverse("admin:security_auditevent_changelist")).content.decode()
    assert "tried-admin" in html
    assert client.get(reverse("admin:security_auditevent_add")).status_code == 403
    delete = reverse("admin:security_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:security_auditevent_change", args=[event.pk])
    client.post(change, {"username": "rewritten"})
    event.refresh_from_db()
    assert event.username == "tried-admin"
