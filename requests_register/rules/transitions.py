"""An entry's transitions: who may take which step (the sign-off of decisions by the Chief
Executive, reasons where a step needs one, confirmation of phone requests) and the check of
each move. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from requests_register.rules.vocabulary import (
    BAD_ORIGINALS,
    DONE,
    ENDINGS,
    NEEDS_WRITTEN_CONFIRMATION,
    NO_REPLY_SIGNED_OFF,
    SENDS_REPLY,
    SIGNED_OFF_ENDINGS,
    STATUS_LABELS,
    TRANSITIONS,
    Channel,
    NoReplyReason,
    Status,
    is_no_reply_closure,
)


class TransitionError(ValueError):
    """A change the rules do not allow; the message says why and what to do."""


@dataclass(frozen=True)
class EntryFacts:
    """What the rules need to know about an entry and the person acting on it."""

    status: Status
    channel: Channel
    confirmed: bool
    has_requester_email: bool
    has_answer: bool
    drafted_by_id: int | None
    actor_id: int
    actor_may_approve: bool
    reason: str = ""
    material_published: bool | None = None  # None: no material chosen
    original_status: Status | None = None  # the status of the entry this one duplicates
    no_reply_reason: str = ""  # NoReplyReason, for a closure without a reply
    office_initiated: bool = False  # the office started the contact: nothing to confirm
    # Closed because another public authority answered it under its own FOI duty (foi app).
    answered_elsewhere: bool = False


# An FOI request disclosed by the force or the fire service under its own Act duty is closed
# on the register from here, without a reply of the office's own (Cumbria 6.1.4, Norfolk 12).
CLOSED_ELSEWHERE_FROM = frozenset({Status.LOGGED, Status.IN_PROGRESS})


def needs_confirmation(channel: Channel) -> bool:
    """Return True if a request by `channel` must be confirmed in writing first (Cumbria 6.1.2)."""
    return Channel(channel) in NEEDS_WRITTEN_CONFIRMATION


def is_reopening(current: Status, new: Status) -> bool:
    """Return True if moving `current` to `new` reopens a finished entry."""
    return Status(current) in DONE and Status(new) == Status.IN_PROGRESS


def is_return(current: Status, new: Status) -> bool:
    """Return True if moving `current` to `new` sends an answer back to be redrafted."""
    return (
        Status(current) in {Status.ANSWER_DRAFTED, Status.APPROVED}
        and Status(new) == Status.IN_PROGRESS
    )


def needs_sign_off(new: Status) -> bool:
    """Return True if moving to `new` is for the Chief Executive or a deputy they name: an
    approval, or an ending whose reply says something new (SIGNED_OFF_ENDINGS)."""
    return Status(new) == Status.APPROVED or Status(new) in SIGNED_OFF_ENDINGS


def needs_reason(current: Status, new: Status) -> bool:
    """Return True if moving `current` to `new` needs a reason: every ending, reopening and
    return (kept on the register and used in the reply)."""
    return Status(new) in ENDINGS or is_reopening(current, new) or is_return(current, new)


def may_take_step(new: Status, *, may_manage: bool, may_approve: bool) -> bool:
    """Return True if someone with these permissions may ask for `new` at all: sign-offs for
    approvers (needs_sign_off), every other step for managers of the register."""
    return may_approve if needs_sign_off(new) else may_manage


# Steps taken elsewhere than the status buttons: drafting through the answer form, a booking
# from the meetings pages (briefings.services.prepare_booking).
STEPS_ELSEWHERE = frozenset({Status.ANSWER_DRAFTED, Status.BOOKED})


@dataclass(frozen=True)
class Step:
    """A status change offered to the person looking at an entry, with what it asks for."""

    status: Status
    needs_reason: bool
    needs_material: bool
    needs_original: bool
    warning: bool  # an ending the requester may not welcome: the button says so
    needs_no_reply_reason: bool = False  # a closure without a reply (NoReplyReason)


def available_steps(current: Status, *, may_manage: bool, may_approve: bool) -> list[Step]:
    """Return the status changes to offer on an entry in `current`, in status order.

    The transitions of TRANSITIONS this person may ask for (may_take_step), without those
    taken elsewhere (STEPS_ELSEWHERE). The funnel (check_entry_transition) still checks the
    facts of the moment: confirmation, e-mail address, four eyes.
    """
    current = Status(current)
    order = list(Status)
    return [
        Step(
            status=new,
            needs_reason=needs_reason(current, new),
            needs_material=new == Status.ANSWERED_BY_MATERIAL,
            needs_original=new == Status.DUPLICATE,
            warning=new in (Status.REFUSED, Status.WITHDRAWN, Status.DUPLICATE),
            needs_no_reply_reason=is_no_reply_closure(current, new),
        )
        for new in sorted(TRANSITIONS[current] - STEPS_ELSEWHERE, key=order.index)
        if may_take_step(new, may_manage=may_manage, may_approve=may_approve)
    ]


def check_entry_transition(new: Status, facts: EntryFacts) -> None:
    """Raise TransitionError unless `facts.status` may move to `new` for this actor.

    - Only changes in TRANSITIONS.
    - A phone, in-person or social-media request waits for written confirmation: it cannot go
      straight to in progress, and no reply is sent until it is confirmed (Cumbria 6.1.2).
    - Replies go by e-mail only (Cumbria 6.1.2): a reply needs the requester's e-mail address.
    - An answer is approved by the Chief Executive or a deputy they name, never by the person
      who drafted it (four eyes).
    - A refusal, a referral to the PARO or a pointer to material is signed off like an answer.
    - Every ending, reopening and return needs a reason; answered by material needs a published
      material (Cumbria 8.1); a duplicate needs an original that will be answered.
    """
    current = Status(facts.status)
    new = Status(new)
    if new == current:
        raise TransitionError(
            _("The entry is already %(status)s.") % {"status": STATUS_LABELS[current].lower()}
        )
    closing_elsewhere = (
        facts.answered_elsewhere and new == Status.CLOSED and current in CLOSED_ELSEWHERE_FROM
    )
    if closing_elsewhere and not facts.reason.strip():
        raise TransitionError(_("Give a reason: it is kept on the register and used in the reply."))
    if new not in TRANSITIONS[current] and not closing_elsewhere:
        raise TransitionError(
            _("An entry that is %(status)s cannot become %(new_status)s.")
            % {"status": STATUS_LABELS[current].lower(), "new_status": STATUS_LABELS[new].lower()}
        )
    # A contact the office started is no request: there is nothing for anyone to confirm.
    oral = needs_confirmation(facts.channel) and not facts.office_initiated
    # Closed because another authority disclosed (foi): its reason is the disclosure itself.
    if is_no_reply_closure(current, new) and not closing_elsewhere:
        _check_no_reply(facts)
    if current == Status.LOGGED and new == Status.IN_PROGRESS and oral and not facts.confirmed:
        raise TransitionError(
            _(
                "This request was not made in writing: send the written confirmation first "
                "(Cumbria protocol 6.1.2)."
            )
        )
    if new == Status.AWAITING_CONFIRMATION and not oral:
        raise TransitionError(_("Only phone, in-person and social-media requests need confirming."))
    if new == Status.AWAITING_CONFIRMATION and facts.confirmed:
        raise TransitionError(_("The requester has already confirmed this request in writing."))
    if new in (Status.AWAITING_CONFIRMATION, *SENDS_REPLY) and not facts.has_requester_email:
        raise TransitionError(
            _(
                "Replies go by e-mail only: add the requester's e-mail address first "
                "(Cumbria 6.1.2)."
            )
        )
    if new in (*SENDS_REPLY, Status.BOOKED) and oral and not facts.confirmed:
        raise TransitionError(
            _(
                "No reply can be sent until the requester has confirmed the request in writing "
                "(Cumbria protocol 6.1.2)."
            )
        )
    if new == Status.ANSWER_DRAFTED and not facts.has_answer:
        raise TransitionError(_("Write the answer before marking it drafted."))
    if new in SIGNED_OFF_ENDINGS and not facts.actor_may_approve:
        raise TransitionError(
            _(
                "Only the Chief Executive, or a deputy they name, can sign off this reply: "
                "record your recommendation as a note."
            )
        )
    if new == Status.APPROVED:
        if not facts.actor_may_approve:
            raise TransitionError(
                _("Only the Chief Executive, or a deputy they name, can approve.")
            )
        if facts.drafted_by_id == facts.actor_id:
            raise TransitionError(_("You drafted this answer: someone else must approve it."))
    if needs_reason(current, new) and not facts.reason.strip():
        raise TransitionError(_("Give a reason: it is kept on the register and used in the reply."))
    if new == Status.ANSWERED_BY_MATERIAL and not facts.material_published:
        raise TransitionError(_("Choose the published briefing material that answers it."))
    if new == Status.DUPLICATE and facts.original_status is None:
        raise TransitionError(_("Choose the entry this one duplicates."))
    if new == Status.DUPLICATE and facts.original_status in BAD_ORIGINALS:
        raise TransitionError(
            _(
                "That entry is itself withdrawn or a duplicate: choose the entry that will be "
                "answered."
            )
        )


def _check_no_reply(facts: EntryFacts) -> None:
    """A closure without a reply needs its reason from NoReplyReason; those in
    NO_REPLY_SIGNED_OFF are for the Chief Executive or a deputy."""
    if facts.no_reply_reason not in set(NoReplyReason):
        raise TransitionError(_("Choose why no reply is needed."))
    if NoReplyReason(facts.no_reply_reason) in NO_REPLY_SIGNED_OFF and not facts.actor_may_approve:
        raise TransitionError(
            _(
                "Only the Chief Executive, or a deputy they name, can decide that no reply is "
                "due: record your recommendation as a note."
            )
        )
