import pytest

from briefings.rules import (
    MEETINGS,
    TRANSITIONS,
    Actor,
    BookingError,
    Chief,
    Kind,
    RequestFacts,
    Status,
    StepFacts,
    check_request,
    check_step,
    chief_for,
    next_after_approval,
    parity_gap,
    who_acts,
)


def request(
    kind=Kind.MEETING_CHIEF_CONSTABLE, declared=True, questions="Rural crime?", checked=True
):
    return RequestFacts(kind, declared, questions, checked)


def test_hustings_are_refused_naming_the_rule():
    with pytest.raises(BookingError, match="Norfolk protocol 20"):
        check_request(request(kind=Kind.HUSTINGS))


@pytest.mark.parametrize("kind", sorted(MEETINGS))
def test_meetings_only_for_declared_candidates_with_questions_and_the_check(kind):
    check_request(request(kind=kind))
    with pytest.raises(BookingError, match=r"formally declared.*Cumbria protocol 8\.3"):
        check_request(request(kind=kind, declared=False))
    with pytest.raises(BookingError, match="questions in advance"):
        check_request(request(kind=kind, questions="  "))
    with pytest.raises(BookingError, match="not already in published material"):
        check_request(request(kind=kind, checked=False))


def test_visits_are_not_refused_by_rule_but_decided_by_the_chief_executive():
    check_request(request(kind=Kind.VISIT, declared=False, questions="", checked=False))
    assert (
        who_acts(Status.PREPARED, Status.APPROVED, Chief.CHIEF_CONSTABLE) == Actor.CHIEF_EXECUTIVE
    )


@pytest.mark.parametrize(
    ("kind", "visit_chief", "expected"),
    [
        (Kind.MEETING_CHIEF_EXECUTIVE, Chief.NONE, Chief.NONE),
        (Kind.MEETING_CHIEF_CONSTABLE, Chief.NONE, Chief.CHIEF_CONSTABLE),
        (Kind.MEETING_CHIEF_FIRE_OFFICER, Chief.NONE, Chief.CHIEF_FIRE_OFFICER),
        (Kind.VISIT, Chief.CHIEF_FIRE_OFFICER, Chief.CHIEF_FIRE_OFFICER),
        (Kind.VISIT, Chief.NONE, Chief.NONE),
    ],
)
def test_chief_for(kind, visit_chief, expected):
    assert chief_for(kind, visit_chief) == expected


def test_approval_goes_to_the_chief_or_straight_on():
    assert next_after_approval(Chief.CHIEF_CONSTABLE) == Status.APPROVED
    assert next_after_approval(Chief.NONE) == Status.CONFIRMED


@pytest.mark.parametrize(
    ("current", "new", "chief", "actor"),
    [
        (Status.PREPARED, Status.APPROVED, Chief.CHIEF_CONSTABLE, Actor.CHIEF_EXECUTIVE),
        (Status.PREPARED, Status.DECLINED, Chief.NONE, Actor.CHIEF_EXECUTIVE),
        (Status.APPROVED, Status.CONFIRMED, Chief.CHIEF_CONSTABLE, Actor.CHIEF),
        (Status.APPROVED, Status.DECLINED, Chief.CHIEF_FIRE_OFFICER, Actor.CHIEF),
        (Status.CONFIRMED, Status.SCHEDULED, Chief.CHIEF_CONSTABLE, Actor.SPOC),
        (Status.SCHEDULED, Status.HELD, Chief.NONE, Actor.SPOC),
        (Status.PREPARED, Status.CANCELLED, Chief.NONE, Actor.SPOC),
    ],
)
def test_who_acts(current, new, chief, actor):
    assert who_acts(current, new, chief) == actor


def facts(status=Status.PREPARED, actor=frozenset({Actor.CHIEF_EXECUTIVE}), **kw):
    return StepFacts(status=status, chief=kw.pop("chief", Chief.CHIEF_CONSTABLE), actor=actor, **kw)


def test_only_the_transition_table():
    for current in Status:
        for new in Status:
            if new in TRANSITIONS[current]:
                continue
            with pytest.raises(BookingError, match="cannot become"):
                check_step(new, facts(current, frozenset(Actor)))


def test_each_step_by_its_actor():
    with pytest.raises(BookingError, match="for the Chief Executive"):
        check_step(Status.APPROVED, facts(actor=frozenset({Actor.SPOC})))
    with pytest.raises(BookingError, match="for the chief involved"):
        check_step(
            Status.CONFIRMED, facts(Status.APPROVED, frozenset({Actor.CHIEF_EXECUTIVE, Actor.SPOC}))
        )
    check_step(Status.CONFIRMED, facts(Status.APPROVED, frozenset({Actor.CHIEF})))


def test_declining_needs_a_reason():
    with pytest.raises(BookingError, match="Give the reason"):
        check_step(Status.DECLINED, facts(reason=" "))
    check_step(Status.DECLINED, facts(reason="Operational pressures"))


def test_approving_with_a_parity_gap_needs_acknowledgement_norfolk_19():
    with pytest.raises(BookingError, match="Norfolk protocol 19"):
        check_step(Status.APPROVED, facts(parity_gap=True))
    check_step(Status.APPROVED, facts(parity_gap=True, parity_acknowledged=True))
    check_step(Status.APPROVED, facts(parity_gap=False))


def test_scheduling_needs_details_and_held_needs_notes():
    spoc = frozenset({Actor.SPOC})
    with pytest.raises(BookingError, match="date, time, place and host"):
        check_step(Status.SCHEDULED, facts(Status.CONFIRMED, spoc))
    with pytest.raises(BookingError, match="notes"):
        check_step(Status.HELD, facts(Status.SCHEDULED, spoc))
    check_step(Status.HELD, facts(Status.SCHEDULED, spoc, has_notes=True))


def test_parity_gap():
    assert parity_gap({1, 2, 3}, {2}) == {1, 3}
    assert parity_gap({1}, {1, 4}) == set()
