"""The security app's pure rules."""

from __future__ import annotations

import pytest

from election_protocol.roles import Role
from security import rules


@pytest.mark.parametrize(
    ("meta", "proxies", "expected"),
    [
        ({"REMOTE_ADDR": "192.0.2.10"}, 0, "192.0.2.10"),
        # No proxy trusted: a client's own X-Forwarded-For is ignored.
        ({"REMOTE_ADDR": "192.0.2.10", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, 0, "192.0.2.10"),
        # One proxy (nginx appends what it saw): the right-most address is the client's...
        ({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}, 1, "198.51.100.7"),
        # ...and anything the client prepended to forge another address is not used.
        (
            {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9, 198.51.100.7"},
            1,
            "198.51.100.7",
        ),
        (
            {
                "REMOTE_ADDR": "10.0.0.3",
                "HTTP_X_FORWARDED_FOR": "203.0.113.9, 198.51.100.7, 10.0.0.2",
            },
            2,
            "198.51.100.7",
        ),
        # Fewer addresses than proxies: the header is not what the proxies would send.
        ({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": ""}, 1, "10.0.0.2"),
        ({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "not-an-ip"}, 1, None),
        ({"REMOTE_ADDR": "2001:db8::1"}, 0, "2001:db8::1"),
        ({}, 0, None),
    ],
)
def test_client_ip(meta, proxies, expected):
    assert rules.client_ip(meta, proxies) == expected


@pytest.mark.parametrize(
    ("roles", "election_requires", "expected"),
    [
        ({Role.SPOC.value}, True, True),
        ({Role.CHIEF_EXECUTIVE.value}, True, True),
        ({Role.SPOC.value}, False, False),
        ({Role.POLICE_LIAISON.value}, True, False),
        ({Role.AUDITOR.value, Role.CHIEF_EXECUTIVE.value}, True, True),
        (set(), True, False),
    ],
)
def test_two_factor_required(roles, election_requires, expected):
    assert rules.two_factor_required(roles, election_requires) is expected


@pytest.mark.parametrize(
    ("logged_in_at", "now", "expected"),
    [(1000.0, 1000.0 + 8 * 3600 - 1, False), (1000.0, 1000.0 + 8 * 3600, True), (None, 5.0, True)],
)
def test_session_expired_after_the_absolute_age(logged_in_at, now, expected):
    assert rules.session_expired(logged_in_at, now, 8 * 3600) is expected


def test_flag_changes_describes_only_what_changed():
    old = {"is_active": True, "is_staff": False, "is_superuser": False}
    new = {"is_active": False, "is_staff": True, "is_superuser": False}
    assert rules.flag_changes(old, new) == ["is_active: on -> off", "is_staff: off -> on"]
