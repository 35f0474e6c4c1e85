"""Staff pages for two-factor authentication and the audit log, and the lockout page."""

from __future__ import annotations

import base64
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from security import permissions, queries, services
from security.filters import AuditEventFilter
from security.forms import TokenForm

PAGE_SIZE = 50


def _next_url(request: HttpRequest) -> str:
    """Return the page to go on to: `next` when it is on this site, else the dashboard."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("dashboard")


def _qr_data_uri(text: str) -> str:
    """Return `text` as a QR code in an SVG data URI (an <img>, so the CSP needs no inline
    style; img-src allows data:)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage)
    svg = image.to_string(encoding="unicode")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def two_factor(request: HttpRequest) -> HttpResponse:
    """The signed-in user's two-factor status, with set-up or removal."""
    device = queries.confirmed_device(request.user)
    required = queries.two_factor_required_for(request.user, timezone.localdate())
    return render(
        request,
        "security/two_factor.html",
        {"device": device, "required": required},
    )


def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: show its key (QR code and text), confirm with a code."""
    user = request.user
    if queries.confirmed_device(user) is not None and not user.is_verified():
        # Replacing a device needs the current one first; otherwise a stolen password would be
        # enough to take over the second factor.
        return redirect(f"{reverse('security:two_factor_verify')}?next={request.path}")
    device = services.start_enrolment(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.confirm_enrolment(request, form.cleaned_data["code"]):
            messages.success(request, _("Two-factor authentication is set up."))
            return redirect(_next_url(request))
        form.refuse(_("That code is not right. Check the app shows this account and try again"))
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "security/two_factor_setup.html",
        {
            "form": form,
            "qr": _qr_data_uri(device.config_url),
            "secret": _grouped(secret),
            "issuer": settings.OTP_TOTP_ISSUER,
            "required": queries.two_factor_required_for(user, timezone.localdate()),
            "next": _next_url(request),
        },
    )


def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the user's authenticator app."""
    user = request.user
    device: TOTPDevice | None = queries.confirmed_device(user)
    if device is None or user.is_verified():
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _info = device.verify_is_allowed()
        if not allowed:
            # django_otp's throttling: each wrong code doubles the wait before the next try.
            form.refuse(_("Too many wrong codes. Wait a minute, then enter a new code"))
        elif services.verify_second_factor(request, form.cleaned_data["code"]):
            return redirect(_next_url(request))
        else:
            form.refuse(_("That code is not right. Enter the code the app shows now"))
    return render(
        request,
        "security/two_factor_verify.html",
        {"form": form, "next": _next_url(request)},
    )


@require_POST
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    """Turn two-factor authentication off, unless the election requires it of this user."""
    if queries.two_factor_required_for(request.user, timezone.localdate()):
        raise PermissionDenied(_("This election requires two-factor authentication for your role."))
    services.remove_two_factor(request)
    messages.success(request, _("Two-factor authentication is turned off."))
    return redirect("security:two_factor")


def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log of sign-ins and permission changes: read-only, filterable, paginated."""
    if not permissions.can_view_audit_log(request.user):
        raise PermissionDenied
    event_filter = AuditEventFilter(request.GET or None, queryset=queries.audit_events())
    page = Paginator(event_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "security/audit_log.html",
        {"filter": event_filter, "page": page, "query": query.urlencode()},
    )


def locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """django-axes's lockout response: the sign-in page again, with the reason.

    The same words whether or not the username exists (axes counts failures for any username
    tried, so a made-up name is locked out alike): the page tells an attacker nothing.
    """
    form = AuthenticationForm(request, data=None)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/login.html",
        {"form": form, "locked_out": True, "cooloff_minutes": minutes, "next": _next_url(request)},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
