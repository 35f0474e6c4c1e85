"""The staff iCalendar feed of scheduled briefing events, meetings and visits (icalendar),
and the personal link to it.

Calendar apps cannot sign in, so the link carries a signed token naming the user, their
CalendarFeedKey and a digest of their password hash. It stops working when the key is
replaced (the user's "stop the old link", briefings.services.reset_calendar_feed), when the
password changes, a year after the key was made (MAX_AGE), and when the user is no longer
staff.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core import signing
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from icalendar import Calendar, Event

from briefings import permissions, rules
from briefings.models import BriefingEvent, CalendarFeedKey
from election_protocol.models import Election
from election_protocol.permissions import is_staff_member

SALT = "briefings.calendar"
# How long a link works: a link leaked in a shared calendar stops on its own.
MAX_AGE = timedelta(days=365)


def _password_digest(user) -> str:
    # The password hash itself never leaves the server: a keyed digest of it does.
    return salted_hmac(SALT + ".password", user.password or "", algorithm="sha256").hexdigest()[:20]


def feed_token(user, key: CalendarFeedKey) -> str:
    """Return the token of `user`'s calendar link for `key` (the same for the key's life)."""
    return signing.Signer(salt=SALT).sign_object(
        {"u": user.pk, "k": key.key, "p": _password_digest(user)}
    )


def user_for_token(token: str, now: datetime):
    """Return the staff user whose calendar `token` is, or None: a forged or altered token, a
    replaced key, a changed password, an expired link or a user no longer staff."""
    try:
        data = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    key = (
        CalendarFeedKey.objects.filter(user_id=data.get("u"), user__is_active=True)
        .select_related("user")
        .first()
    )
    if key is None or not constant_time_compare(str(data.get("k", "")), key.key):
        return None
    user = key.user
    if not constant_time_compare(str(data.get("p", "")), _password_digest(user)):
        return None
    if not rules.calendar_link_works(key.issued_at, now, MAX_AGE):
        return None
    return user if is_staff_member(user) else None


def expires_at(key: CalendarFeedKey) -> datetime:
    """Return when links made from `key` stop working."""
    return key.issued_at + MAX_AGE


def staff_calendar(user, election: Election) -> bytes:
    """Return an iCalendar file of what `user` may see: scheduled bookings and briefing events.

    Only what staff need to turn up: no requester contact details (a calendar is often shared).
    """
    cal = Calendar()
    cal.add("prodid", "-//Election SPOC//Organised meetings//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{election.office_name}: election meetings")
    stamp = timezone.now()
    bookings = (
        permissions.bookings_for_user(user)
        .filter(election=election, status="scheduled")
        .select_related("candidate", "visit_type", "entry")
    )
    for booking in bookings:
        event = Event()
        event.add("uid", f"booking-{booking.pk}@election-spoc")
        event.add("dtstamp", stamp)
        event.add("dtstart", booking.starts_at)
        event.add("dtend", booking.ends_at or booking.starts_at + timedelta(hours=1))
        event.add("summary", f"{booking.what}: {booking.candidate.name}")
        event.add("location", booking.place)
        event.add("description", f"{booking.entry.reference}. Host: {booking.host}.")
        cal.add_component(event)
    if permissions.can_view_all_bookings(user):
        for briefing in BriefingEvent.objects.filter(election=election, cancelled_reason=""):
            event = Event()
            event.add("uid", f"event-{briefing.pk}@election-spoc")
            event.add("dtstamp", stamp)
            event.add("dtstart", briefing.starts_at)
            event.add("dtend", briefing.ends_at)
            event.add("summary", f"Candidate briefing: {briefing.title}")
            event.add("location", briefing.place)
            cal.add_component(event)
    return cal.to_ical()
