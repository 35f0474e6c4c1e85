from datetime import datetime

import pytest

from candidates.rules import (
    CORRECTIONS,
    TRANSITIONS,
    Status,
    TransitionContext,
    TransitionError,
    allowed_next,
    blocks_staff_access,
    check_staff_link,
    check_transition,
    is_correction,
    normalise_name,
    treated_as_candidate,
)
from election_protocol.calendar import LONDON

# Poll 2 May 2024: nominations closed Fri 5 Apr 2024 16:00; the poll closed 22:00 on 2 May.
CLOSE = datetime(2024, 4, 5, 16, 0, tzinfo=LONDON)
POLL_CLOSES = datetime(2024, 5, 2, 22, 0, tzinfo=LONDON)
AFTER_POLL = datetime(2024, 5, 3, 9, 0, tzinfo=LONDON)


def ctx(at: datetime, another_elected: bool = False) -> TransitionContext:
    return TransitionContext(at, CLOSE, POLL_CLOSES, another_elected)


BEFORE_CLOSE = datetime(2024, 4, 1, 9, 0, tzinfo=LONDON)


def _moment_for(current: Status) -> datetime:
    # Timing rules aside: a withdrawn candidate can come back only while nominations are open.
    return BEFORE_CLOSE if current == Status.WITHDRAWN else AFTER_POLL


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        (c, n, n in TRANSITIONS[c])
        for c in Status
        for n in Status
        if c != n and n not in CORRECTIONS[c]
    ],
)
def test_transition_table_is_enforced(current, new, allowed):
    if allowed:
        check_transition(current, new, ctx(_moment_for(current)))
    else:
        with pytest.raises(TransitionError, match="cannot become"):
            check_transition(current, new, ctx(_moment_for(current)))


@pytest.mark.parametrize(("current", "new"), [(c, n) for c in Status for n in CORRECTIONS[c]])
def test_corrections_need_the_right_and_a_note(current, new):
    with pytest.raises(TransitionError, match="Only the Chief Executive"):
        check_transition(current, new, ctx(AFTER_POLL))
    with pytest.raises(TransitionError, match="needs a reason"):
        check_transition(
            current,
            new,
            TransitionContext(AFTER_POLL, CLOSE, POLL_CLOSES, may_correct=True, note=" "),
        )
    check_transition(
        current,
        new,
        TransitionContext(AFTER_POLL, CLOSE, POLL_CLOSES, may_correct=True, note="Wrong row"),
    )
    assert is_correction(current, new)


def test_the_corrections_are_exactly_these():
    assert {(c, n) for c in Status for n in CORRECTIONS[c]} == {
        (Status.DECLARED, Status.PROSPECTIVE),
        (Status.ELECTED, Status.DECLARED),
        (Status.NOT_ELECTED, Status.DECLARED),
    }
    assert allowed_next(Status.ELECTED) == []
    assert allowed_next(Status.ELECTED, may_correct=True) == [Status.DECLARED]


def test_a_withdrawn_candidate_cannot_return_after_nominations_close():
    with pytest.raises(TransitionError, match="Nominations have closed"):
        check_transition(Status.WITHDRAWN, Status.PROSPECTIVE, ctx(CLOSE))
    check_transition(
        Status.WITHDRAWN, Status.PROSPECTIVE, ctx(datetime(2024, 4, 5, 15, 59, tzinfo=LONDON))
    )


TAKES_OFFICE = datetime(2024, 5, 9, 0, 0, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("status", "at", "blocked"),
    [
        (Status.PROSPECTIVE, BEFORE_CLOSE, True),
        (Status.DECLARED, AFTER_POLL, True),
        (Status.NOT_ELECTED, datetime(2024, 5, 8, 23, 59, tzinfo=LONDON), True),
        (Status.ELECTED, TAKES_OFFICE, False),  # the election is over
        (Status.DECLARED, TAKES_OFFICE, False),
        (Status.WITHDRAWN, BEFORE_CLOSE, True),  # could still announce again
        (Status.WITHDRAWN, CLOSE, False),
    ],
)
def test_blocks_staff_access(status, at, blocked):
    assert blocks_staff_access(status, at, CLOSE, TAKES_OFFICE) is blocked


def test_check_staff_link():
    check_staff_link("commissioner", 7)
    check_staff_link("", None)
    with pytest.raises(ValueError, match="Only an incumbent"):
        check_staff_link("", 7)


def test_the_transition_table_is_what_the_law_allows():
    assert allowed_next(Status.PROSPECTIVE) == [Status.DECLARED, Status.WITHDRAWN]
    assert allowed_next(Status.DECLARED) == [Status.ELECTED, Status.NOT_ELECTED]
    assert allowed_next(Status.WITHDRAWN) == [Status.PROSPECTIVE]
    assert allowed_next(Status.ELECTED) == []


def test_same_status_is_refused_with_a_message():
    with pytest.raises(TransitionError, match="already declared"):
        check_transition(Status.DECLARED, Status.DECLARED, ctx(AFTER_POLL))


def test_declared_only_from_the_close_of_nominations():
    with pytest.raises(TransitionError, match="close of nominations"):
        check_transition(
            Status.PROSPECTIVE, Status.DECLARED, ctx(datetime(2024, 4, 5, 15, 59, tzinfo=LONDON))
        )
    check_transition(Status.PROSPECTIVE, Status.DECLARED, ctx(CLOSE))


def test_result_only_after_the_poll_closes():
    for result in (Status.ELECTED, Status.NOT_ELECTED):
        with pytest.raises(TransitionError, match="after the poll closes"):
            check_transition(
                Status.DECLARED, result, ctx(datetime(2024, 5, 2, 21, 59, tzinfo=LONDON))
            )
        check_transition(Status.DECLARED, result, ctx(POLL_CLOSES))


def test_only_one_candidate_elected():
    with pytest.raises(TransitionError, match="already recorded as elected"):
        check_transition(Status.DECLARED, Status.ELECTED, ctx(AFTER_POLL, another_elected=True))
    check_transition(Status.DECLARED, Status.NOT_ELECTED, ctx(AFTER_POLL, another_elected=True))


@pytest.mark.parametrize(
    ("status", "undeclared_as_candidates", "expected"),
    [
        (Status.PROSPECTIVE, False, False),  # Cumbria 1.1, 6.1.1: a member of the public
        (Status.PROSPECTIVE, True, True),  # Norfolk 6: prospective candidates are candidates
        (Status.DECLARED, False, True),
        (Status.DECLARED, True, True),
        (Status.WITHDRAWN, True, False),
        (Status.ELECTED, False, True),
        (Status.NOT_ELECTED, False, True),
    ],
)
def test_treated_as_candidate(status, undeclared_as_candidates, expected):
    assert treated_as_candidate(status, undeclared_as_candidates) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Zoë  O'Brien-SMITH ", "zoe o brien smith"),
        ("ÉMILE dupont", "emile dupont"),
        ("A.  B.", "a b"),
    ],
)
def test_normalise_name(raw, expected):
    assert normalise_name(raw) == expected
