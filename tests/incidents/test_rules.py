"""The pure rules of incidents, by table. Reference election: poll 2 May 2024."""

from datetime import datetime

import pytest

from election_protocol.calendar import LONDON, WorkingDays
from incidents import rules
from incidents.rules import Actor, Kind, Service, Status

SPOC = frozenset({Actor.SPOC})
CE = frozenset({Actor.CHIEF_EXECUTIVE})
CC = frozenset({Actor.CHIEF_CONSTABLE})
FOUR = {"profile": "High", "message": "Endorsement", "publication": "Wide", "damage": "High"}


@pytest.mark.parametrize(
    ("kind", "service", "decider"),
    [
        (Kind.IMAGERY, Service.OFFICE, Actor.CHIEF_EXECUTIVE),
        (Kind.IMAGERY, Service.POLICE, Actor.CHIEF_CONSTABLE),
        (Kind.IMAGERY, Service.FIRE, Actor.CHIEF_FIRE_OFFICER),
        (Kind.ANNOUNCEMENT, Service.FIRE, Actor.CHIEF_FIRE_OFFICER),
        (Kind.FACTUAL, Service.POLICE, Actor.CHIEF_EXECUTIVE),
        (Kind.BREACH, Service.OFFICE, Actor.CHIEF_EXECUTIVE),
        (Kind.INCUMBENT, Service.OFFICE, Actor.CHIEF_EXECUTIVE),
        (Kind.SOCIAL_MEDIA, Service.POLICE, Actor.SPOC),
        (Kind.CONDUCT, Service.POLICE, Actor.SPOC),
    ],
)
def test_decider_is_the_person_the_protocol_names(kind, service, decider):
    assert rules.decider_for(kind, service) == decider


def _facts(kind=Kind.IMAGERY, status=Status.AWAITING_DECISION, actors=CC, **kw):
    kw.setdefault("service", Service.POLICE)
    return rules.StepFacts(kind=kind, status=status, actors=actors, **kw)


def test_imagery_decision_needs_all_four_considerations():
    with pytest.raises(rules.IncidentError, match="degree of publication"):
        rules.check_step(
            Status.DECIDED,
            _facts(
                decision="request_removal",
                reasons="Endorsement.",
                considerations={**FOUR, "publication": " "},
            ),
        )
    rules.check_step(
        Status.DECIDED,
        _facts(decision="request_removal", reasons="Endorsement.", considerations=FOUR),
    )


def test_imagery_of_the_police_is_not_decided_by_the_chief_executive():
    with pytest.raises(rules.IncidentError, match="Only the Chief Constable"):
        rules.check_step(
            Status.DECIDED,
            _facts(actors=CE, decision="no_action", reasons="x", considerations=FOUR),
        )


def test_an_interpretation_gets_no_response():
    facts = _facts(
        kind=Kind.FACTUAL,
        actors=CE,
        classification="interpretation",
        decision="publish_statement",
        reasons="x",
        statement_text="A statement.",
    )
    with pytest.raises(rules.IncidentError, match=r"7\.1\.3"):
        rules.check_step(Status.DECIDED, facts)


def test_the_drafter_of_a_statement_cannot_approve_it():
    facts = _facts(
        kind=Kind.FACTUAL,
        actors=CE | SPOC,
        classification="inaccuracy",
        decision="publish_statement",
        reasons="x",
        statement_text="A statement.",
        actor_drafted_statement=True,
    )
    with pytest.raises(rules.IncidentError, match="You drafted this statement"):
        rules.check_step(Status.DECIDED, facts)


def test_a_factual_claim_goes_to_the_decider_only_once_classified():
    with pytest.raises(rules.IncidentError, match="interpretation"):
        rules.check_step(
            Status.AWAITING_DECISION, _facts(kind=Kind.FACTUAL, status=Status.RECORDED, actors=SPOC)
        )


@pytest.mark.parametrize(
    ("kind", "extra", "message"),
    [
        (Kind.ANNOUNCEMENT, {"decision": "delay"}, "effect of delaying"),
        (Kind.CONDUCT, {"decision": "action_taken"}, "PARO's guidance"),
        (Kind.BREACH, {"decision": "upheld", "letter_recipient_known": False}, "no e-mail"),
        (Kind.INCUMBENT, {"decision": "statutory_business"}, "reasons"),
    ],
)
def test_each_kind_needs_its_own_criteria(kind, extra, message):
    status = Status.AWAITING_GUIDANCE if kind == Kind.CONDUCT else Status.AWAITING_DECISION
    actors = SPOC | CE | CC | {Actor.CHIEF_FIRE_OFFICER}
    with pytest.raises(rules.IncidentError, match=message):
        rules.check_step(Status.DECIDED, _facts(kind=kind, status=status, actors=actors, **extra))


def test_a_conduct_concern_goes_to_the_paro_not_to_a_decider():
    assert rules.allowed_moves(Kind.CONDUCT, Status.RECORDED) == [
        Status.AWAITING_GUIDANCE,
        Status.CLOSED,
    ]
    assert Status.AWAITING_GUIDANCE not in rules.allowed_moves(Kind.IMAGERY, Status.RECORDED)


def test_closing_needs_what_was_done():
    with pytest.raises(rules.IncidentError, match="what was done"):
        rules.check_step(Status.CLOSED, _facts(status=Status.DECIDED, actors=SPOC))


def test_hour_targets_run_round_the_clock_and_day_targets_skip_the_weekend():
    calendar = WorkingDays.for_election_timetable()
    friday = datetime(2024, 4, 26, 16, 0, tzinfo=LONDON)
    assert rules.due_at(friday, rules.Target(24, rules.Unit.HOURS), calendar) == datetime(
        2024, 4, 27, 16, 0, tzinfo=LONDON
    )
    # Monday 6 May 2024 is the early May bank holiday: the next working day is Tuesday.
    assert rules.due_at(friday, rules.Target(1, rules.Unit.WORKING_DAYS), calendar) == datetime(
        2024, 4, 29, 17, 0, tzinfo=LONDON
    )
    thursday = datetime(2024, 5, 2, 12, 0, tzinfo=LONDON)
    assert rules.due_at(thursday, rules.Target(2, rules.Unit.WORKING_DAYS), calendar) == datetime(
        2024, 5, 7, 17, 0, tzinfo=LONDON
    )


@pytest.mark.parametrize(
    ("status", "hours_left", "state"),
    [
        (Status.RECORDED, -1, "overdue"),
        (Status.AWAITING_DECISION, 3, "due_soon"),
        (Status.RECORDED, 30, ""),
        (Status.DECIDED, -5, ""),
    ],
)
def test_deadline_state(status, hours_left, state):
    from datetime import timedelta

    now = datetime(2024, 4, 26, 12, 0, tzinfo=LONDON)
    assert rules.deadline_state(status, now + timedelta(hours=hours_left), now) == state
