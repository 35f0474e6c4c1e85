"""Keep everyone who is not staff out of the staff application."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from election_protocol import queue_notice, staff_counts
from election_protocol.permissions import is_staff_member
from election_protocol.queries import active_request


class StaffOnlyMiddleware:
    """Refuse every page to a signed-in user who is not a staff member.

    Runs after LoginRequiredMiddleware has sent anonymous users to the login page. A signed-in
    user who is not staff (no role, inactive, or linked to a standing candidate) is signed out
    and shown a refusal that reveals nothing about the application, including on the admin.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            allowed = is_staff_member(user)
            user._is_staff_member = allowed  # this request's answer (see is_staff_member)
        if user.is_authenticated and not allowed:
            logout(request)
            response = TemplateResponse(request, "403_not_staff.html", status=403)
            return response.render()
        return self.get_response(request)


class QueueNoticeMiddleware:
    """Show a notice when this request's e-mail or publication could not be queued.

    With Redis down the work is saved and sent later (election_protocol.queue_notice); the
    person sees a notice on the next page instead of an error. Placed after MessageMiddleware,
    so the message is stored with the response (usually the redirect after a POST).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = queue_notice.start()
        try:
            response = self.get_response(request)
        finally:
            notices = queue_notice.finish(token)
        for notice in notices:
            messages.warning(request, notice, fail_silently=True)
        return response


class ChosenElectionMiddleware:
    """Make the request being served known to election_or_setup() (issue 15, item 1), so every
    page reads the election chosen with the switcher without each view passing its request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = active_request.set(request)
        try:
            with staff_counts.request_scope():
                return self.get_response(request)
        finally:
            active_request.reset(token)
