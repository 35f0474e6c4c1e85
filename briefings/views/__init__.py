"""Staff pages for organised meetings: the dashboard (a chief's work on a phone), bookings and
their steps, briefing events, the equal-offer matrix, and the staff calendar feed.

A package by purpose, names re-exported for the URLs: `bookings` (the dashboard, preparing a
meeting or visit, a booking's page and steps), `events` (briefing events), `offers` (the offer to
candidates), `feed` (the staff calendar feed and its link), `changes` (editing and cancelling
events, materials, the briefing page) and `held` (a meeting already held, recorded).
"""

from briefings.views.bookings import (
    booking_detail,
    dashboard,
    prepare,
    step,
)
from briefings.views.changes import (
    briefing_page_edit,
    event_cancel,
    event_edit,
    material_approve,
    material_detail,
    material_file,
    material_list,
    material_withdraw,
)
from briefings.views.events import (
    event_action,
    event_detail,
    events,
)
from briefings.views.feed import (
    calendar,
    calendar_reset,
)
from briefings.views.held import (
    record_held,
)
from briefings.views.offers import (
    offer,
    offer_state,
    offer_to_all,
)

__all__ = [
    "booking_detail",
    "briefing_page_edit",
    "calendar",
    "calendar_reset",
    "dashboard",
    "event_action",
    "event_cancel",
    "event_detail",
    "event_edit",
    "events",
    "material_approve",
    "material_detail",
    "material_file",
    "material_list",
    "material_withdraw",
    "offer",
    "offer_state",
    "offer_to_all",
    "prepare",
    "record_held",
    "step",
]
