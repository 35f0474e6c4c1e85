"""Pure rules of publishing: the public entry's statuses, who may take each step, what may be
published, and how redactions turn a private text into its public version.

No ORM and no clock: callers pass the facts and the moment (whether it is the pre-election
period is decided by the caller with election_protocol.calendar.in_pre_election_period).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from election_protocol.calendar import DueDate, WorkingDays, explain_due_date


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


# --- redactions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A stretch [start, end) of the private text replaced by `label` in the public one."""

    start: int
    end: int
    label: str
    key: object = None  # the caller's handle (a redaction's id), carried through


@dataclass(frozen=True)
class Segment:
    """A piece of text for display: plain (span None), or a redacted stretch."""

    text: str
    span: Span | None = None


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Return `spans` sorted, with overlapping ones joined.

    Two overlapping redactions become one covering both, with the first one's label and key:
    keeping either alone would put back the part of the other it does not cover.
    """
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if span.end <= span.start:
            continue
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            if span.end > last.end:
                merged[-1] = Span(last.start, span.end, last.label, last.key)
            continue
        merged.append(span)
    return merged


def apply_redactions(text: str, spans: Iterable[Span]) -> str:
    """Return `text` with each span replaced by its label: the public version.

    Always computed from the private text and the active redactions, never by patching an
    earlier public version, so spans (offsets in the private text) stay right.
    """
    out, at = [], 0
    for span in merge_spans(spans):
        out.append(text[at : span.start])
        out.append(span.label)
        at = span.end
    out.append(text[at:])
    return "".join(out)


def segments(text: str, spans: Iterable[Span]) -> list[Segment]:
    """Return `text` cut into plain and redacted segments (the original side of the review:
    each redacted segment holds the private text it hides)."""
    out, at = [], 0
    for span in merge_spans(spans):
        if span.start > at:
            out.append(Segment(text[at : span.start]))
        out.append(Segment(text[span.start : span.end], span))
        at = span.end
    if at < len(text):
        out.append(Segment(text[at:]))
    return out


def find_occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    """Return the (start, end) of every occurrence of `needle` in `text`, in any case.

    Where `needle` starts or ends with a letter or digit, an occurrence must not run on into
    a longer word, so redacting "Ann" does not eat "annual". Spaces in `needle` match any run
    of white space, as a name may be broken across a line.
    """
    needle = needle.strip()
    if not needle:
        return []
    pattern = r"\s+".join(re.escape(part) for part in needle.split())
    if re.match(r"\w", needle):
        pattern = r"(?<!\w)" + pattern
    if re.search(r"\w$", needle):
        pattern += r"(?!\w)"
    return [(m.start(), m.end()) for m in re.finditer(pattern, text, re.IGNORECASE)]


def uncovered(occurrences: Sequence[tuple[int, int]], spans: Iterable[Span]) -> list[tuple]:
    """Return the occurrences not already wholly inside one of `spans`."""
    active = merge_spans(spans)
    return [
        (start, end)
        for start, end in occurrences
        if not any(s.start <= start and end <= s.end for s in active)
    ]


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


# --- the publication deadline (issue 13, item 1) --------------------------------------------
#
# "What one candidate is told, everyone can read": information provided to a candidate is
# anonymised and published (Cumbria 3.2.4; Avon and Somerset 3.2.4), at once where it was not
# available to other candidates (Norfolk 11), FOI responses "as soon as reasonably practicable"
# (Cleveland 5; Cumbria 6.1.4). Each sent answer gets a publication target in office working
# days (the election's setting, 2 by default), counted on the office calendar
# (election_protocol.calendar: weekends, England and Wales bank holidays, Christmas Eve,
# office closures). The target ends when the answer is published, or when the Chief Executive
# signs off a "not for publication" decision (Cumbria 3.1: the Chief Executive decides).


class PublicationState(StrEnum):
    PUBLISHED = "published"
    NOT_FOR_PUBLICATION = "not_for_publication"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    ON_TRACK = "on_track"
    NO_TARGET = "no_target"


PUBLICATION_STATE_LABELS = {
    PublicationState.PUBLISHED: _("Published"),
    PublicationState.NOT_FOR_PUBLICATION: _("Not for publication"),
    PublicationState.OVERDUE: _("Publication overdue"),
    PublicationState.DUE_SOON: _("Publication due soon"),
    PublicationState.ON_TRACK: _("To publish"),
    PublicationState.NO_TARGET: _("No publication target"),
}
# Requester types whose answers always get a target: a candidate or their agent.
CANDIDATE_REQUESTER_TYPES = frozenset({"candidate", "agent"})


def has_publication_target(status: str, requester_type: str, for_all_answers: bool) -> bool:
    """Return True if a register entry gets a publication target: an answer that was sent
    (PUBLISHABLE_REGISTER_STATUSES) to a candidate or agent (Cumbria 3.2.4, Norfolk 11) and, by
    the election's default (`for_all_answers`), to anyone (Leicestershire Req 3: the register
    posted on the website)."""
    if status not in PUBLISHABLE_REGISTER_STATUSES:
        return False
    return for_all_answers or requester_type in CANDIDATE_REQUESTER_TYPES


def publication_due(answered: date, working_days: int, calendar: WorkingDays) -> DueDate:
    """Return the day an answer sent on `answered` should be published by: `working_days`
    working days after it in the office's `calendar` (the day it was sent is never counted;
    an answer sent on a Saturday counts from the next working day), with the days skipped."""
    if working_days < 1:
        raise ValueError("The publication target is at least one working day.")
    return explain_due_date(answered, working_days, calendar)


def latest_answer_day_due_by(day: date, working_days: int, calendar: WorkingDays) -> date:
    """Return the latest day an answer can have been sent for its publication to be due on or
    before `day` (the inverse of publication_due, for counting in the database: an answer
    sent on or before this day is due by `day`).

    The due date only moves forward as the sending day does, so this steps back from `day`
    until a sending day's due date is on or before it.
    """
    candidate = day
    while calendar.add(candidate, working_days) > day:
        candidate -= timedelta(days=1)
    return candidate


def publication_state(
    due: date | None,
    *,
    today: date,
    due_soon_cutoff: date,
    published: bool,
    not_for_publication: bool,
) -> PublicationState:
    """Return where an answer's publication stands: published or decided not for publication
    (either ends the target), else overdue (due before `today`), due soon (due by
    `due_soon_cutoff`) or on track; no target when `due` is None."""
    if published:
        return PublicationState.PUBLISHED
    if not_for_publication:
        return PublicationState.NOT_FOR_PUBLICATION
    if due is None:
        return PublicationState.NO_TARGET
    if due < today:
        return PublicationState.OVERDUE
    if due <= due_soon_cutoff:
        return PublicationState.DUE_SOON
    return PublicationState.ON_TRACK


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
