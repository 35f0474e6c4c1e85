"""The staff calendar feed (a signed, expiring, revocable link) and making a new link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from briefings import calendar_feed, services
from election_protocol.permissions import is_staff_member
from election_protocol.shortcuts import election_or_setup


@login_not_required
def calendar(request: HttpRequest) -> HttpResponse:
    """The staff iCalendar feed: calendar apps cannot sign in, so a signed token names the user,
    and the feed shows only what that user may see. A token that was replaced, made before a
    password change, older than a year, or of a user who is no longer staff (or is linked to a
    standing candidate) shows nothing (calendar_feed.user_for_token)."""
    user = calendar_feed.user_for_token(request.GET.get("token", ""), timezone.now())
    if user is None:
        raise Http404(_("No such calendar."))
    body = calendar_feed.staff_calendar(user, election_or_setup())
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@require_POST
def calendar_reset(request: HttpRequest) -> HttpResponse:
    """Stop the signed-in user's calendar link and make a new one (their own link only)."""
    if not is_staff_member(request.user):
        raise PermissionDenied
    services.reset_calendar_feed(request.user)
    messages.success(
        request,
        _(
            "Your old calendar link no longer works. Subscribe to the new address below in "
            "your calendar app."
        ),
    )
    return redirect(reverse("briefings:dashboard") + "#calendar-feed")
