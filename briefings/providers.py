"""What briefings offers the register's hooks (requests_register.hooks), registered in
`BriefingsConfig.ready()`: the register may not import briefings (docs/ARCHITECTURE.md)."""

from __future__ import annotations

from briefings.models import Booking
from briefings.rules import Status


def approval_items(election, user) -> list[tuple[str, str]]:
    """Bookings prepared by someone else, for a holder of the approve-booking right (the
    approval reminder, issue 13, item 7), oldest first."""
    if not user.has_perm("briefings.approve_booking"):
        return []
    return [
        (
            f"booking:{b.pk}:prepared",
            f"- {b.entry.reference} {b.what} ({b.candidate.name}): booking to decide",
        )
        for b in Booking.objects.filter(election=election, status=Status.PREPARED)
        .exclude(created_by=user)
        .select_related("entry", "candidate", "visit_type")
        .order_by("created_at")
    ]
