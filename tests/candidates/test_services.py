from datetime import datetime

import pytest

from candidates import rules
from candidates.models import Candidate, StatusChange
from candidates.services import (
    create_candidate,
    import_sopn,
    set_candidate_status,
    update_candidate,
)
from candidates.sopn import KnownCandidate, KnownParty, plan_sopn
from election_protocol.calendar import LONDON
from tests.factories import CandidateFactory, PartyFactory

AFTER_CLOSE = datetime(2024, 4, 8, 9, 0, tzinfo=LONDON)
AFTER_POLL = datetime(2024, 5, 3, 9, 0, tzinfo=LONDON)


def test_create_candidate_records_the_first_status_and_who(election, spoc):
    candidate = create_candidate(election=election, by=spoc, name="Ada Example", aliases=["Addy"])
    assert candidate.status == rules.Status.PROSPECTIVE
    change = StatusChange.objects.get(candidate=candidate)
    assert (change.old_status, change.new_status, change.changed_by) == ("", "prospective", spoc)
    assert candidate.history.get().history_user == spoc


def test_create_candidate_as_declared_before_nominations_close_is_refused(election, spoc):
    with pytest.raises(rules.TransitionError, match="close of nominations"):
        create_candidate(
            election=election,
            by=spoc,
            status=rules.Status.DECLARED,
            name="Early Bird",
            at=datetime(2024, 4, 5, 15, 0, tzinfo=LONDON),
        )
    assert not Candidate.objects.exists()


def test_status_history_keeps_every_change_in_order(election, spoc, chief_executive):
    candidate = create_candidate(
        election=election, by=spoc, name="Ada Example", at=datetime(2024, 3, 1, tzinfo=LONDON)
    )
    set_candidate_status(
        candidate.pk, "withdrawn", by=spoc, note="Told us", at=datetime(2024, 3, 10, tzinfo=LONDON)
    )
    set_candidate_status(
        candidate.pk, "prospective", by=chief_executive, at=datetime(2024, 3, 12, tzinfo=LONDON)
    )
    set_candidate_status(candidate.pk, "declared", by=spoc, at=AFTER_CLOSE)
    set_candidate_status(candidate.pk, "elected", by=chief_executive, at=AFTER_POLL)
    changes = list(
        candidate.status_changes.values_list(
            "old_status", "new_status", "changed_by__username", "note"
        )
    )
    assert changes == [
        ("", "prospective", "spoc-test", ""),
        ("prospective", "withdrawn", "spoc-test", "Told us"),
        ("withdrawn", "prospective", "ce-test", ""),
        ("prospective", "declared", "spoc-test", ""),
        ("declared", "elected", "ce-test", ""),
    ]
    candidate.refresh_from_db()
    assert candidate.status == "elected"
    assert candidate.history.count() == 5


def test_refused_status_change_writes_nothing(election, spoc):
    candidate = create_candidate(election=election, by=spoc, name="Ada Example")
    with pytest.raises(rules.TransitionError):
        set_candidate_status(candidate.pk, "elected", by=spoc, at=AFTER_POLL)
    candidate.refresh_from_db()
    assert candidate.status == "prospective"
    assert candidate.status_changes.count() == 1


def test_a_second_winner_is_refused(election, spoc):
    a = CandidateFactory(election=election, status="declared")
    b = CandidateFactory(election=election, status="declared")
    set_candidate_status(a.pk, "elected", by=spoc, at=AFTER_POLL)
    with pytest.raises(rules.TransitionError, match="already recorded as elected"):
        set_candidate_status(b.pk, "elected", by=spoc, at=AFTER_POLL)
    set_candidate_status(b.pk, "not_elected", by=spoc, at=AFTER_POLL)


def test_update_candidate_saves_details_and_history_but_never_status(election, spoc):
    candidate = CandidateFactory(election=election, name="Ada Example")
    update_candidate(candidate.pk, by=spoc, phones=["07700 900555"], name="Ada Example-Smith")
    candidate.refresh_from_db()
    assert (candidate.name, candidate.phones) == ("Ada Example-Smith", ["07700 900555"])
    assert candidate.history.first().history_user == spoc
    with pytest.raises(TypeError, match="status"):
        update_candidate(candidate.pk, by=spoc, status="elected")


def test_import_sopn_declares_matches_and_creates_new_candidates(election, spoc):
    labour = PartyFactory(name="Labour Party", short_forms=["Labour"])
    known = CandidateFactory(election=election, name="Priya Castellane", party=None)
    plan = plan_sopn(
        "Name,Description\nPriya Castellane,Labour\nFfion Newcomer,\n",
        [KnownParty(labour.pk, labour.name, ("Labour",))],
        [KnownCandidate(known.pk, known.name, rules.Status.PROSPECTIVE)],
    )
    done = import_sopn(plan, election=election, by=spoc, at=AFTER_CLOSE)
    assert sorted(c.name for c in done) == ["Ffion Newcomer", "Priya Castellane"]
    known.refresh_from_db()
    assert known.status == "declared"
    newcomer = Candidate.objects.get(name="Ffion Newcomer")
    assert (newcomer.status, newcomer.party) == ("declared", None)


def test_import_sopn_before_nominations_close_writes_nothing(election, spoc):
    plan = plan_sopn("Name,Description\nA Person,\nB Person,\n", [], [])
    with pytest.raises(rules.TransitionError):
        import_sopn(plan, election=election, by=spoc, at=datetime(2024, 4, 1, tzinfo=LONDON))
    assert not Candidate.objects.exists()


def test_import_sopn_refuses_a_plan_with_errors(election, spoc):
    plan = plan_sopn("Name,Description\nA Person,Unknown Party\nB Person,\n", [], [])
    with pytest.raises(ValueError, match="Fix the rows"):
        import_sopn(plan, election=election, by=spoc, at=AFTER_CLOSE)
    assert not Candidate.objects.exists()


def test_the_database_refuses_a_second_winner_even_bypassing_the_funnel(election):
    from django.db import IntegrityError, transaction

    CandidateFactory(election=election, status="elected")
    with pytest.raises(IntegrityError), transaction.atomic():
        CandidateFactory(election=election, status="elected")


def test_correction_needs_the_right_and_is_marked_in_history(election, spoc, chief_executive):
    candidate = CandidateFactory(election=election, status="declared")
    with pytest.raises(rules.TransitionError, match="Only the Chief Executive"):
        set_candidate_status(
            candidate.pk, "prospective", by=spoc, note="Wrong match", at=AFTER_CLOSE
        )
    set_candidate_status(
        candidate.pk,
        "prospective",
        by=chief_executive,
        note="Wrong SoPN match",
        at=AFTER_CLOSE,
        may_correct=True,
    )
    change = candidate.status_changes.get()
    assert (change.old_status, change.new_status, change.is_correction) == (
        "declared",
        "prospective",
        True,
    )


def test_linking_a_non_incumbent_to_a_staff_account_is_refused_by_the_services(election, spoc):
    with pytest.raises(ValueError, match="Only an incumbent"):
        create_candidate(election=election, by=spoc, name="Ada Example", linked_user=spoc)
    candidate = CandidateFactory(election=election)
    with pytest.raises(ValueError, match="Only an incumbent"):
        update_candidate(candidate.pk, by=spoc, linked_user=spoc)


def test_import_sopn_takes_the_party_and_address_from_the_statement(election, spoc):
    labour = PartyFactory(name="Labour Party", short_forms=["Labour"])
    known = CandidateFactory(
        election=election, name="Priya Castellane", party=None, postal_address=""
    )
    plan = plan_sopn(
        'Name,Description,Home address\nPriya Castellane,Labour,"2 Example Street, Northtown"\n',
        [KnownParty(labour.pk, labour.name, ("Labour",))],
        [KnownCandidate(known.pk, known.name, rules.Status.PROSPECTIVE, (), None, "Independent")],
    )
    assert plan.rows[0].previous_party_label == "Independent"
    import_sopn(plan, election=election, by=spoc, at=AFTER_CLOSE)
    known.refresh_from_db()
    assert (known.status, known.party, known.postal_address) == (
        "declared",
        labour,
        "2 Example Street, Northtown",
    )
