import pytest

from requests_register.rules import (
    DONE,
    ENDINGS,
    OPEN,
    TRANSITIONS,
    Channel,
    EntryFacts,
    Status,
    TransitionError,
    check_entry_transition,
    is_reopening,
    is_return,
    needs_confirmation,
    treated_as_candidate,
)

SPOC, CE = 1, 2


def facts(status: Status, **overrides) -> EntryFacts:
    base = dict(
        status=status,
        channel=Channel.EMAIL,
        confirmed=False,
        has_requester_email=True,
        has_answer=True,
        drafted_by_id=SPOC,
        actor_id=CE,
        actor_may_approve=True,
        reason="A reason",
        material_published=True,
        original_status=Status.IN_PROGRESS,
        no_reply_reason="no_question",  # for a closure without a reply (issue 13)
    )
    base.update(overrides)
    return EntryFacts(**base)


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        (c, n, n in TRANSITIONS[c])
        for c in Status
        for n in Status
        if c != n and n != Status.AWAITING_CONFIRMATION
    ],
)
def test_transition_table_is_enforced_for_a_written_request(current, new, allowed):
    if allowed:
        check_entry_transition(new, facts(current))
    else:
        with pytest.raises(TransitionError, match="cannot become"):
            check_entry_transition(new, facts(current))


def test_the_workflow_is_the_protocol_s():
    assert (
        TRANSITIONS[Status.LOGGED]
        == {Status.AWAITING_CONFIRMATION, Status.IN_PROGRESS, Status.BOOKED, Status.CLOSED}
        | ENDINGS
    )
    assert (
        TRANSITIONS[Status.IN_PROGRESS]
        == {Status.ANSWER_DRAFTED, Status.AWAITING_CONFIRMATION, Status.BOOKED, Status.CLOSED}
        | ENDINGS
    )
    # Closed with no reply needed (issue 13).
    assert (
        TRANSITIONS[Status.AWAITING_CONFIRMATION] == {Status.IN_PROGRESS, Status.CLOSED} | ENDINGS
    )
    assert TRANSITIONS[Status.ANSWER_DRAFTED] == {Status.APPROVED, Status.IN_PROGRESS}
    assert TRANSITIONS[Status.APPROVED] == {Status.SENT, Status.IN_PROGRESS}
    assert TRANSITIONS[Status.SENT] == {Status.CLOSED, Status.IN_PROGRESS}
    assert all(
        TRANSITIONS[s] == {Status.IN_PROGRESS} for s in ENDINGS | {Status.CLOSED, Status.BOOKED}
    )
    assert set(Status) == OPEN | DONE and not OPEN & DONE


@pytest.mark.parametrize(
    ("channel", "needed"),
    [
        (Channel.PHONE, True),
        (Channel.IN_PERSON, True),
        (Channel.SOCIAL_MEDIA, True),
        (Channel.EMAIL, False),
        (Channel.LETTER, False),
        (Channel.WEB_FORM, False),
    ],
)
def test_needs_confirmation_for_requests_not_made_in_writing(channel, needed):
    assert needs_confirmation(channel) is needed


def test_a_phone_request_waits_for_written_confirmation():
    phone = dict(channel=Channel.PHONE, confirmed=False)
    with pytest.raises(TransitionError, match="send the written confirmation first"):
        check_entry_transition(Status.IN_PROGRESS, facts(Status.LOGGED, **phone))
    check_entry_transition(Status.AWAITING_CONFIRMATION, facts(Status.LOGGED, **phone))
    check_entry_transition(Status.IN_PROGRESS, facts(Status.AWAITING_CONFIRMATION, **phone))


@pytest.mark.parametrize(
    "new", [Status.REFERRED_TO_PARO, Status.REFUSED, Status.DUPLICATE, Status.ANSWERED_BY_MATERIAL]
)
def test_no_reply_before_an_oral_request_is_confirmed(new):
    with pytest.raises(TransitionError, match="until the requester has confirmed"):
        check_entry_transition(new, facts(Status.AWAITING_CONFIRMATION, channel=Channel.PHONE))
    check_entry_transition(new, facts(Status.IN_PROGRESS, channel=Channel.PHONE, confirmed=True))


def test_withdrawn_needs_no_confirmation_because_it_sends_no_reply():
    check_entry_transition(
        Status.WITHDRAWN, facts(Status.AWAITING_CONFIRMATION, channel=Channel.PHONE)
    )


@pytest.mark.parametrize("current", [Status.LOGGED, Status.IN_PROGRESS])
def test_awaiting_confirmation_only_for_unconfirmed_oral_requests(current):
    check_entry_transition(Status.AWAITING_CONFIRMATION, facts(current, channel=Channel.PHONE))
    with pytest.raises(TransitionError, match="already confirmed"):
        check_entry_transition(
            Status.AWAITING_CONFIRMATION, facts(current, channel=Channel.PHONE, confirmed=True)
        )


@pytest.mark.parametrize(
    "new", [Status.REFERRED_TO_PARO, Status.ANSWERED_BY_MATERIAL, Status.REFUSED]
)
def test_replies_that_say_something_new_are_signed_off(new):
    with pytest.raises(TransitionError, match="can sign off this reply"):
        check_entry_transition(new, facts(Status.IN_PROGRESS, actor_may_approve=False))
    check_entry_transition(new, facts(Status.IN_PROGRESS, actor_may_approve=True))
    check_entry_transition(Status.DUPLICATE, facts(Status.IN_PROGRESS, actor_may_approve=False))
    check_entry_transition(Status.WITHDRAWN, facts(Status.IN_PROGRESS, actor_may_approve=False))


@pytest.mark.parametrize("original", [Status.WITHDRAWN, Status.DUPLICATE])
def test_a_duplicate_points_at_an_entry_that_will_be_answered(original):
    with pytest.raises(TransitionError, match="itself withdrawn or a duplicate"):
        check_entry_transition(
            Status.DUPLICATE, facts(Status.IN_PROGRESS, original_status=original)
        )


def test_written_requests_are_not_confirmed():
    with pytest.raises(TransitionError, match="Only phone, in-person"):
        check_entry_transition(
            Status.AWAITING_CONFIRMATION, facts(Status.LOGGED, channel=Channel.LETTER)
        )


def test_replies_go_by_email_only():
    with pytest.raises(TransitionError, match="Replies go by e-mail only"):
        check_entry_transition(Status.SENT, facts(Status.APPROVED, has_requester_email=False))
    with pytest.raises(TransitionError, match="Replies go by e-mail only"):
        check_entry_transition(
            Status.AWAITING_CONFIRMATION,
            facts(Status.LOGGED, channel=Channel.PHONE, has_requester_email=False),
        )


def test_four_eyes_the_drafter_cannot_approve():
    with pytest.raises(TransitionError, match="someone else must approve"):
        check_entry_transition(
            Status.APPROVED, facts(Status.ANSWER_DRAFTED, drafted_by_id=CE, actor_id=CE)
        )
    check_entry_transition(
        Status.APPROVED, facts(Status.ANSWER_DRAFTED, drafted_by_id=SPOC, actor_id=CE)
    )


def test_only_an_approver_approves():
    with pytest.raises(TransitionError, match="Only the Chief Executive"):
        check_entry_transition(
            Status.APPROVED, facts(Status.ANSWER_DRAFTED, actor_may_approve=False)
        )


@pytest.mark.parametrize(
    ("current", "new"),
    [(Status.IN_PROGRESS, e) for e in ENDINGS]
    + [
        (Status.SENT, Status.IN_PROGRESS),
        (Status.CLOSED, Status.IN_PROGRESS),
        (Status.REFUSED, Status.IN_PROGRESS),
        (Status.ANSWER_DRAFTED, Status.IN_PROGRESS),
        (Status.APPROVED, Status.IN_PROGRESS),
    ],
)
def test_endings_reopenings_and_returns_need_a_reason(current, new):
    with pytest.raises(TransitionError, match="Give a reason"):
        check_entry_transition(new, facts(current, reason="  "))
    check_entry_transition(new, facts(current))


def test_reopening_and_return_are_told_apart():
    assert is_reopening(Status.SENT, Status.IN_PROGRESS)
    assert not is_reopening(Status.LOGGED, Status.IN_PROGRESS)
    assert is_return(Status.ANSWER_DRAFTED, Status.IN_PROGRESS)
    assert not is_return(Status.SENT, Status.IN_PROGRESS)


def test_answered_by_material_needs_a_published_material():
    with pytest.raises(TransitionError, match="published briefing material"):
        check_entry_transition(
            Status.ANSWERED_BY_MATERIAL, facts(Status.IN_PROGRESS, material_published=None)
        )
    with pytest.raises(TransitionError, match="published briefing material"):
        check_entry_transition(
            Status.ANSWERED_BY_MATERIAL, facts(Status.IN_PROGRESS, material_published=False)
        )


def test_duplicate_needs_its_original():
    with pytest.raises(TransitionError, match="Choose the entry this one duplicates"):
        check_entry_transition(Status.DUPLICATE, facts(Status.IN_PROGRESS, original_status=None))


def test_drafting_needs_an_answer():
    with pytest.raises(TransitionError, match="Write the answer"):
        check_entry_transition(Status.ANSWER_DRAFTED, facts(Status.IN_PROGRESS, has_answer=False))


@pytest.mark.parametrize(
    ("requester_type", "candidate_status", "undeclared_as_candidates", "expected"),
    [
        ("candidate", "prospective", False, False),  # Cumbria 1.1: as the public
        ("candidate", "prospective", True, True),  # Norfolk 6
        ("agent", "declared", False, True),
        ("candidate", "withdrawn", True, False),
        ("party", None, True, False),
        ("public", None, True, False),
    ],
)
def test_treated_as_candidate(requester_type, candidate_status, undeclared_as_candidates, expected):
    assert (
        treated_as_candidate(requester_type, candidate_status, undeclared_as_candidates) is expected
    )


def test_model_choices_store_the_rules_values():
    from candidates.models import Candidate
    from candidates.rules import Status as CandidateStatus
    from requests_register.models import Entry
    from requests_register.rules import Kind

    assert [value for value, _ in Entry.Status.choices] == [s.value for s in Status]
    assert [value for value, _ in Entry.Channel.choices] == [c.value for c in Channel]
    assert [value for value, _ in Entry.Kind.choices] == [k.value for k in Kind]
    assert dict(Entry.Status.choices)["awaiting_confirmation"] == "Awaiting written confirmation"
    assert [value for value, _ in Candidate.Status.choices] == [s.value for s in CandidateStatus]


# --- the buttons offered: the same rules the funnel checks ------------------------------------


def test_available_steps_offer_sign_offs_to_approvers_and_the_rest_to_managers() -> None:
    from requests_register.rules import available_steps

    def offered(status, **who):
        return [step.status for step in available_steps(status, **who)]

    # A manager who is not an approver: no approval, no signed-off ending.
    assert offered(Status.ANSWER_DRAFTED, may_manage=True, may_approve=False) == [
        Status.IN_PROGRESS
    ]
    assert offered(Status.ANSWER_DRAFTED, may_manage=False, may_approve=True) == [Status.APPROVED]
    manager = offered(Status.IN_PROGRESS, may_manage=True, may_approve=False)
    assert manager == [
        Status.AWAITING_CONFIRMATION,
        Status.CLOSED,  # no reply needed (issue 13)
        Status.WITHDRAWN,
        Status.DUPLICATE,
    ]
    approver = offered(Status.IN_PROGRESS, may_manage=False, may_approve=True)
    assert approver == [Status.REFERRED_TO_PARO, Status.ANSWERED_BY_MATERIAL, Status.REFUSED]
    # Drafting and booking are never status buttons.
    both = offered(Status.IN_PROGRESS, may_manage=True, may_approve=True)
    assert Status.ANSWER_DRAFTED not in both and Status.BOOKED not in both
    assert offered(Status.SENT, may_manage=False, may_approve=False) == []


def test_every_step_offered_needs_a_reason_exactly_when_the_funnel_asks_for_one() -> None:
    from requests_register.rules import available_steps, needs_reason

    for current in Status:
        for step in available_steps(current, may_manage=True, may_approve=True):
            assert step.needs_reason == needs_reason(current, step.status)
            unexplained = facts(current, confirmed=True, reason="")
            if step.needs_reason:
                with pytest.raises(TransitionError, match="Give a reason"):
                    check_entry_transition(step.status, unexplained)
