"""The publication deadline's pure rules (publishing.rules, issue 13, item 1), on awkward days:
weekends, Easter, the early May bank holiday, Christmas and New Year, an office closure."""

from datetime import date, timedelta

import pytest

from election_protocol.calendar import WorkingDays
from publishing import rules

OFFICE = WorkingDays.for_election_timetable()


@pytest.mark.parametrize(
    ("sent", "due"),
    [
        (date(2024, 3, 18), date(2024, 3, 20)),  # Monday: Wednesday
        (date(2024, 3, 22), date(2024, 3, 26)),  # Friday: over the weekend to Tuesday
        (date(2024, 3, 23), date(2024, 3, 26)),  # Saturday: counts from Monday
        (date(2024, 3, 24), date(2024, 3, 26)),  # Sunday: likewise
        (date(2024, 3, 28), date(2024, 4, 3)),  # Thursday before Good Friday and Easter Monday
        (date(2024, 3, 29), date(2024, 4, 3)),  # Good Friday itself
        (date(2024, 5, 3), date(2024, 5, 8)),  # Friday before the early May bank holiday
        (date(2024, 12, 23), date(2024, 12, 30)),  # Christmas Eve, Christmas, Boxing Day off
        (date(2024, 12, 31), date(2025, 1, 3)),  # New Year's Eve: across New Year's Day
    ],
)
def test_due_two_working_days_after_sending(sent, due):
    assert rules.publication_due(sent, 2, OFFICE).due == due


def test_the_explanation_names_the_days_skipped():
    explained = rules.publication_due(date(2024, 3, 28), 2, OFFICE)
    assert explained.working_days == 2
    skipped = dict(explained.skipped)
    assert date(2024, 3, 29) in skipped and date(2024, 4, 1) in skipped
    assert "Good Friday" in explained.explanation and "due Wed 3 Apr 2024" in explained.explanation


def test_an_office_closure_moves_the_target():
    closed = WorkingDays.for_election_timetable([date(2024, 3, 20)])
    assert rules.publication_due(date(2024, 3, 18), 2, closed).due == date(2024, 3, 21)


def test_the_setting_is_at_least_one_working_day():
    assert rules.publication_due(date(2024, 3, 22), 1, OFFICE).due == date(2024, 3, 25)
    with pytest.raises(ValueError):
        rules.publication_due(date(2024, 3, 22), 0, OFFICE)


@pytest.mark.parametrize("n", [1, 2, 5])
def test_latest_answer_day_is_the_exact_inverse_of_the_due_date(n):
    """For every day of a year with Easter, bank holidays and Christmas, an answer sent on or
    before latest_answer_day_due_by(day) is due by `day`, and one sent after it is not."""
    start = date(2024, 3, 1)
    for offset in range(330):
        day = start + timedelta(days=offset)
        latest = rules.latest_answer_day_due_by(day, n, OFFICE)
        for back in range(-3, 20):
            sent = day - timedelta(days=back)
            due = rules.publication_due(sent, n, OFFICE).due
            assert (sent <= latest) == (due <= day), (day, sent, due, latest)


def test_latest_answer_day_over_easter():
    # Due by Tuesday 2 April 2024 (after Easter Monday): sent by Wednesday 27 March.
    assert rules.latest_answer_day_due_by(date(2024, 4, 2), 2, OFFICE) == date(2024, 3, 27)
    # Due before Wednesday 3 April (by Tuesday): the same; Thursday 28 March is due the 3rd.
    assert rules.publication_due(date(2024, 3, 28), 2, OFFICE).due == date(2024, 4, 3)


def test_publication_state():
    today, cutoff = date(2024, 3, 26), date(2024, 3, 28)
    state = rules.publication_state
    kw = {"today": today, "due_soon_cutoff": cutoff}
    assert state(date(2024, 3, 25), published=False, not_for_publication=False, **kw) == "overdue"
    assert state(today, published=False, not_for_publication=False, **kw) == "due_soon"
    assert state(cutoff, published=False, not_for_publication=False, **kw) == "due_soon"
    assert state(date(2024, 3, 29), published=False, not_for_publication=False, **kw) == (
        "on_track"
    )
    # Either ending stops the clock, however late.
    assert state(date(2024, 1, 1), published=True, not_for_publication=False, **kw) == "published"
    assert state(date(2024, 1, 1), published=False, not_for_publication=True, **kw) == (
        "not_for_publication"
    )
    assert state(None, published=False, not_for_publication=False, **kw) == "no_target"


def test_which_answers_have_a_target():
    target = rules.has_publication_target
    assert target("sent", "candidate", False) and target("closed", "agent", False)
    assert not target("sent", "public", False)
    assert target("sent", "public", True) and target("closed", "party", True)
    assert not target("refused", "candidate", True)
    assert not target("in_progress", "candidate", True)


def test_a_proposal_needs_a_listed_reason_words_and_a_running_target():
    ok = {
        "reason": "third_party",
        "detail": "A neighbour's complaint",
        "has_target": True,
        "is_public": False,
        "pending_or_approved": False,
    }
    rules.check_not_for_publication_proposal(**ok)
    for change, words in [
        ({"reason": "bogus"}, "Choose a reason"),
        ({"reason": ""}, "Choose a reason"),
        ({"detail": "  "}, "Say why"),
        ({"has_target": False}, "Only an answer that was sent"),
        ({"is_public": True}, "already has a public version"),
        ({"pending_or_approved": True}, "already waiting or signed off"),
    ]:
        with pytest.raises(rules.PublishingError, match=words):
            rules.check_not_for_publication_proposal(**{**ok, **change})


def test_only_the_chief_executive_signs_off_never_the_proposer():
    ok = {
        "status": "proposed",
        "approve": True,
        "proposer_id": 1,
        "actor_id": 2,
        "may_sign_off": True,
        "note": "",
    }
    rules.check_not_for_publication_decision(**ok)
    for change, words in [
        ({"may_sign_off": False}, "Only the Chief Executive"),
        ({"actor_id": 1}, "You proposed this"),
        ({"status": "approved"}, "no longer waiting"),
        ({"approve": False}, "Say why it should be published"),
    ]:
        with pytest.raises(rules.PublishingError, match=words):
            rules.check_not_for_publication_decision(**{**ok, **change})
    rules.check_not_for_publication_decision(**{**ok, "approve": False, "note": "Publish it"})


def test_actions_taken_and_their_reason_categories():
    assert rules.action_for_register_status("refused") == rules.Action.REFUSED
    assert rules.action_for_register_status("referred_to_paro") == rules.Action.REFERRED_TO_PARO
    assert rules.action_for_register_status("sent") is None
    assert rules.action_for_register_status("withdrawn") is None
    rules.check_action_entry(rules.Action.REFUSED, "personal_information")
    rules.check_action_entry(rules.Action.REFERRED_TO_PARO, "")
    with pytest.raises(rules.PublishingError, match="reason category"):
        rules.check_action_entry(rules.Action.REFUSED, "")
    with pytest.raises(rules.PublishingError, match="reason category"):
        rules.check_action_entry(rules.Action.DECLINED, "")
    with pytest.raises(rules.PublishingError, match="from the list"):
        rules.check_action_entry(rules.Action.REFUSED, "because")
    assert rules.can_publish_declined_booking("declined")
    assert not rules.can_publish_declined_booking("cancelled")


def test_an_action_entry_may_be_submitted_without_an_answer():
    facts = rules.StepFacts(
        status=rules.Status.DRAFT,
        actor_id=1,
        prepared_by_id=1,
        in_pre_election_period=False,
        has_answer=False,
        has_action=True,
    )
    rules.check_publish_step(rules.Status.AWAITING_APPROVAL, facts)
