"""Who may see and do what with organised meetings. Views call only these.

SPOC officers and the Chief Executive manage bookings and events; the Chief Executive approves;
a chief confirms only the bookings that involve them (django-guardian object permissions
granted by services.set_booking_status on approval); the auditor reads.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from guardian.shortcuts import get_objects_for_user

from briefings.models import Booking
from election_protocol.permissions import is_staff_member


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
    if not is_staff_member(user):
        return Booking.objects.none()
    if can_view_all_bookings(user):
        return Booking.objects.all()
    return get_objects_for_user(
        user, "briefings.view_booking", klass=Booking, accept_global_perms=False
    )


def get_booking_for_user(user, pk: int) -> Booking:
    """Return booking `pk` if `user` may see it; Http404 alike for missing and not theirs."""
    booking = (
        bookings_for_user(user)
        .select_related("election", "entry", "candidate", "visit_type", "offer_item")
        .filter(pk=pk)
        .first()
    )
    if booking is None:
        raise Http404("No such booking.")
    return booking
