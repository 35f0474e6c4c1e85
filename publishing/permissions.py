"""Who may see and do what in publishing. Views call only these; templates get booleans.

SPOC officers and the Chief Executive prepare, review and approve; the auditor reads. Four
eyes (the approver is never the preparer, nor whoever restored redacted text) is a rule,
checked by publishing.rules.check_publish_step, not a role.
"""

from __future__ import annotations

from django.db.models import QuerySet

from briefings.models import Booking, BriefingEvent
from election_protocol.permissions import first_or_404, is_staff_member
from foi.queries import disclosure_elsewhere
from publishing import rules
from publishing.models import PublicEntry
from requests_register.models import Entry
from requests_register.permissions import can_approve_answers


def can_view_publishing(user) -> bool:
    """Return True if `user` may see public entries, with the private text they came from."""
    return is_staff_member(user) and user.has_perm("publishing.view_publicentry")


def can_prepare_public_entries(user) -> bool:
    """Return True if `user` may prepare a public entry from an answer or notes."""
    return is_staff_member(user) and user.has_perm("publishing.add_publicentry")


def can_edit_public_entries(user) -> bool:
    """Return True if `user` may redact, restore, submit and withdraw public entries."""
    return is_staff_member(user) and user.has_perm("publishing.change_publicentry")


def can_approve_public_entries(user) -> bool:
    """Return True if `user` may approve and publish, return to draft, and correct a published
    entry (a correction publishes at once, so it needs the approver's right)."""
    return (
        is_staff_member(user)
        and user.has_perm("publishing.change_publicentry")
        and user.has_perm("publishing.approve_publicentry")
    )


def can_prepare_from_entry(user, entry: Entry) -> bool:
    """Return True if `user` may prepare the public version of register `entry` now: it was
    answered (rules.can_publish_register_entry) and has no public entry yet. An FOI request
    another authority disclosed is answered by that disclosure (foi, Cumbria 6.1.4)."""
    answered = bool(entry.answer.strip()) or (
        entry.kind == "foi" and disclosure_elsewhere(entry) is not None
    )
    return (
        can_prepare_public_entries(user)
        and rules.can_publish_register_entry(entry.status, answered)
        and not PublicEntry.objects.filter(entry_id=entry.pk).exists()
    )


def can_prepare_from_booking(user, booking: Booking) -> bool:
    """Return True if `user` may prepare the public notes of `booking` now."""
    return (
        can_prepare_public_entries(user)
        and rules.can_publish_booking(booking.status, bool(booking.notes.strip()))
        and not PublicEntry.objects.filter(booking_id=booking.pk).exists()
    )


def can_prepare_from_event(user, event: BriefingEvent) -> bool:
    """Return True if `user` may prepare the public notes of `event` now."""
    return (
        can_prepare_public_entries(user)
        and rules.can_publish_event(
            event.invited_at is not None, bool(event.cancelled_reason), bool(event.notes.strip())
        )
        and not PublicEntry.objects.filter(event_id=event.pk).exists()
    )


def public_entries_for_user(user) -> QuerySet[PublicEntry]:
    """Return the public entries `user` may see: all of them, or none."""
    if not can_view_publishing(user):
        return PublicEntry.objects.none()
    return PublicEntry.objects.all()


def get_public_entry_for_user(user, pk: int) -> PublicEntry:
    """Return public entry `pk` if `user` may see it; Http404 alike for missing and forbidden."""
    return first_or_404(
        public_entries_for_user(user).select_related("election", "prepared_by", "approved_by"),
        "No such public entry.",
        pk=pk,
    )


def can_view_publish_runs(user) -> bool:
    """Return True if `user` may see the public site's publishing runs (status, reasons)."""
    return can_view_publishing(user)


def can_publish_site(user) -> bool:
    """Return True if `user` may ask for the public site to be published now: whoever may
    approve public entries (the SPOC officers and the Chief Executive)."""
    return can_approve_public_entries(user)


# --- publication deadline and the action taken (issue 13, items 1 and 2) --------------------


def can_propose_not_for_publication(user) -> bool:
    """Return True if `user` may propose that a sent answer is not published (whoever may
    prepare public entries: the SPOC officers, and the Chief Executive)."""
    return can_prepare_public_entries(user)


def can_sign_off_not_for_publication(user, election) -> bool:
    """Return True if `user` may sign off or reject a "not for publication" proposal: the
    Chief Executive or a deputy they named (Cumbria 3.1), as for answers. Never their own
    proposal: that is a rule (rules.check_not_for_publication_decision)."""

    return can_view_publishing(user) and can_approve_answers(user, election)


def can_prepare_action_from_entry(user, entry: Entry) -> bool:
    """Return True if `user` may prepare the short public entry of the action taken on
    `entry` now: refused or referred to the PARO, with no public entry yet."""
    return (
        can_prepare_public_entries(user)
        and rules.action_for_register_status(entry.status) is not None
        and not PublicEntry.objects.filter(entry_id=entry.pk).exists()
    )


def can_prepare_from_declined_booking(user, booking: Booking) -> bool:
    """Return True if `user` may prepare the short public entry of declined `booking` now."""
    return (
        can_prepare_public_entries(user)
        and rules.can_publish_declined_booking(booking.status)
        and not PublicEntry.objects.filter(booking_id=booking.pk).exists()
    )
