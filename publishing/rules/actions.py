"""The register with the action taken (issue 13, item 2): refusals, PARO referrals and declined
meetings or visits as short public entries, with a reason category. Pure."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from publishing.rules.review import PublishingError

# --- the register with the action taken (issue 13, item 2) ---------------------------------


class Action(StrEnum):
    """The action taken on a request that got no answer of the office's own."""

    REFUSED = "refused"
    REFERRED_TO_PARO = "referred_to_paro"
    DECLINED = "declined"


ACTION_LABELS = {
    Action.REFUSED: _("Refused"),
    Action.REFERRED_TO_PARO: _("Referred to the Police Area Returning Officer"),
    Action.DECLINED: _("Meeting or visit declined"),
}
# Register statuses whose action is published as a short entry, and the action each shows.
ACTION_FROM_REGISTER_STATUS = {
    "refused": Action.REFUSED,
    "referred_to_paro": Action.REFERRED_TO_PARO,
}
PUBLISHABLE_ACTION_BOOKING_STATUSES = frozenset({"declined"})


class ActionReason(StrEnum):
    """The public reason category of a refusal or a declined meeting: a category, never the
    reasons as written to the requester (they can identify them)."""

    PERSONAL_INFORMATION = "personal_information"
    NOT_HELD = "not_held"
    OPERATIONAL = "operational"
    FOI_EXEMPTION = "foi_exemption"
    PRE_ELECTION = "pre_election"
    NOT_AVAILABLE = "not_available"
    OTHER = "other"


ACTION_REASON_LABELS = {
    ActionReason.PERSONAL_INFORMATION: _("Personal information about someone else"),
    ActionReason.NOT_HELD: _("The information is not held"),
    ActionReason.OPERATIONAL: _("Operationally sensitive or a security risk"),
    ActionReason.FOI_EXEMPTION: _("Exempt under the Freedom of Information Act"),
    ActionReason.PRE_ELECTION: _("Not allowed in the pre-election period"),
    ActionReason.NOT_AVAILABLE: _("No one available to meet, or premises unavailable"),
    ActionReason.OTHER: _("Another reason"),
}


def action_for_register_status(status: str) -> Action | None:
    """Return the action a register entry in `status` shows on the public register, or None
    if its status is not one published as an action (Leicestershire Req 3: "a record of the
    action taken"; a refusal and a referral to the PARO, Cumbria 6.1.3)."""
    return ACTION_FROM_REGISTER_STATUS.get(status)


def check_action_entry(action: Action | str, reason: str) -> None:
    """Raise PublishingError unless a short entry of the action taken is complete: a refusal
    and a declined meeting carry a reason category from ACTION_REASON_LABELS (the public sees
    why in general terms, never the reasons as written); a referral to the PARO needs none
    (it is the reason). Leicestershire Req 3."""
    action = Action(action)
    if reason and reason not in ActionReason.__members__.values():
        raise PublishingError(_("Choose a reason from the list."))
    if action in (Action.REFUSED, Action.DECLINED) and not reason:
        raise PublishingError(
            _("Choose the reason category the public will see for this %(action)s.")
            % {"action": ACTION_LABELS[action].lower()}
        )


def can_publish_declined_booking(status: str) -> bool:
    """Return True if a booking in `status` is published as a declined meeting or visit
    (Leicestershire Req 6: the outcome of requested meetings made publicly available)."""
    return status in PUBLISHABLE_ACTION_BOOKING_STATUSES
