"""Incidents and decisions of the pre-election period: pure rules (no ORM, no clock).

Seven kinds, each with the person the protocols name to decide it and the criteria the decision
is recorded against. The caller passes every fact and every moment; nothing here reads the
database or the time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from election_protocol.calendar import LONDON, WorkingDays


class IncidentError(ValueError):
    """A step the rules refuse; the message says what to do instead."""


# Consultees recorded elsewhere: the PARO is consulted through the PARO panel on the incident's
# page (paro app, issue 13 item 4), the one record of every dealing with the PARO, so a
# consultation with the PARO is never recorded twice (issue 17's review: two records of one
# thing).
CONSULTED_ELSEWHERE = frozenset({"paro"})


def check_consultee(consultee: str) -> None:
    """Refuse a consultee whose consultations have a record of their own (Cumbria 7.1: the PARO
    and the Chief Constable see a response first; the PARO's is recorded with the PARO panel)."""
    if consultee in CONSULTED_ELSEWHERE:
        raise IncidentError(
            _(
                'Record a consultation with the PARO in the "Consultations with the PARO" '
                "section of this page: every dealing with the PARO is kept there."
            )
        )


class Kind(StrEnum):
    IMAGERY = "imagery"
    FACTUAL = "factual"
    SOCIAL_MEDIA = "social_media"
    BREACH = "breach"
    CONDUCT = "conduct"
    ANNOUNCEMENT = "announcement"
    INCUMBENT = "incumbent"


KIND_LABELS = {
    Kind.IMAGERY: _("Imagery or livery used in campaigning"),
    Kind.FACTUAL: _("Factually incorrect claim"),
    Kind.SOCIAL_MEDIA: _("Social-media moderation"),
    Kind.BREACH: _("Complaint that the protocol was breached"),
    Kind.CONDUCT: _("Concern about a candidate's conduct"),
    Kind.ANNOUNCEMENT: _("Announcement in the pre-election period"),
    Kind.INCUMBENT: _("Dealings with the incumbent"),
}

# The clauses each kind comes from, shown on its page and cited in its letters.
KIND_CLAUSES = {
    Kind.IMAGERY: "Cumbria 10.1; Avon and Somerset 11.1; Norfolk 22",
    Kind.FACTUAL: "Cumbria 7.1.2-7.1.3; Avon and Somerset 7.1.1; Cleveland 3.1; Norfolk 24",
    Kind.SOCIAL_MEDIA: "Cumbria 7.2.1-7.2.3; Cleveland 3.1",
    Kind.BREACH: "Cumbria 3.3.1; Norfolk 19",
    Kind.CONDUCT: "Cumbria 1.3; Avon and Somerset 1.3",
    Kind.ANNOUNCEMENT: "Cumbria 11.1; Cleveland 8.2",
    Kind.INCUMBENT: "Norfolk 14-16; Cumbria 3.4.3, 11.5",
}


class Status(StrEnum):
    RECORDED = "recorded"
    AWAITING_DECISION = "awaiting_decision"
    AWAITING_GUIDANCE = "awaiting_guidance"
    DECIDED = "decided"
    CLOSED = "closed"


STATUS_LABELS = {
    Status.RECORDED: _("Recorded"),
    Status.AWAITING_DECISION: _("Awaiting decision"),
    Status.AWAITING_GUIDANCE: _("Referred to the PARO"),
    Status.DECIDED: _("Decided"),
    Status.CLOSED: _("Closed"),
}

OPEN = frozenset({Status.RECORDED, Status.AWAITING_DECISION, Status.AWAITING_GUIDANCE})

# The one table of moves. Which kinds may take which move is in `check_step`.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.RECORDED: frozenset(
        {Status.AWAITING_DECISION, Status.AWAITING_GUIDANCE, Status.DECIDED, Status.CLOSED}
    ),
    Status.AWAITING_DECISION: frozenset({Status.DECIDED, Status.RECORDED, Status.CLOSED}),
    Status.AWAITING_GUIDANCE: frozenset({Status.DECIDED, Status.CLOSED}),
    Status.DECIDED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


class Service(StrEnum):
    """Whose business it is: the office, the police or the fire and rescue service."""

    OFFICE = "office"
    POLICE = "police"
    FIRE = "fire"


SERVICE_LABELS = {
    Service.OFFICE: _("The commissioner's office"),
    Service.POLICE: _("The police force"),
    Service.FIRE: _("The fire and rescue service"),
}


class Actor(StrEnum):
    SPOC = "spoc"
    CHIEF_EXECUTIVE = "chief_executive"
    CHIEF_CONSTABLE = "chief_constable"
    CHIEF_FIRE_OFFICER = "chief_fire_officer"


ACTOR_LABELS = {
    Actor.SPOC: _("the Election SPOC"),
    Actor.CHIEF_EXECUTIVE: _("the Chief Executive"),
    Actor.CHIEF_CONSTABLE: _("the Chief Constable"),
    Actor.CHIEF_FIRE_OFFICER: _("the Chief Fire Officer"),
}

_CHIEF_OF = {
    Service.OFFICE: Actor.CHIEF_EXECUTIVE,
    Service.POLICE: Actor.CHIEF_CONSTABLE,
    Service.FIRE: Actor.CHIEF_FIRE_OFFICER,
}


def decider_for(kind: Kind, service: Service) -> Actor:
    """Return who decides an incident of `kind` about `service`'s business.

    - Imagery: the Chief Executive, or the Chief Constable / Chief Fire Officer for their own
      service's imagery (Cumbria 10.1; Avon and Somerset 11.1; Norfolk 22).
    - Announcements: each body decides its own (Cumbria 11.1: "the Commissioner's Office,
      Police, and FRS should avoid making ... major policy decisions").
    - Factual claims: the Chief Executive approves the response (Avon and Somerset 7.1.1; in
      Cleveland the Deputy Monitoring Officer: the election's approval deputies).
    - Breach complaints and dealings with the incumbent: the Chief Executive (Norfolk 14-15).
    - Social media and conduct concerns: the SPOC records the removal (Cumbria 7.2.3: staff
      delete and explain) and the PARO's guidance (Avon and Somerset 1.3: the PARO decides).
    """
    if kind in (Kind.IMAGERY, Kind.ANNOUNCEMENT):
        return _CHIEF_OF[service]
    if kind in (Kind.SOCIAL_MEDIA, Kind.CONDUCT):
        return Actor.SPOC
    return Actor.CHIEF_EXECUTIVE


# --- decisions ---------------------------------------------------------------------------------

DECISIONS: dict[Kind, dict[str, object]] = {
    Kind.IMAGERY: {
        "request_removal": _("Ask the candidate to remove or withdraw the material"),
        "no_action": _("No action"),
    },
    Kind.FACTUAL: {
        "publish_statement": _("Approve the statement and publish it"),
        "no_response": _("No response"),
    },
    Kind.SOCIAL_MEDIA: {
        "removal_stands": _("The removal stands"),
        "reinstated": _("Reinstated: it was not politically controversial"),
    },
    Kind.BREACH: {
        "upheld": _("Upheld"),
        "not_upheld": _("Not upheld"),
    },
    Kind.CONDUCT: {
        "action_taken": _("The PARO's guidance followed"),
        "no_further_action": _("No further action"),
    },
    Kind.ANNOUNCEMENT: {
        "make": _("Make the announcement"),
        "delay": _("Delay it until after the poll"),
        "not_make": _("Do not make it"),
    },
    Kind.INCUMBENT: {
        "statutory_business": _("Statutory business: no breach"),
        "breach_referred": _("A breach: referred as a conduct matter"),
    },
}

# The four considerations of Cumbria 10.1 (and Norfolk 22), in the clause's order.
IMAGERY_CONSIDERATIONS = {
    "profile": _("The profile of the image"),
    "message": _("The message given"),
    "publication": _("The degree of publication already achieved"),
    "damage": _("The likely reputational damage and effect on confidence in policing or fire"),
}


class Classification(StrEnum):
    FACTUAL_INACCURACY = "inaccuracy"
    INTERPRETATION = "interpretation"


CLASSIFICATION_LABELS = {
    Classification.FACTUAL_INACCURACY: _(
        "A factual inaccuracy: a response may be appropriate (Cumbria 7.1.2)"
    ),
    Classification.INTERPRETATION: _("An interpretation of facts: no response (Cumbria 7.1.3)"),
}

INTERPRETATION_NO_RESPONSE = _(
    "A claim based on someone's interpretation of facts or circumstances gets no response "
    "(Cumbria protocol 7.1.3)."
)

# Kinds whose decision is sent to the candidate (and agent) as a tagged PDF letter.
LETTER_DECISIONS = {(Kind.IMAGERY, "request_removal"), (Kind.BREACH, "upheld")}


def needs_letter(kind: Kind, decision: str) -> bool:
    """Return True if the decision is sent as a letter: a request to remove imagery (Cumbria
    10.1) and every answer to a breach complaint (answered in writing)."""
    return (kind, decision) in LETTER_DECISIONS or kind == Kind.BREACH


# --- targets -----------------------------------------------------------------------------------


class Unit(StrEnum):
    HOURS = "hours"
    WORKING_DAYS = "working_days"


UNIT_LABELS = {Unit.HOURS: _("hours"), Unit.WORKING_DAYS: _("working days")}


@dataclass(frozen=True)
class Target:
    amount: int
    unit: Unit


# Defaults until the office sets its own per election: incidents are urgent (issue 12).
DEFAULT_TARGETS = {
    Kind.IMAGERY: Target(24, Unit.HOURS),
    Kind.FACTUAL: Target(24, Unit.HOURS),
    Kind.SOCIAL_MEDIA: Target(4, Unit.HOURS),
    Kind.BREACH: Target(5, Unit.WORKING_DAYS),
    Kind.CONDUCT: Target(1, Unit.WORKING_DAYS),
    Kind.ANNOUNCEMENT: Target(2, Unit.WORKING_DAYS),
    Kind.INCUMBENT: Target(2, Unit.WORKING_DAYS),
}

DUE_SOON = timedelta(hours=24)


def due_at(raised_at: datetime, target: Target, calendar: WorkingDays) -> datetime:
    """Return when an incident raised at `raised_at` must be decided.

    Hours run round the clock (an image on a leaflet does not wait for Monday); working days
    end at 5pm on the n-th office working day after the day it was raised (the office's own
    calendar: weekends, bank holidays, closures).
    """
    if target.amount < 1:
        raise ValueError("A target must be at least 1.")
    if target.unit == Unit.HOURS:
        return raised_at + timedelta(hours=target.amount)
    day = calendar.add(raised_at.astimezone(LONDON).date(), target.amount)
    return datetime.combine(day, datetime.min.time(), LONDON).replace(hour=17)


def deadline_state(status: Status, due: datetime, now: datetime) -> str:
    """Return "overdue", "due_soon" or "" for an incident (closed or decided: "")."""
    if status not in OPEN:
        return ""
    if due < now:
        return "overdue"
    if due <= now + DUE_SOON:
        return "due_soon"
    return ""


# --- one step ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepFacts:
    """Everything `check_step` needs, read by the caller."""

    kind: Kind
    status: Status
    service: Service
    actors: frozenset[Actor]
    decision: str = ""
    reasons: str = ""
    considerations: dict[str, str] = field(default_factory=dict)
    classification: str = ""
    statement_text: str = ""
    guidance: str = ""
    delay_effect: str = ""
    outcome: str = ""
    actor_drafted_statement: bool = False
    referral_to: str = ""
    letter_recipient_known: bool = True


def who_acts(kind: Kind, service: Service, old: Status, new: Status) -> Actor:
    """Return who takes the move `old` -> `new`: the decider decides, the SPOC does the rest."""
    if new == Status.DECIDED:
        return decider_for(kind, service)
    return Actor.SPOC


def decidable_from(kind: Kind) -> frozenset[Status]:
    """Return the statuses an incident of `kind` may be decided from.

    A conduct concern once the PARO's guidance is back (Avon and Somerset 1.3); a social-media
    removal straight away, since the SPOC who records it also confirms it (Cumbria 7.2.3);
    everything else once put to its decider.
    """
    if kind == Kind.CONDUCT:
        return frozenset({Status.AWAITING_GUIDANCE})
    if kind == Kind.SOCIAL_MEDIA:
        return frozenset({Status.RECORDED, Status.AWAITING_DECISION})
    return frozenset({Status.AWAITING_DECISION})


def allowed_moves(kind: Kind, old: Status) -> list[Status]:
    """Return the moves open to an incident of `kind` at `old`, in the table's order.

    A conduct concern goes to the PARO (awaiting guidance), never to a decider of the office
    (Avon and Somerset 1.3); every other kind goes to its decider.
    """
    moves = []
    for new in (
        Status.AWAITING_DECISION,
        Status.AWAITING_GUIDANCE,
        Status.DECIDED,
        Status.RECORDED,
        Status.CLOSED,
    ):
        if new not in TRANSITIONS[old]:
            continue
        if new == Status.AWAITING_GUIDANCE and kind != Kind.CONDUCT:
            continue
        if new == Status.AWAITING_DECISION and kind == Kind.CONDUCT:
            continue
        if new == Status.DECIDED and old not in decidable_from(kind):
            continue
        moves.append(new)
    return moves


def _required(text: str, message) -> None:
    if not text.strip():
        raise IncidentError(message)


def check_step(new: Status, facts: StepFacts) -> None:
    """Raise IncidentError unless `facts.actors` may move the incident to `new` now.

    - The table (TRANSITIONS, allowed_moves), and who acts (who_acts): the decider decides,
      the SPOC (or the Chief Executive, who manages too) moves everything else.
    - Deciding: a decision the kind knows, with reasons; imagery with an assessment of each
      of the four considerations of Cumbria 10.1; a factual claim classified as an
      interpretation gets no response (Cumbria 7.1.3) and a statement needs its text and is
      never approved by whoever drafted it; an announcement weighs the effect of delaying
      (Cumbria 11.1); a conduct concern records the PARO's guidance (Avon and Somerset 1.3).
    - Putting a factual claim to the decider needs its classification; a conduct concern is
      referred to the PARO with an address to send the referral to.
    - Closing: what was done.
    """
    if new not in allowed_moves(facts.kind, facts.status):
        raise IncidentError(
            _("An incident that is “%(old)s” cannot become “%(new)s”.")
            % {"old": STATUS_LABELS[facts.status], "new": STATUS_LABELS[new]}
        )
    actor = who_acts(facts.kind, facts.service, facts.status, new)
    if actor not in facts.actors:
        raise IncidentError(_("Only %(actor)s may do this.") % {"actor": ACTOR_LABELS[actor]})
    kind = facts.kind
    if (
        new == Status.AWAITING_DECISION
        and kind == Kind.FACTUAL
        and facts.classification not in {c.value for c in Classification}
    ):
        raise IncidentError(
            _("Say whether the claim is a factual inaccuracy or an interpretation.")
        )
    if new == Status.AWAITING_GUIDANCE:
        _required(facts.referral_to, _("The PARO has no e-mail address: add it to the election."))
        _required(facts.reasons, _("Describe the concern for the PARO."))
    if new == Status.DECIDED:
        if facts.decision not in DECISIONS[kind]:
            raise IncidentError(_("Choose a decision."))
        if kind == Kind.IMAGERY:
            missing = [
                str(label)
                for key, label in IMAGERY_CONSIDERATIONS.items()
                if not facts.considerations.get(key, "").strip()
            ]
            if missing:
                raise IncidentError(
                    _("Give a short assessment of each consideration (Cumbria 10.1): %(missing)s.")
                    % {"missing": "; ".join(missing)}
                )
        if kind == Kind.FACTUAL:
            if (
                facts.classification == Classification.INTERPRETATION
                and facts.decision != "no_response"
            ):
                raise IncidentError(INTERPRETATION_NO_RESPONSE)
            if facts.decision == "publish_statement":
                _required(facts.statement_text, _("The statement to publish is empty."))
                if facts.actor_drafted_statement:
                    raise IncidentError(
                        _(
                            "You drafted this statement: the Chief Executive or one of their "
                            "deputies approves it."
                        )
                    )
        if kind == Kind.ANNOUNCEMENT:
            _required(facts.delay_effect, _("Say what the effect of delaying would be."))
        if kind == Kind.CONDUCT:
            _required(facts.guidance, _("Record the PARO's guidance."))
        if needs_letter(kind, facts.decision) and not facts.letter_recipient_known:
            raise IncidentError(
                _("The letter cannot be sent: no e-mail address to send it to. Add one first.")
            )
        _required(facts.reasons, _("Give the reasons for the decision."))
    if new == Status.CLOSED:
        _required(facts.outcome, _("Say what was done (or why it is closed)."))
    if new == Status.RECORDED:
        _required(facts.reasons, _("Say why it goes back."))
