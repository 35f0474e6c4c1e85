"""Two-factor authentication (TOTP, django-otp) for staff: optional, and required by an election
for the SPOC and Chief Executive roles (issue 6, item 3). Codes are real: computed from the
device's key with django_otp.oath.totp at a fixed moment."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from election_protocol.calendar import LONDON
from election_protocol.roles import Role
from security.models import AuditEvent, EventKind

PASSWORD = "correct-horse-battery"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def enrol(client, user) -> TOTPDevice:
    """Set up a device for `user` through the pages; return it confirmed."""
    client.get(reverse("security:two_factor_setup"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("security:two_factor_setup"), {"code": code(device)})
    assert response.status_code == 302, response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    return device


def sign_in(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def test_two_factor_is_optional_by_default(client, election, spoc):
    sign_in(client, "spoc-test")
    assert client.get(reverse("dashboard")).status_code == 200
    html = client.get(reverse("security:two_factor")).content.decode()
    assert "Two-factor authentication is off" in html


def test_setting_up_shows_the_qr_code_and_the_key_and_confirms_with_a_code(
    client, election, spoc, clock
):
    client.force_login(spoc)
    html = client.get(reverse("security:two_factor_setup")).content.decode()
    device = TOTPDevice.objects.get(user=spoc)
    assert not device.confirmed
    qr = r'<img class="app-qr-code" src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"'
    assert re.search(qr, html)
    shown = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', html).group(1)
    from base64 import b32decode

    assert b32decode(shown.replace(" ", "") + "=" * (-len(shown.replace(" ", "")) % 8)) == (
        device.bin_key
    )
    # Reloading shows the same key: the app scanned a moment ago still matches.
    client.get(reverse("security:two_factor_setup"))
    assert TOTPDevice.objects.filter(user=spoc).count() == 1

    wrong = client.post(reverse("security:two_factor_setup"), {"code": "000000"})
    assert "That code is not right" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert AuditEvent.objects.filter(kind=EventKind.TWO_FACTOR_FAILED, user=spoc).count() == 1

    clock.shift(timedelta(seconds=2))  # past the back-off a wrong code earns
    enrol(client, spoc)
    assert AuditEvent.objects.filter(kind=EventKind.TWO_FACTOR_ENROLLED, user=spoc).count() == 1
    # This session gave the code: it goes straight on.
    assert client.get(reverse("dashboard")).status_code == 200


def test_signing_in_with_a_device_asks_for_the_code_after_the_password(
    client, election, spoc, clock
):
    client.force_login(spoc)
    device = enrol(client, spoc)
    client.logout()

    assert sign_in(client, "spoc-test").status_code == 302
    page = client.get(reverse("requests_register:list"))
    assert page.status_code == 302
    assert page.url == reverse("security:two_factor_verify") + "?next=%2Fregister%2F"
    # Nothing else is reachable before the code, the admin included.
    assert client.get("/admin/").url.startswith(reverse("security:two_factor_verify"))

    wrong = client.post(page.url, {"code": "123456", "next": "/register/"})
    assert "That code is not right" in wrong.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302

    clock.shift(timedelta(seconds=31))  # a new code (the enrolment's cannot be used twice)
    right = client.post(page.url, {"code": code(device), "next": "/register/"})
    assert right.status_code == 302 and right.url == "/register/"
    assert client.get(reverse("dashboard")).status_code == 200
    kinds = list(
        AuditEvent.objects.filter(user=spoc)
        .filter(kind__startswith="2fa")
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["2fa_enrolled", "2fa_failed", "2fa_verified"]


def test_a_code_is_not_accepted_twice(client, election, spoc, clock):
    client.force_login(spoc)
    device = enrol(client, spoc)
    client.logout()
    sign_in(client, "spoc-test")
    used = code(device)  # the one the enrolment just used, same 30 seconds
    response = client.post(reverse("security:two_factor_verify"), {"code": used})
    assert "That code is not right" in response.content.decode()


def test_wrong_codes_are_throttled(client, election, spoc, clock):
    client.force_login(spoc)
    device = enrol(client, spoc)
    client.logout()
    sign_in(client, "spoc-test")
    url = reverse("security:two_factor_verify")
    clock.shift(timedelta(seconds=31))
    client.post(url, {"code": "111111"})
    # Within the back-off after a wrong code even the right code is refused, with the reason.
    response = client.post(url, {"code": code(device)})
    assert "Too many wrong codes" in response.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302
    clock.shift(timedelta(seconds=1))
    assert client.post(url, {"code": code(device)}).status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_an_election_can_require_it_for_the_spoc_and_chief_executive(
    client, election, spoc, chief_executive, police_liaison
):
    election.require_two_factor_for_spoc_and_ce = True
    election.save()

    client.force_login(police_liaison)
    assert client.get(reverse("dashboard")).status_code == 200  # still optional for others

    client.force_login(chief_executive)
    response = client.get(reverse("candidates:list"))
    assert response.url == reverse("security:two_factor_setup") + "?next=%2Fcandidates%2F"
    html = client.get(response.url).content.decode()
    assert "This election requires two-factor authentication for your role" in html
    assert client.get(reverse("security:audit_log")).status_code == 302
    enrol(client, chief_executive)
    assert client.get(reverse("candidates:list")).status_code == 200

    # Required: it cannot be turned off.
    assert client.post(reverse("security:two_factor_remove")).status_code == 403
    assert TOTPDevice.objects.filter(user=chief_executive, confirmed=True).exists()


def test_it_can_be_turned_off_when_not_required(client, election, spoc):
    client.force_login(spoc)
    enrol(client, spoc)
    response = client.post(reverse("security:two_factor_remove"))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=spoc).exists()
    assert AuditEvent.objects.filter(kind=EventKind.TWO_FACTOR_REMOVED, user=spoc).count() == 1
    client.logout()
    sign_in(client, "spoc-test")
    assert client.get(reverse("dashboard")).status_code == 200


def test_replacing_a_device_needs_the_current_one_first(client, election, spoc, clock):
    client.force_login(spoc)
    first = enrol(client, spoc)
    client.logout()
    sign_in(client, "spoc-test")
    response = client.get(reverse("security:two_factor_setup"))
    assert response.url.startswith(reverse("security:two_factor_verify"))
    clock.shift(timedelta(seconds=31))
    client.post(reverse("security:two_factor_verify"), {"code": code(first)})
    second = enrol(client, spoc)
    assert list(TOTPDevice.objects.filter(user=spoc)) == [second]


def test_the_verify_page_refuses_to_send_anyone_off_site(client, election, spoc, clock):
    client.force_login(spoc)
    device = enrol(client, spoc)
    client.logout()
    sign_in(client, "spoc-test")
    clock.shift(timedelta(seconds=31))
    response = client.post(
        reverse("security:two_factor_verify"),
        {"code": code(device), "next": "https://evil.example.net/"},
    )
    assert response.url == reverse("dashboard")


def test_an_administrator_resetting_a_lost_device_is_audited(client, election, spoc, make_user):
    TOTPDevice.objects.create(user=spoc, name="Authenticator app", confirmed=True)
    admin = make_user(Role.CHIEF_EXECUTIVE, username="ce-admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    device = TOTPDevice.objects.get(user=spoc)
    url = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    event = AuditEvent.objects.get(kind=EventKind.TWO_FACTOR_REMOVED)
    assert (event.user, event.actor) == (spoc, admin)
