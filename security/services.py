"""Every write of the security app: audit rows and two-factor devices.

One funnel per change: `record_event` is the only writer of AuditEvent; enrolment, verification
and removal of a two-factor device each go through one function here.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from security.models import AuditEvent, EventKind
from security.network import client_ip, current_request

DEVICE_NAME = "Authenticator app"


def record_event(
    kind: EventKind,
    *,
    request: HttpRequest | None = None,
    user: AbstractBaseUser | None = None,
    username: str = "",
    actor: AbstractBaseUser | None = None,
    detail: str = "",
) -> AuditEvent:
    """Write one audit row. Effects: an AuditEvent; nothing else.

    `request` gives the IP address; without one, the request this thread is serving (if any)
    gives it, and its signed-in user is the actor unless `actor` is given. Never pass a password
    or a token in `detail`.
    """
    if request is None:
        request = current_request()
    if actor is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            actor = request_user
    if user is not None and not username:
        username = user.get_username()
    return AuditEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=username[:150],
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "",
        ip_address=client_ip(request) if request is not None else None,
        detail=detail,
    )


def start_enrolment(user: AbstractBaseUser) -> TOTPDevice:
    """Return the user's unconfirmed TOTP device, creating it with a fresh key if need be.

    Effects: at most one unconfirmed device per user (reloading the set-up page shows the same
    key, so a code from the app scanned a moment ago still works). A confirmed device is left
    alone until the new one is confirmed.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def confirm_enrolment(request: HttpRequest, token: str) -> bool:
    """Confirm the signed-in user's new device with a code from it; return whether it matched.

    Effects on success: the device confirmed, any other device of the user deleted (one device
    each: a lost phone is replaced, not added to), this session marked verified with it, the
    session key cycled, an audit row. On failure: an audit row (the device's own throttling
    counts the failure).
    """
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None or not device.verify_token(token):
        record_event(
            EventKind.TWO_FACTOR_FAILED, request=request, user=user, detail="while setting up"
        )
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record_event(EventKind.TWO_FACTOR_ENROLLED, request=request, user=user)
    request.session.cycle_key()
    otp_login(request, device)
    return True


def verify_second_factor(request: HttpRequest, token: str) -> bool:
    """Check a code against the signed-in user's confirmed device; return whether it matched.

    Effects on success: this session marked verified (django_otp), its key cycled, an audit row.
    On failure: an audit row; the device's throttling makes each further try wait longer.
    """
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None or not device.verify_token(token):
        record_event(EventKind.TWO_FACTOR_FAILED, request=request, user=user)
        return False
    request.session.cycle_key()
    otp_login(request, device)
    record_event(EventKind.TWO_FACTOR_VERIFIED, request=request, user=user)
    return True


def remove_two_factor(request: HttpRequest) -> None:
    """Remove the signed-in user's two-factor devices.

    Effects: every TOTP device of the user deleted (the audit row is written by the deletion
    signal, which also covers an administrator resetting a lost device), and this session no
    longer counts as verified.
    """
    TOTPDevice.objects.filter(user=request.user).delete()
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.user.otp_device = None
