"""Pure rules of organised meetings: who may have a meeting or visit, the booking workflow,
and the equal-offer test. No ORM and no clock."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Kind(StrEnum):
    MEETING_CHIEF_EXECUTIVE = "meeting_ce"
    MEETING_CHIEF_CONSTABLE = "meeting_cc"
    MEETING_CHIEF_FIRE_OFFICER = "meeting_cfo"
    VISIT = "visit"
    HUSTINGS = "hustings"


KIND_LABELS = {
    Kind.MEETING_CHIEF_EXECUTIVE: _("One-to-one meeting with the Chief Executive"),
    Kind.MEETING_CHIEF_CONSTABLE: _("One-to-one meeting with the Chief Constable"),
    Kind.MEETING_CHIEF_FIRE_OFFICER: _("One-to-one meeting with the Chief Fire Officer"),
    Kind.VISIT: _("Visit to premises"),
    Kind.HUSTINGS: _("Hustings or campaign event"),
}
MEETINGS = frozenset(
    {Kind.MEETING_CHIEF_EXECUTIVE, Kind.MEETING_CHIEF_CONSTABLE, Kind.MEETING_CHIEF_FIRE_OFFICER}
)


class Chief(StrEnum):
    NONE = ""
    CHIEF_CONSTABLE = "chief_constable"
    CHIEF_FIRE_OFFICER = "chief_fire_officer"


def chief_for(kind: Kind, visit_chief: Chief = Chief.NONE) -> Chief:
    """Return the chief who must confirm a booking of `kind`: the one met, or the one whose
    premises are visited (Cumbria 8.3, 8.6); none for the Chief Executive's own meetings."""
    kind = Kind(kind)
    if kind == Kind.MEETING_CHIEF_CONSTABLE:
        return Chief.CHIEF_CONSTABLE
    if kind == Kind.MEETING_CHIEF_FIRE_OFFICER:
        return Chief.CHIEF_FIRE_OFFICER
    if kind == Kind.VISIT:
        return Chief(visit_chief)
    return Chief.NONE


class Status(StrEnum):
    PREPARED = "prepared"
    APPROVED = "approved"
    CONFIRMED = "confirmed"
    SCHEDULED = "scheduled"
    HELD = "held"
    DECLINED = "declined"
    CANCELLED = "cancelled"


STATUS_LABELS = {
    Status.PREPARED: _("Awaiting the Chief Executive"),
    Status.APPROVED: _("Approved, awaiting the chief"),
    Status.CONFIRMED: _("Confirmed, to schedule"),
    Status.SCHEDULED: _("Scheduled"),
    Status.HELD: _("Held"),
    Status.DECLINED: _("Declined"),
    Status.CANCELLED: _("Cancelled"),
}

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.PREPARED: frozenset({Status.APPROVED, Status.DECLINED, Status.CANCELLED}),
    Status.APPROVED: frozenset({Status.CONFIRMED, Status.DECLINED, Status.CANCELLED}),
    Status.CONFIRMED: frozenset({Status.SCHEDULED, Status.CANCELLED}),
    Status.SCHEDULED: frozenset({Status.HELD, Status.SCHEDULED, Status.CANCELLED}),
    Status.HELD: frozenset(),
    Status.DECLINED: frozenset(),
    Status.CANCELLED: frozenset(),
}


class Actor(StrEnum):
    SPOC = "spoc"
    CHIEF_EXECUTIVE = "chief_executive"
    CHIEF = "chief"  # the chief the booking involves


class BookingError(ValueError):
    """A booking step the rules do not allow; the message says why and what to do."""


@dataclass(frozen=True)
class RequestFacts:
    """What the request rules need about a meeting or visit request."""

    kind: Kind
    candidate_declared: bool
    advance_questions: str
    checked_published_material: bool


def counts_as_candidate(status: str, undeclared_as_candidates: bool) -> bool:
    """Return True if someone with candidate `status` is offered what candidates are offered
    (the equal offer, a meeting) and counts in the parity check before approval.

    Declared candidates always (Cumbria 8.3: meetings "only after formal declaration"; Avon and
    Somerset 8.1.2). Where the election follows Norfolk 6 ("Candidate" includes those expected
    to stand and those expressing an interest), prospective candidates too: Norfolk 19 asks that
    meetings "not appear to favour one candidate against another", whoever is standing.
    """
    if status == "declared":
        return True
    return status == "prospective" and undeclared_as_candidates


def check_request(facts: RequestFacts) -> None:
    """Raise BookingError if the request must be refused outright.

    - Hustings and campaign events are refused (Norfolk protocol 20).
    - Individual meetings only after formal declaration, only where the information is not
      already covered by published material (staff confirm what they checked), and only with
      advance notice of the questions (Cumbria protocol 8.3).
    - Visits are not refused by rule: the Chief Executive decides each case (Cumbria 3.3.2, 8.6).
    """
    kind = Kind(facts.kind)
    if kind == Kind.HUSTINGS:
        raise BookingError(
            _(
                "Requests to attend or speak at hustings or campaign events are refused "
                "(Norfolk protocol 20)."
            )
        )
    if kind in MEETINGS:
        if not facts.candidate_declared:
            raise BookingError(
                _(
                    "Individual meetings are only for candidates who have formally declared: "
                    "refuse it on the register (Cumbria protocol 8.3)."
                )
            )
        if not facts.advance_questions.strip():
            raise BookingError(
                _("Ask for the questions in advance: they are required (Cumbria 8.3).")
            )
        if not facts.checked_published_material:
            raise BookingError(
                _(
                    "Confirm the information is not already in published material, and link what "
                    "you checked (Cumbria protocol 8.3)."
                )
            )


def who_acts(current: Status, new: Status, chief: Chief) -> Actor:
    """Return who takes a booking from `current` to `new`.

    The Chief Executive approves or declines what the SPOC prepared (Cumbria 3.3.2, 8.3, 8.6);
    the chief involved then confirms or declines; the SPOC schedules, records and cancels.
    """
    current, new = Status(current), Status(new)
    if current == Status.PREPARED and new in (Status.APPROVED, Status.DECLINED):
        return Actor.CHIEF_EXECUTIVE
    if current == Status.APPROVED and new in (Status.CONFIRMED, Status.DECLINED):
        return Actor.CHIEF if chief != Chief.NONE else Actor.CHIEF_EXECUTIVE
    return Actor.SPOC


@dataclass(frozen=True)
class StepFacts:
    status: Status
    chief: Chief
    actor: frozenset[Actor]  # the roles the person acting holds for this booking
    reason: str = ""
    has_schedule: bool = False
    has_notes: bool = False
    parity_gap: bool = False
    parity_acknowledged: bool = False
    actor_prepared_it: bool = False
    chief_role_filled: bool = True


def next_after_approval(chief: Chief) -> Status:
    """Return where an approved booking goes: to its chief, or straight on to scheduling."""
    return Status.APPROVED if chief != Chief.NONE else Status.CONFIRMED


def check_step(new: Status, facts: StepFacts) -> None:
    """Raise BookingError unless the booking may move to `new` now, by this person.

    - Only TRANSITIONS; each step by its actor (who_acts).
    - Declining and cancelling need a reason (it goes in the letter).
    - Whoever prepared a booking does not approve it (four eyes), and a booking needing a
      chief is approved only if someone holds that chief's role.
    - Approving something not offered to every declared candidate needs the approver to
      acknowledge that the same must be offered to all (Norfolk protocol 19; Avon and
      Somerset 8.1.2).
    - Scheduling needs a date, time, place and host; held needs the notes (Cumbria 8.3:
      notes are taken and published).
    """
    current, new = Status(facts.status), Status(new)
    if new not in TRANSITIONS[current]:
        raise BookingError(
            _("A booking that is %(status)s cannot become %(new_status)s.")
            % {"status": STATUS_LABELS[current].lower(), "new_status": STATUS_LABELS[new].lower()}
        )
    actor = who_acts(current, new, facts.chief)
    if actor not in facts.actor:
        names = {
            Actor.CHIEF_EXECUTIVE: "the Chief Executive",
            Actor.CHIEF: "the chief involved",
            Actor.SPOC: "the Election SPOC",
        }
        raise BookingError(_("This step is for %(actor)s.") % {"actor": names[actor]})
    if new in (Status.DECLINED, Status.CANCELLED) and not facts.reason.strip():
        raise BookingError(_("Give the reason: it is recorded and sent to the candidate."))
    approving = current == Status.PREPARED and new == Status.APPROVED
    if approving and facts.actor_prepared_it:
        raise BookingError(
            _("You prepared this booking: the Chief Executive decides it, not its author.")
        )
    if approving and facts.chief != Chief.NONE and not facts.chief_role_filled:
        raise BookingError(
            _(
                "Nobody holds the role of the chief who must confirm this: give an account that "
                "role first, so the booking does not wait for no one."
            )
        )
    if approving and facts.parity_gap and not facts.parity_acknowledged:
        raise BookingError(
            _(
                "This has not been offered to every declared candidate. Confirm that the same "
                "will be offered to all of them (Norfolk protocol 19) to approve it."
            )
        )
    if new == Status.SCHEDULED and not facts.has_schedule:
        raise BookingError(_("Give the date, time, place and host."))
    if new == Status.HELD and not facts.has_notes:
        raise BookingError(_("Record the notes of the meeting: they are published (Cumbria 8.3)."))


def parity_gap(declared: Collection[int], offered: Collection[int]) -> set[int]:
    """Return the declared candidates to whom an item has not been offered (Norfolk 19)."""
    return set(declared) - set(offered)


def calendar_link_works(issued_at: datetime, now: datetime, max_age: timedelta) -> bool:
    """Return True while a calendar feed link made at `issued_at` still works at `now`: for
    `max_age` (a year: a link leaked in a shared calendar stops on its own)."""
    return issued_at <= now < issued_at + max_age


# --- briefing material (issue 13) -------------------------------------------------------------


@dataclass(frozen=True)
class MaterialApprovalFacts:
    approver_prepared_it: bool
    approver_may_approve: bool
    in_pre_election_period: bool
    factual_check: str
    has_content: bool


def check_material_approval(facts: MaterialApprovalFacts) -> None:
    """Raise BookingError unless the material may be approved and published now.

    - a second person approves: never whoever prepared or last changed it (the four eyes the
      register's answers have, Cumbria 6.1.3);
    - only the Chief Executive or a named deputy approves;
    - in the pre-election period, a recorded factual check: the website must contain only
      factual information and nothing that promotes the office (Cumbria 11.2-11.3;
      Cleveland 8.2);
    - a material is a file or a link.
    """
    if not facts.approver_may_approve:
        raise BookingError(_("Only the Chief Executive or a named deputy approves material."))
    if facts.approver_prepared_it:
        raise BookingError(
            _("You prepared or last changed this material: someone else must approve it.")
        )
    if not facts.has_content:
        raise BookingError(_("Add the file or the link before approving."))
    if facts.in_pre_election_period and not facts.factual_check.strip():
        raise BookingError(
            _(
                "We are in the pre-election period: record the factual check (only factual "
                "information, nothing promoting the office; Cumbria 11.2-11.3) before "
                "approving."
            )
        )


# Meetings and visits held without the office, recorded afterwards (issue 13, item 3): the
# Chief Constable "can meet candidates personally without the prior agreement of the OPCC and
# will note such meetings" (Cleveland 7.4); station visits the chief's office facilitated are
# "recorded locally" (Cleveland 4.2). Each service records its own; the SPOC records any.
RECORDABLE_BY_SERVICE: dict[Chief, frozenset[Kind]] = {
    Chief.CHIEF_CONSTABLE: frozenset({Kind.MEETING_CHIEF_CONSTABLE, Kind.VISIT}),
    Chief.CHIEF_FIRE_OFFICER: frozenset({Kind.MEETING_CHIEF_FIRE_OFFICER, Kind.VISIT}),
}
RECORDABLE_BY_SPOC = frozenset(MEETINGS | {Kind.VISIT})


def check_held_record(
    kind: Kind,
    *,
    services: Collection[Chief],
    is_spoc: bool,
    visit_chief: Chief | None,
    held_at: datetime,
    now: datetime,
    notes: str,
) -> None:
    """Raise BookingError unless this person may record a meeting or visit of `kind` already
    held: the SPOC any meeting or visit; a chief or liaison one of their own service (a visit to
    their own service's premises). It must be in the past and have its notes (Cumbria 8.3:
    notes are taken and published). Hustings are never recorded as held (Norfolk 20)."""
    kind = Kind(kind)
    if kind == Kind.HUSTINGS:
        raise BookingError(
            _("Hustings and campaign events are not attended (Norfolk protocol 20).")
        )
    allowed = set(RECORDABLE_BY_SPOC) if is_spoc else set()
    for chief in services:
        allowed |= RECORDABLE_BY_SERVICE.get(Chief(chief), frozenset())
    if kind not in allowed:
        raise BookingError(_("You can record only a meeting or visit of your own service."))
    if kind == Kind.VISIT and not is_spoc and visit_chief not in set(services):
        raise BookingError(_("You can record only a visit to your own service's premises."))
    if held_at > now:
        raise BookingError(_("Record it once it has been held: the date is in the future."))
    if not notes.strip():
        raise BookingError(_("Record the notes of the meeting: they are published (Cumbria 8.3)."))
