"""The public entry's statuses and kinds, who may take each review step (four eyes: the
preparer never approves), the factual check in the pre-election period (Cumbria 11.2-11.3), and
corrections with their second approver (issue 16, finding 1). Pure."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Status(StrEnum):
    DRAFT = "draft"
    AWAITING_APPROVAL = "awaiting_approval"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


STATUS_LABELS = {
    Status.DRAFT: _("Draft"),
    Status.AWAITING_APPROVAL: _("Awaiting approval"),
    Status.PUBLISHED: _("Published"),
    Status.WITHDRAWN: _("Withdrawn"),
}


class Kind(StrEnum):
    REGISTER_ANSWER = "register_answer"
    MEETING_NOTES = "meeting_notes"
    EVENT_NOTES = "event_notes"
    # The register with the action taken (issue 13, item 2; Leicestershire Req 3): a refusal
    # or a referral to the PARO, and a meeting or visit declined.
    REGISTER_ACTION = "register_action"
    DECLINED_BOOKING = "declined_booking"


KIND_LABELS = {
    Kind.REGISTER_ANSWER: _("Answer on the register"),
    Kind.MEETING_NOTES: _("Notes of a meeting or visit"),
    Kind.EVENT_NOTES: _("Notes of a briefing event"),
    Kind.REGISTER_ACTION: _("Action taken on a request"),
    Kind.DECLINED_BOOKING: _("Meeting or visit declined"),
}
# Kinds published as a short entry: the action taken and its reason category, no text.
ACTION_KINDS = frozenset({Kind.REGISTER_ACTION, Kind.DECLINED_BOOKING})

# The letter in a generated reference ("NS26-M-0003"); a register answer keeps the register's
# own reference ("NS26-0042"), which the requester already has.
REFERENCE_LETTERS = {Kind.MEETING_NOTES: "M", Kind.EVENT_NOTES: "E"}


class Field(StrEnum):
    """The public fields built from a private text, each with its own redactions."""

    TOPIC = "topic"
    QUESTION = "question"
    ANSWER = "answer"


FIELD_LABELS = {Field.TOPIC: _("Topic"), Field.QUESTION: _("Question"), Field.ANSWER: _("Answer")}

# What staff may say a manual redaction hides, and the label that replaces it: the label says
# what was removed, as the automatic ones do, so the public text still reads.
MANUAL_KINDS = {
    "person": "[name]",
    "email": "[email address]",
    "phone": "[phone number]",
    "address": "[address]",
    "party": "[party]",
    "other": "[removed]",
}
MANUAL_KIND_LABELS = {
    "person": _("A name"),
    "email": _("An e-mail address"),
    "phone": _("A phone number"),
    "address": _("An address or place that identifies someone"),
    "party": _("A party"),
    "other": _("Something else that identifies someone"),
}

# The one transition table. A published entry never goes back to draft: it changes only
# through a correction (a dated public note) and stays published, or it is withdrawn with a
# public reason. A withdrawn entry comes back only through a correction, as a draft that a
# second person approves again.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.AWAITING_APPROVAL}),
    Status.AWAITING_APPROVAL: frozenset({Status.PUBLISHED, Status.DRAFT}),
    Status.PUBLISHED: frozenset({Status.WITHDRAWN}),
    Status.WITHDRAWN: frozenset({Status.DRAFT}),
}
# Statuses in which the text may still be redacted further or restored.
EDITABLE = frozenset({Status.DRAFT, Status.AWAITING_APPROVAL})
# Statuses in which a correction may be made.
CORRECTABLE = frozenset({Status.PUBLISHED, Status.WITHDRAWN})

# Register statuses whose entry may become a public entry. Publishing is of what a candidate
# (or member of the public) was TOLD (Cumbria 3.2.4: "information provided ... anonymised and
# published"; 6.1.4: FOI responses posted): an answer approved and sent, or sent then closed.
# Not the other endings: answered by briefing material points to something already published
# (it is on the public page through queries.published_materials); a referral to the PARO, a
# refusal, a withdrawal or a duplicate gave no information of the office's own, and a refusal's
# reasons can identify the requester; a meeting or visit request is published as the meeting's
# notes, from its booking (Cumbria 8.3).
PUBLISHABLE_REGISTER_STATUSES = frozenset({"sent", "closed"})
# A booking is published as its notes once held (Cumbria 8.3: notes "posted onto the website").
PUBLISHABLE_BOOKING_STATUSES = frozenset({"held"})


class PublishingError(ValueError):
    """A step the rules do not allow; the message says why and what to do."""


@dataclass(frozen=True)
class StepFacts:
    """What the rules need to know about a public entry and the person acting on it."""

    status: Status
    actor_id: int
    prepared_by_id: int | None
    in_pre_election_period: bool
    factual_confirmed: bool = False
    reason: str = ""
    is_correction: bool = False
    # Someone who restored redacted text in this version: like the preparer, they cannot be
    # the second pair of eyes on what they chose to reveal.
    actor_restored_text: bool = False
    # Someone who wrote a correction waiting for approval (of a withdrawn entry, corrected
    # back to draft): they cannot approve their own correction.
    actor_corrected: bool = False
    has_answer: bool = True
    # A short entry of the action taken (ACTION_KINDS) has no answer: the action is its content.
    has_action: bool = False


def four_eyes_refusal(
    *, prepared_it: bool, restored_text: bool, wrote_correction: bool = False
) -> str | None:
    """Return why this person may not approve a public entry, or None if they may: never
    whoever prepared it, restored any of its redacted text, or wrote the correction it carries
    (four eyes)."""
    if prepared_it:
        return str(_("You prepared this entry: someone else must approve it."))
    if restored_text:
        return str(_("You restored redacted text in this entry: someone else must approve it."))
    if wrote_correction:
        return str(_("You wrote this correction: someone else must approve it."))
    return None


class Step(StrEnum):
    """What a person can do on a public entry's review page."""

    REDACT = "redact"  # redact more, or restore a redaction
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    CORRECT = "correct"
    WITHDRAW = "withdraw"


def available_steps(
    status: Status, *, may_edit: bool, may_approve: bool, prepared_it: bool, restored_text: bool
) -> frozenset[Step]:
    """Return the steps to offer on a public entry in `status` to this person.

    Editors redact and restore while the text is EDITABLE, submit a draft and withdraw what is
    published; approvers approve (four_eyes_refusal) or return what awaits approval, and
    correct what is CORRECTABLE. The funnels check the same rules (check_publish_step).
    """
    status = Status(status)
    steps = set()
    if may_edit and status in EDITABLE:
        steps.add(Step.REDACT)
    if may_edit and status == Status.DRAFT:
        steps.add(Step.SUBMIT)
    if may_edit and status == Status.PUBLISHED:
        steps.add(Step.WITHDRAW)
    if may_approve and status == Status.AWAITING_APPROVAL:
        steps.add(Step.RETURN)
        if four_eyes_refusal(prepared_it=prepared_it, restored_text=restored_text) is None:
            steps.add(Step.APPROVE)
    if may_approve and status in CORRECTABLE:
        steps.add(Step.CORRECT)
    return frozenset(steps)


def check_publish_step(new: Status, facts: StepFacts) -> None:
    """Raise PublishingError unless a public entry in `facts.status` may move to `new`.

    - Only changes in TRANSITIONS; a withdrawn entry returns (to draft) only by a correction.
    - Approval (to published) by a second person: never whoever prepared it or restored any of
      its redacted text (four eyes).
    - In the pre-election period the approver confirms the content is factual only (Cumbria
      protocol 11.2: websites "must contain only factual information"; 11.3: nothing that
      promotes the office).
    - Withdrawal needs a reason: it is shown on the public page in place of the entry.
    - Returning a submitted entry to draft needs a reason for whoever prepared it.
    """
    current = Status(facts.status)
    new = Status(new)
    if new == current:
        raise PublishingError(
            _("The entry is already %(status)s.") % {"status": STATUS_LABELS[current].lower()}
        )
    if new not in TRANSITIONS[current]:
        raise PublishingError(
            _("An entry that is %(status)s cannot become %(new_status)s.")
            % {"status": STATUS_LABELS[current].lower(), "new_status": STATUS_LABELS[new].lower()}
        )
    if current == Status.WITHDRAWN and not facts.is_correction:
        raise PublishingError(
            _("A withdrawn entry comes back only through a correction, with a public note.")
        )
    if new == Status.AWAITING_APPROVAL and not (facts.has_answer or facts.has_action):
        raise PublishingError(_("There is nothing to publish: the answer or notes are empty."))
    if new == Status.PUBLISHED:
        refusal = four_eyes_refusal(
            prepared_it=facts.prepared_by_id == facts.actor_id,
            restored_text=facts.actor_restored_text,
            wrote_correction=facts.actor_corrected,
        )
        if refusal:
            raise PublishingError(refusal)
    if new == Status.PUBLISHED or facts.is_correction:
        check_factual(facts.in_pre_election_period, facts.factual_confirmed)
    if new == Status.WITHDRAWN and not facts.reason.strip():
        raise PublishingError(_("Give the reason for withdrawal: it is shown on the public page."))
    if current == Status.AWAITING_APPROVAL and new == Status.DRAFT and not facts.reason.strip():
        raise PublishingError(_("Say what needs changing before it can be approved."))


def check_factual(in_pre_election_period: bool, factual_confirmed: bool) -> None:
    """Raise PublishingError if, in the pre-election period, the content has not been
    confirmed as factual (Cumbria protocol 11.2, 11.3). Outside the period nothing is asked."""
    if in_pre_election_period and not factual_confirmed:
        raise PublishingError(
            _(
                "This is the pre-election period: confirm the content is factual only and does not "
                "promote the office (Cumbria protocol 11.2, 11.3)."
            )
        )


def check_redaction_reason(reason: str) -> None:
    """Raise PublishingError unless a manual redaction or a restore says why: it is kept with
    the entry and read by the approver."""
    if not reason.strip():
        raise PublishingError(_("Give a reason: it is kept with the entry for the approver."))


def check_correction(note: str, new_answer: str) -> None:
    """Raise PublishingError unless a correction has a public note and an answer."""
    if not note.strip():
        raise PublishingError(
            _("Write the correction note: it is published with its date beside the entry.")
        )
    if not new_answer.strip():
        raise PublishingError(_("Write the corrected answer."))


def check_correction_approval(
    *,
    status: str,
    corrector_id: int,
    actor_id: int,
    entry_published: bool,
    in_pre_election_period: bool,
    factual_confirmed: bool,
) -> None:
    """Raise PublishingError unless a correction in `status` may be approved by `actor_id`.

    - Only a correction waiting for approval.
    - Four eyes: never by whoever wrote it (the same second pair of eyes as for the entry, so
      no published text goes live on one person's word).
    - Only while the entry is published: a withdrawn entry's correction is approved with the
      entry itself (check_publish_step).
    - In the pre-election period the approver confirms the corrected content is factual
      (Cumbria protocol 11.2, 11.3).
    """
    if status != "pending":
        raise PublishingError(_("This correction is no longer waiting for approval."))
    if corrector_id == actor_id:
        raise PublishingError(_("You wrote this correction: someone else must approve it."))
    if not entry_published:
        raise PublishingError(
            _("The entry is no longer published: reject this correction and correct it again.")
        )
    check_factual(in_pre_election_period, factual_confirmed)


def check_correction_rejection(status: str, reason: str) -> None:
    """Raise PublishingError unless a pending correction is rejected with a reason (kept for
    whoever wrote it)."""
    if status != "pending":
        raise PublishingError(_("This correction is no longer waiting for approval."))
    if not reason.strip():
        raise PublishingError(_("Say why the correction is rejected."))


def can_publish_register_entry(status: str, has_answer: bool) -> bool:
    """Return True if a register entry in `status` may become a public entry: an answer that
    was sent (see PUBLISHABLE_REGISTER_STATUSES; Cumbria 3.2.4, 6.1.4)."""
    return status in PUBLISHABLE_REGISTER_STATUSES and has_answer


def can_publish_booking(status: str, has_notes: bool) -> bool:
    """Return True if a booking's notes may become a public entry: held, with notes (Cumbria
    8.3)."""
    return status in PUBLISHABLE_BOOKING_STATUSES and has_notes


def can_publish_event(invited: bool, cancelled: bool, has_notes: bool) -> bool:
    """Return True if a briefing event's notes may become a public entry: the event was
    announced to candidates, not cancelled, and has notes (Cumbria 8.2)."""
    return invited and not cancelled and has_notes
