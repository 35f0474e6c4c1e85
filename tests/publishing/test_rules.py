"""Publishing's pure rules: the steps offered on the review page agree with the funnel."""

import pytest

from publishing.rules import (
    PublishingError,
    Status,
    Step,
    StepFacts,
    available_steps,
    check_publish_step,
)

EDITOR_AND_APPROVER = {"may_edit": True, "may_approve": True}


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Status.DRAFT, {Step.REDACT, Step.SUBMIT}),
        (Status.AWAITING_APPROVAL, {Step.REDACT, Step.APPROVE, Step.RETURN}),
        (Status.PUBLISHED, {Step.WITHDRAW, Step.CORRECT}),
        (Status.WITHDRAWN, {Step.CORRECT}),
    ],
)
def test_the_steps_offered_follow_the_status(status, expected) -> None:
    steps = available_steps(status, **EDITOR_AND_APPROVER, prepared_it=False, restored_text=False)
    assert steps == expected


@pytest.mark.parametrize(
    ("prepared_it", "restored_text", "message"),
    [(True, False, "You prepared this entry"), (False, True, "You restored redacted text")],
)
def test_four_eyes_hides_approval_and_the_funnel_refuses_it(
    prepared_it, restored_text, message
) -> None:
    steps = available_steps(
        Status.AWAITING_APPROVAL,
        **EDITOR_AND_APPROVER,
        prepared_it=prepared_it,
        restored_text=restored_text,
    )
    assert Step.APPROVE not in steps and Step.RETURN in steps
    facts = StepFacts(
        status=Status.AWAITING_APPROVAL,
        actor_id=1,
        prepared_by_id=1 if prepared_it else 2,
        in_pre_election_period=False,
        actor_restored_text=restored_text,
    )
    with pytest.raises(PublishingError, match=message):
        check_publish_step(Status.PUBLISHED, facts)


def test_nothing_is_offered_without_permissions() -> None:
    for status in Status:
        assert not available_steps(
            status, may_edit=False, may_approve=False, prepared_it=False, restored_text=False
        )
    editor_only = available_steps(
        Status.AWAITING_APPROVAL,
        may_edit=True,
        may_approve=False,
        prepared_it=False,
        restored_text=False,
    )
    assert editor_only == {Step.REDACT}
