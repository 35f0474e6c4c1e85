"""The staff iCalendar feed of scheduled briefing events, meetings and visits (icalendar)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from briefings import permissions
from briefings.models import BriefingEvent
from election_protocol.models import Election

SALT = "briefings.calendar"


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
