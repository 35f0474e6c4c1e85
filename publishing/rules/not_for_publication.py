""" "Not for publication" decisions: proposed by a SPOC with a reason, signed off by the Chief
Executive or a deputy, never by the proposer (Cumbria 3.1). Pure."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from publishing.rules.review import PublishingError

# --- "not for publication" decisions ---------------------------------------------------------


class NotForPublicationReason(StrEnum):
    """Why an answer is not published. Counted by reason on the public register, never with
    the details (Cleveland 6.1: confidential documents remain so and are not published)."""

    PERSONAL_MATTER = "personal_matter"
    THIRD_PARTY = "third_party"
    NO_INFORMATION = "no_information"
    ALREADY_PUBLISHED = "already_published"
    CONFIDENTIAL = "confidential"
    OTHER = "other"


NOT_FOR_PUBLICATION_LABELS = {
    NotForPublicationReason.PERSONAL_MATTER: _("A personal matter of the person who asked"),
    NotForPublicationReason.THIRD_PARTY: _("About another person, such as a complaint"),
    NotForPublicationReason.NO_INFORMATION: _("Gave no information, such as an acknowledgement"),
    NotForPublicationReason.ALREADY_PUBLISHED: _("Repeats information already published"),
    NotForPublicationReason.CONFIDENTIAL: _("Confidential or operationally sensitive"),
    NotForPublicationReason.OTHER: _("Another reason"),
}


class DecisionStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"


DECISION_STATUS_LABELS = {
    DecisionStatus.PROPOSED: _("Awaiting the Chief Executive"),
    DecisionStatus.APPROVED: _("Signed off: not for publication"),
    DecisionStatus.REJECTED: _("Rejected: to be published"),
}


def check_not_for_publication_proposal(
    *, reason: str, detail: str, has_target: bool, is_public: bool, pending_or_approved: bool
) -> None:
    """Raise PublishingError unless an answer may be proposed as not for publication: it has
    a publication target (a sent answer), has no public entry, has no decision pending or
    signed off, and the proposal gives a reason from the list and says why in words (for the
    Chief Executive, who decides: Cumbria 3.1)."""
    if reason not in NotForPublicationReason.__members__.values():
        raise PublishingError(_("Choose a reason from the list."))
    if not detail.strip():
        raise PublishingError(
            _("Say why it should not be published: the Chief Executive reads this.")
        )
    if not has_target:
        raise PublishingError(_("Only an answer that was sent has a publication target."))
    if is_public:
        raise PublishingError(
            _("This answer already has a public version: withdraw that instead, with a reason.")
        )
    if pending_or_approved:
        raise PublishingError(
            _("A decision not to publish this answer is already waiting or signed off.")
        )


def check_not_for_publication_decision(
    *, status: str, approve: bool, proposer_id: int, actor_id: int, may_sign_off: bool, note: str
) -> None:
    """Raise PublishingError unless this person may decide a pending proposal: only the Chief
    Executive (or a deputy they named) signs off (`may_sign_off`; Cumbria 3.1, Leicestershire
    Req 1-2), never whoever proposed it (four eyes), and a rejection says why (it goes back to
    be published)."""
    if status != DecisionStatus.PROPOSED:
        raise PublishingError(_("This decision is no longer waiting for the Chief Executive."))
    if not may_sign_off:
        raise PublishingError(
            _("Only the Chief Executive or a deputy they named signs off this decision.")
        )
    if proposer_id == actor_id:
        raise PublishingError(_("You proposed this: someone else must sign it off."))
    if not approve and not note.strip():
        raise PublishingError(_("Say why it should be published after all."))
