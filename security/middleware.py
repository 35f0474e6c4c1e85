"""Session limits and the two-factor step for staff (issue 6, item 3)."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from security import queries, rules
from security.receivers import LOGIN_AT_SESSION_KEY

# Pages a signed-in user may reach before the two-factor step: the step itself, set-up, and
# signing out. Views marked login_not_required (the login page, the demo's public page) are
# open anyway.
TWO_FACTOR_EXEMPT = frozenset(
    {"logout", "security:two_factor_verify", "security:two_factor_setup", "set_language"}
)


class SessionLifetimeMiddleware:
    """End a session SESSION_ABSOLUTE_AGE seconds after sign-in, however busy it was.

    The idle limit is Django's own (SESSION_COOKIE_AGE, renewed on every request by
    SESSION_SAVE_EVERY_REQUEST); this adds the working-day cap, so a session left open on a
    shared machine does not live for ever. Place after AuthenticationMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and rules.session_expired(
            request.session.get(LOGIN_AT_SESSION_KEY), time.time(), settings.SESSION_ABSOLUTE_AGE
        ):
            request._security_session_expired = True  # the audit row says why
            logout(request)  # LoginRequiredMiddleware then sends them to the login page
        return self.get_response(request)


class TwoFactorMiddleware:
    """Ask for the two-factor code after the password, and make the roles that need it enrol.

    A signed-in user with a confirmed device whose session has not yet given a code is sent to
    the code page; a user the current election requires to use two-factor authentication
    (security.queries.two_factor_required_for) and who has no device is sent to set one up,
    before anything else, the admin included. Everyone else passes. Place after
    django_otp's OTPMiddleware and StaffOnlyMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if not getattr(view_func, "login_required", True):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in TWO_FACTOR_EXEMPT:
            return None
        if queries.confirmed_device(user) is not None:
            target = "security:two_factor_verify"
        elif queries.two_factor_required_for(user, timezone.localdate()):
            target = "security:two_factor_setup"
        else:
            return None
        return HttpResponseRedirect(
            f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
        )
