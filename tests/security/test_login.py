"""Login throttling (django-axes) and the audit rows of signing in and out (issue 6, item 3)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from election_protocol.calendar import LONDON
from election_protocol.roles import Role
from security.models import AuditEvent, EventKind
from security.receivers import unknown_username

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory
WRONG = "not-the-password-1"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)
GENERIC = "Please enter a correct username and password."
LOCKED = "Too many failed attempts to sign in. Wait 15 minutes, then try again."


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def liaison(make_user):
    return make_user(Role.POLICE_LIAISON, username="liaison-login")


def sign_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_login_page_is_a_plain_form_with_username_password_and_submit(client, db):
    html = client.get(reverse("login")).content.decode()
    form = re.search(r"<form method=\"post\".*?</form>", html, re.S).group(0)
    names = re.findall(r'<input[^>]*name="([^"]+)"', form)
    assert names == ["csrfmiddlewaretoken", "next", "username", "password"]
    assert re.findall(r"<button[^>]*>([^<]+)</button>", form) == ["Sign in"]


def test_a_success_signs_in_and_is_audited_with_the_ip(client, liaison):
    response = sign_in(client, "liaison-login", PASSWORD, REMOTE_ADDR="192.0.2.44")
    assert response.status_code == 302 and signed_in(client)
    event = AuditEvent.objects.get(kind=EventKind.LOGIN)
    assert (event.user, event.username) == (liaison, "liaison-login")
    assert event.ip_address == "192.0.2.44"

    client.post(reverse("logout"))
    assert not signed_in(client)
    assert AuditEvent.objects.filter(kind=EventKind.LOGOUT, user=liaison).count() == 1


def test_failures_are_audited_without_the_password(client, liaison):
    for _ in range(2):
        response = sign_in(client, "liaison-login", WRONG)
        assert GENERIC in response.content.decode()
    sign_in(client, "nobody-here", WRONG)
    failures = AuditEvent.objects.filter(kind=EventKind.LOGIN_FAILED).order_by("pk")
    assert [(e.username, e.user, e.ip_address) for e in failures] == [
        ("liaison-login", liaison, "127.0.0.1"),
        ("liaison-login", liaison, "127.0.0.1"),
        (unknown_username("nobody-here"), None, "127.0.0.1"),
    ]
    # What was typed for no account is never kept: it may have been a password.
    assert not AuditEvent.objects.filter(username__contains="nobody").exists()
    for event in AuditEvent.objects.all():
        assert WRONG not in f"{event.detail} {event.username}"


def test_five_failures_lock_out_that_username_and_ip_even_with_the_right_password(
    client, liaison, settings
):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert sign_in(client, "liaison-login", WRONG).status_code == 200
    locked = sign_in(client, "liaison-login", WRONG)
    assert locked.status_code == 429
    assert LOCKED in locked.content.decode()
    assert AuditEvent.objects.filter(kind=EventKind.LOCKED_OUT, user=liaison).count() == 1

    right = sign_in(client, "liaison-login", PASSWORD)
    assert right.status_code == 429 and LOCKED in right.content.decode()
    assert not signed_in(client)

    # Another address is not locked out (username and IP together)...
    assert sign_in(client, "liaison-login", PASSWORD, REMOTE_ADDR="192.0.2.77").status_code == 302
    client.logout()


def test_the_lockout_ends_after_the_cool_off(client, liaison, _frozen):
    for _ in range(5):
        sign_in(client, "liaison-login", WRONG)
    _frozen.shift(timedelta(minutes=14))
    assert sign_in(client, "liaison-login", PASSWORD).status_code == 429
    _frozen.shift(timedelta(minutes=16))
    assert sign_in(client, "liaison-login", PASSWORD).status_code == 302
    assert signed_in(client)


def test_a_success_resets_the_count(client, liaison):
    for _ in range(4):
        sign_in(client, "liaison-login", WRONG)
    assert sign_in(client, "liaison-login", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client, "liaison-login", WRONG).status_code == 200


def test_the_lockout_page_is_the_same_for_a_real_and_a_made_up_username(client, liaison):
    """No user enumeration: a made-up name is counted and locked out alike, with the same page."""
    pages = {}
    for username in ("liaison-login", "made-up-name"):
        for _ in range(5):
            response = sign_in(client, username, WRONG)
        assert response.status_code == 429
        pages[username] = without_tokens(response.content.decode())
    assert pages["liaison-login"] == pages["made-up-name"]
    assert "liaison-login" not in pages["liaison-login"]


def test_behind_a_trusted_proxy_the_forwarded_client_address_is_used(client, liaison, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    forwarded = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9, 198.51.100.7"}
    for _ in range(5):
        sign_in(client, "liaison-login", WRONG, **forwarded)
    event = AuditEvent.objects.get(kind=EventKind.LOCKED_OUT)
    assert event.ip_address == "198.51.100.7"
    # Another client behind the same proxy is not locked out.
    other = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.8"}
    assert sign_in(client, "liaison-login", PASSWORD, **other).status_code == 302


def test_the_admin_login_is_throttled_too(client, make_user):
    make_user(Role.SPOC, username="admin-login", is_staff=True)
    url = reverse("admin:login")
    for _ in range(5):
        response = client.post(url, {"username": "admin-login", "password": WRONG})
    assert response.status_code == 429
    assert not signed_in(client)
