"""The register's words: an entry's statuses, how a request came in (channels), what it is
(kinds), and why no reply is needed. Pure."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


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
