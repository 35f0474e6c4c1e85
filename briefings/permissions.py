"""Who may see and do what with organised meetings. Views call only these.

SPOC officers and the Chief Executive manage bookings and events; the Chief Executive approves;
a chief confirms only the bookings that involve them (django-guardian object permissions
granted by services.set_booking_status on approval); the auditor reads.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from briefings.models import Booking, BriefingEvent
from election_protocol.permissions import first_or_404, is_staff_member, rows_for_user


def can_manage_bookings(user) -> bool:
    """Return True if `user` may prepare, schedule and record bookings and events."""
    return is_staff_member(user) and user.has_perm("briefings.change_booking")


def can_approve_bookings(user) -> bool:
    """Return True if `user` decides bookings (the Chief Executive)."""
    return is_staff_member(user) and user.has_perm("briefings.approve_booking")


def can_view_all_bookings(user) -> bool:
    """Return True if `user` may see every booking, event and the offer matrix."""
    return is_staff_member(user) and user.has_perm("briefings.view_booking")


def bookings_for_user(user) -> QuerySet[Booking]:
    """Return the bookings `user` may see: all, or those that involve them as chief."""
    return rows_for_user(user, Booking, "briefings.view_booking", sees_all=can_view_all_bookings)


def get_booking_for_user(user, pk: int) -> Booking:
    """Return booking `pk` if `user` may see it; Http404 alike for missing and not theirs."""
    return first_or_404(
        bookings_for_user(user).select_related(
            "election", "entry", "candidate", "visit_type", "offer_item"
        ),
        "No such booking.",
        pk=pk,
    )


def get_event_for_user(user, pk: int) -> BriefingEvent:
    """Return briefing event `pk` if `user` may see events; Http404 alike for missing and not
    permitted."""
    if not can_view_all_bookings(user):
        raise Http404(_("No such event."))
    return first_or_404(
        BriefingEvent.objects.select_related("election"), _("No such event."), pk=pk
    )
