"""Pure rules of the register: statuses and their transitions, who may do what when.

No ORM and no clock: callers pass the facts and the moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from candidates.rules import Status as CandidateStatus
from candidates.rules import treated_as_candidate as candidate_rule


class Status(StrEnum):
    LOGGED = "logged"
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    IN_PROGRESS = "in_progress"
    ANSWER_DRAFTED = "answer_drafted"
    APPROVED = "approved"
    SENT = "sent"
    CLOSED = "closed"
    REFERRED_TO_PARO = "referred_to_paro"
    ANSWERED_BY_MATERIAL = "answered_by_material"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    DUPLICATE = "duplicate"
    BOOKED = "booked"


STATUS_LABELS = {
    Status.LOGGED: _("Logged"),
    Status.AWAITING_CONFIRMATION: _("Awaiting written confirmation"),
    Status.IN_PROGRESS: _("In progress"),
    Status.ANSWER_DRAFTED: _("Answer drafted"),
    Status.APPROVED: _("Approved"),
    Status.SENT: _("Sent"),
    Status.CLOSED: _("Closed"),
    Status.REFERRED_TO_PARO: _("Referred to the PARO"),
    Status.ANSWERED_BY_MATERIAL: _("Answered by briefing material"),
    Status.REFUSED: _("Refused"),
    Status.WITHDRAWN: _("Withdrawn"),
    Status.DUPLICATE: _("Duplicate"),
    Status.BOOKED: _("Passed to a meeting or visit booking"),
}


class Channel(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    LETTER = "letter"
    IN_PERSON = "in_person"
    SOCIAL_MEDIA = "social_media"
    WEB_FORM = "web_form"


CHANNEL_LABELS = {
    Channel.EMAIL: _("E-mail"),
    Channel.PHONE: _("Phone"),
    Channel.LETTER: _("Letter"),
    Channel.IN_PERSON: _("In person"),
    Channel.SOCIAL_MEDIA: _("Social media"),
    Channel.WEB_FORM: _("Web form"),
}

# Requests not received in writing are confirmed back in writing before any reply is sent
# (Cumbria protocol 6.1.2).
NEEDS_WRITTEN_CONFIRMATION = frozenset({Channel.PHONE, Channel.IN_PERSON, Channel.SOCIAL_MEDIA})


class Kind(StrEnum):
    INFORMATION = "information"
    FOI = "foi"
    MEETING = "meeting"
    VISIT = "visit"
    ELECTORAL_PROCESS = "electoral_process"
    GENERAL = "general"
    HUSTINGS = "hustings"


KIND_LABELS = {
    Kind.INFORMATION: _("Information request"),
    Kind.FOI: _("Freedom of Information request"),
    Kind.MEETING: _("Meeting request"),
    Kind.VISIT: _("Visit request"),
    Kind.ELECTORAL_PROCESS: _("Electoral-process query"),
    Kind.GENERAL: _("General contact"),
    Kind.HUSTINGS: _("Hustings or campaign event invitation"),
}

# Endings other than an approved answer: each needs a reason and sends a reply from its template.
ENDINGS = frozenset(
    {
        Status.REFERRED_TO_PARO,
        Status.ANSWERED_BY_MATERIAL,
        Status.REFUSED,
        Status.WITHDRAWN,
        Status.DUPLICATE,
    }
)
# A meeting or visit request passed to a booking (briefings) is done here: the booking carries
# the rest of the story, and its letters are the reply.
DONE = ENDINGS | {Status.SENT, Status.CLOSED, Status.BOOKED}
OPEN = frozenset(Status) - DONE
_EARLY = {Status.LOGGED, Status.AWAITING_CONFIRMATION, Status.IN_PROGRESS}

# The one transition table. Reopening (any finished entry back to in progress) needs a reason.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    # Closed from an early status: a contact that needs no reply (NoReplyReason, issue 13).
    Status.LOGGED: frozenset(
        {Status.AWAITING_CONFIRMATION, Status.IN_PROGRESS, Status.BOOKED, Status.CLOSED} | ENDINGS
    ),
    Status.AWAITING_CONFIRMATION: frozenset({Status.IN_PROGRESS, Status.CLOSED} | ENDINGS),
    # Back to awaiting confirmation: an oral request found unconfirmed (its channel corrected,
    # or reopened) must be confirmed before any reply.
    Status.IN_PROGRESS: frozenset(
        {Status.ANSWER_DRAFTED, Status.AWAITING_CONFIRMATION, Status.BOOKED, Status.CLOSED}
        | ENDINGS
    ),
    Status.ANSWER_DRAFTED: frozenset({Status.APPROVED, Status.IN_PROGRESS}),
    Status.APPROVED: frozenset({Status.SENT, Status.IN_PROGRESS}),
    Status.SENT: frozenset({Status.CLOSED, Status.IN_PROGRESS}),
    Status.CLOSED: frozenset({Status.IN_PROGRESS}),
    Status.BOOKED: frozenset({Status.IN_PROGRESS}),
    **{ending: frozenset({Status.IN_PROGRESS}) for ending in ENDINGS},
}

# Transitions that send a reply to the requester.
SENDS_REPLY = frozenset({Status.SENT} | (ENDINGS - {Status.WITHDRAWN}))
# Endings whose reply says something new (a refusal, a referral, a pointer to material): like an
# answer, the Chief Executive or a deputy signs them off before they go (PRODUCT: "sign-off
# before sending"; Cumbria 3.1: the Chief Executive decides). A duplicate repeats an answer
# already approved; withdrawn sends nothing.
SIGNED_OFF_ENDINGS = frozenset(
    {Status.REFERRED_TO_PARO, Status.ANSWERED_BY_MATERIAL, Status.REFUSED}
)


class NoReplyReason(StrEnum):
    """Why a contact is closed without a reply ("no reply needed", issue 13 item 3)."""

    NO_QUESTION = "no_question"
    NOT_CONFIRMED = "not_confirmed"
    OFFICE_CONTACT = "office_contact"
    MEETING_HELD = "meeting_held"
    HANDLED_ELSEWHERE = "handled_elsewhere"
    DECIDED = "decided"


NO_REPLY_LABELS = {
    NoReplyReason.NO_QUESTION: _("It asked for nothing (information given, thanks, a courtesy)"),
    NoReplyReason.NOT_CONFIRMED: _("An oral request the requester never confirmed in writing"),
    NoReplyReason.OFFICE_CONTACT: _("A contact the office started: nothing to answer"),
    NoReplyReason.MEETING_HELD: _("A meeting or visit already held, recorded for the register"),
    NoReplyReason.HANDLED_ELSEWHERE: _("Dealt with directly by the PARO or another body"),
    NoReplyReason.DECIDED: _("The Chief Executive decided no reply is due (abusive, repeated)"),
}
# Closing these without a reply is a decision about a request, like a refusal: the Chief
# Executive or a deputy signs it off (Cumbria 3.1: the Chief Executive decides; Cumbria 3.3.1:
# nothing that could appear to favour one candidate). The others record a fact.
NO_REPLY_SIGNED_OFF = frozenset({NoReplyReason.HANDLED_ELSEWHERE, NoReplyReason.DECIDED})


def is_no_reply_closure(current: Status, new: Status) -> bool:
    """Return True if moving `current` to `new` closes a contact without any reply."""
    return Status(new) == Status.CLOSED and Status(current) in _EARLY


# What a duplicate may point at: not a withdrawn entry or another duplicate.
BAD_ORIGINALS = frozenset({Status.WITHDRAWN, Status.DUPLICATE})


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


def treated_as_candidate(
    requester_type: str, candidate_status: str | None, undeclared_as_candidates: bool
) -> bool:
    """Return True if an entry is treated as from a candidate, decided once at logging.

    A candidate, or an agent acting for one, is treated as a candidate according to the
    candidate's status then and the election's policy (Cumbria 1.1, 6.1.1; Norfolk 6). A party
    or a member of the public is treated as the public.
    """
    if requester_type not in ("candidate", "agent") or not candidate_status:
        return False
    return candidate_rule(CandidateStatus(candidate_status), undeclared_as_candidates)


# The first bytes of a genuine file of each binary type kept (its "magic number"). A file
# named and declared as a PDF that starts "MZ" is a Windows program: refused whatever the
# browser said, since the content type of an upload is whatever the sender chose to claim.
ATTACHMENT_MAGIC: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}
_SAME_TYPE = {".jpg": {".jpg", ".jpeg"}}


def attachment_type_problem(
    filename: str, content_type: str, data: bytes, allowed: dict[str, str]
) -> str | None:
    """Return why an upload declared as `content_type` is refused, or None if it is kept.

    `allowed` maps each content type kept to its extension. The name must end in that
    extension, and the content must be what the name says: the magic number of a binary type
    (ATTACHMENT_MAGIC), or, for text types (plain text, CSV, e-mail), no NUL byte.
    """
    extension = allowed.get(content_type)
    if extension is None:
        return None  # the caller's own message: a type not kept at all
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in _SAME_TYPE.get(extension, {extension}):
        return str(
            _("%(filename)s: a %(kind)s file's name must end in %(extension)s.")
            % {"filename": filename, "kind": extension[1:].upper(), "extension": extension}
        )
    magic = ATTACHMENT_MAGIC.get(extension)
    looks_right = data.startswith(magic) if magic else b"\x00" not in data[:8192]
    if not looks_right:
        return str(
            _("%(filename)s is not a real %(kind)s file: it may be damaged or of another type.")
            % {"filename": filename, "kind": extension[1:].upper()}
        )
    return None
