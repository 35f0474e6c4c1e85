from datetime import datetime

import pytest

from candidates.rules import (
    TRANSITIONS,
    Status,
    TransitionContext,
    TransitionError,
    allowed_next,
    check_transition,
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


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [(c, n, n in TRANSITIONS[c]) for c in Status for n in Status if c != n],
)
def test_transition_table_is_enforced_after_the_poll(current, new, allowed):
    if allowed:
        check_transition(current, new, ctx(AFTER_POLL))
    else:
        with pytest.raises(TransitionError, match="cannot become"):
            check_transition(current, new, ctx(AFTER_POLL))


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
