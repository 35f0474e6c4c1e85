from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError

from candidates.services import set_candidate_status
from election_protocol.calendar import LONDON
from election_protocol.models import NonWorkingDay
from requests_register import rules, services
from requests_register.models import Entry, OutboundEmail, StatusEvent
from tests.factories import CandidateFactory, ElectionFactory
from tests.requests_register.helpers import NOW, RECEIVED, log


def test_references_count_up_within_each_election(election, spoc):
    other = ElectionFactory()
    refs = [
        log(election, spoc).reference,
        log(election, spoc).reference,
        log(other, spoc).reference,
    ]
    assert refs == [
        f"{election.reference_prefix}-0001",
        f"{election.reference_prefix}-0002",
        f"{other.reference_prefix}-0001",
    ]


def test_received_in_the_future_is_refused(election, spoc):
    with pytest.raises(ValidationError, match="cannot be in the future"):
        log(election, spoc, received_at=datetime(2024, 4, 10, 12, 1, tzinfo=LONDON))
    assert not Entry.objects.exists()


@pytest.mark.parametrize(
    ("policy", "status", "expected"),
    [
        ("public", "prospective", "public"),
        ("candidate", "prospective", "candidate"),
        ("public", "declared", "candidate"),
    ],
)
def test_treatment_is_decided_at_logging_and_kept(spoc, policy, status, expected):
    election = ElectionFactory(undeclared_treated_as=policy)
    candidate = CandidateFactory(election=election, status=status)
    entry = log(election, spoc, requester_type="candidate", candidate=candidate)
    assert entry.treated_as == expected
    # A later change of the candidate's status does not rewrite history (Cumbria 6.1.1).
    if status == "prospective":
        set_candidate_status(
            candidate.pk, "withdrawn", by=spoc, at=datetime(2024, 3, 1, tzinfo=LONDON)
        )
    entry.refresh_from_db()
    assert entry.treated_as == expected


def test_foi_target_is_the_20th_working_day(election, spoc):
    entry = log(election, spoc, kind="foi")
    # Received Wed 10 April 2024: 20 working days, the 6 May bank holiday skipped.
    assert entry.target_date == date(2024, 5, 9)


def test_routine_target_counts_office_closures_but_foi_does_not(election, spoc):
    election.routine_target_working_days = 3
    election.save()
    NonWorkingDay.objects.create(
        election=election, date=date(2024, 4, 12), kind="office_closure", reason="Move"
    )
    routine = log(election, spoc)
    foi = log(election, spoc, kind="foi")
    assert routine.target_date == date(2024, 4, 16)  # Thu 11, (Fri 12 closed), Mon 15, Tue 16
    assert foi.target_date == date(2024, 5, 9)
    explained = services.target_for(election, "information", RECEIVED)
    assert (date(2024, 4, 12), "Added by staff") in explained.skipped


def test_acknowledgement_only_for_written_requests_with_an_address(election, spoc):
    log(election, spoc, acknowledge=True)
    log(election, spoc, acknowledge=True, channel="phone", requester_phone="07700 900123")
    log(election, spoc, acknowledge=True, requester_email="")
    assert list(OutboundEmail.objects.values_list("purpose", "to")) == [
        ("acknowledgement", ["alex@example.org"])
    ]


def test_attachments_are_checked_all_or_nothing(election, spoc):
    good = services.IncomingFile("plan.pdf", "application/pdf", b"%PDF-1.4 x")
    bad = services.IncomingFile("run.exe", "application/x-msdownload", b"MZ")
    with pytest.raises(ValidationError, match=r"run\.exe is not a file type we keep"):
        log(election, spoc, attachments=[good, bad])
    assert not Entry.objects.exists()
    big = services.IncomingFile(
        "big.pdf", "application/pdf", b"x" * (services.MAX_ATTACHMENT_BYTES + 1)
    )
    with pytest.raises(ValidationError, match="larger than 10 MB"):
        log(election, spoc, attachments=[big])
    entry = log(election, spoc, attachments=[good])
    stored = entry.attachments.get()
    assert (stored.filename, stored.size, stored.file.read()) == ("plan.pdf", 10, b"%PDF-1.4 x")
    assert "plan.pdf" not in stored.file.name  # the stored name is never the uploaded one


def _to_approved(entry, spoc, ce):
    services.set_entry_status(entry.pk, "in_progress", by=spoc, now=NOW)
    services.draft_answer(entry.pk, answer="Three custody suites.", by=spoc, now=NOW)
    return services.set_entry_status(entry.pk, "approved", by=ce, may_approve=True, now=NOW)


def test_the_drafter_cannot_approve_even_as_chief_executive(election, spoc, chief_executive):
    entry = log(election, chief_executive)
    services.set_entry_status(entry.pk, "in_progress", by=chief_executive, now=NOW)
    services.draft_answer(entry.pk, answer="Three.", by=chief_executive, now=NOW)
    with pytest.raises(rules.TransitionError, match="someone else must approve"):
        services.set_entry_status(
            entry.pk, "approved", by=chief_executive, may_approve=True, now=NOW
        )
    entry.refresh_from_db()
    assert entry.status == "answer_drafted"


def test_a_duplicate_gets_the_same_answer_when_the_original_is_sent(
    election, spoc, chief_executive
):
    original = log(election, spoc)
    duplicate = log(election, spoc, requester_name="Sam Other", requester_email="sam@example.org")
    services.set_entry_status(
        duplicate.pk, "duplicate", by=spoc, duplicate_of=original, reason="Same", now=NOW
    )
    waiting = OutboundEmail.objects.get(purpose="duplicate")
    assert original.reference in waiting.body and "as soon as it is ready" in waiting.body
    _to_approved(original, spoc, chief_executive)
    services.set_entry_status(original.pk, "sent", by=spoc, now=NOW)
    replies = {e.to[0]: e.body for e in OutboundEmail.objects.filter(purpose="reply")}
    assert set(replies) == {"alex@example.org", "sam@example.org"}
    assert "Three custody suites." in replies["sam@example.org"]
    assert "Dear Sam Other" in replies["sam@example.org"]


def test_a_duplicate_of_an_answered_entry_gets_its_answer_at_once(election, spoc, chief_executive):
    original = log(election, spoc)
    _to_approved(original, spoc, chief_executive)
    services.set_entry_status(original.pk, "sent", by=spoc, now=NOW)
    duplicate = log(election, spoc, requester_email="sam@example.org")
    services.set_entry_status(
        duplicate.pk, "duplicate", by=spoc, duplicate_of=original, reason="Same", now=NOW
    )
    email = OutboundEmail.objects.get(purpose="reply", to=["sam@example.org"])
    assert "Three custody suites." in email.body
    with pytest.raises(rules.TransitionError, match="Choose another entry"):
        services.set_entry_status(
            original.pk, "duplicate", by=spoc, duplicate_of=original, reason="x", now=NOW
        )


def test_a_duplicate_of_a_refused_request_is_refused_with_the_same_reason(
    election, spoc, chief_executive
):
    original = log(election, spoc)
    duplicate = log(election, spoc, requester_email="sam@example.org")
    services.set_entry_status(
        duplicate.pk, "duplicate", by=spoc, duplicate_of=original, reason="Same", now=NOW
    )
    with pytest.raises(rules.TransitionError, match="can sign off this reply"):
        services.set_entry_status(original.pk, "refused", by=spoc, reason="Confidential", now=NOW)
    services.set_entry_status(
        original.pk, "refused", by=chief_executive, may_approve=True, reason="Confidential", now=NOW
    )
    refusals = {e.to[0]: e.body for e in OutboundEmail.objects.filter(purpose="refused")}
    assert set(refusals) == {"alex@example.org", "sam@example.org"}
    assert "Confidential" in refusals["sam@example.org"]


def test_a_withdrawn_entry_cannot_be_an_original(election, spoc):
    withdrawn = log(election, spoc)
    services.set_entry_status(withdrawn.pk, "withdrawn", by=spoc, reason="Gone", now=NOW)
    other = log(election, spoc)
    with pytest.raises(rules.TransitionError, match="itself withdrawn or a duplicate"):
        services.set_entry_status(
            other.pk, "duplicate", by=spoc, duplicate_of=withdrawn, reason="x", now=NOW
        )


def test_answered_by_material_refers_to_it(election, spoc, chief_executive):
    from briefings.models import BriefingMaterial

    material = BriefingMaterial.objects.create(
        election=election,
        title="Police and crime plan",
        topic="Plan",
        url="https://opcc.example.org/plan",
        published=True,
    )
    entry = log(election, spoc)
    services.set_entry_status(
        entry.pk,
        "answered_by_material",
        by=chief_executive,
        may_approve=True,
        material=material,
        reason="Covered",
        now=NOW,
    )
    email = OutboundEmail.objects.get(purpose="answered_by_material")
    assert "https://opcc.example.org/plan" in email.body


def test_return_for_redrafting_clears_the_old_approval(election, spoc, chief_executive):
    entry = log(election, spoc)
    _to_approved(entry, spoc, chief_executive)
    services.set_entry_status(
        entry.pk, "in_progress", by=chief_executive, reason="Add the 2022 figure", now=NOW
    )
    entry.refresh_from_db()
    assert (entry.approved_by, entry.approved_at, entry.status) == (None, None, "in_progress")
    assert entry.history.filter(approved_by=chief_executive).exists()  # kept in the history


def test_changing_the_channel_or_address_needs_confirmation_again(election, spoc, chief_executive):
    entry = log(election, spoc, channel="phone", requester_phone="07700 900123")
    with pytest.raises(rules.TransitionError, match="written confirmation"):
        services.set_entry_status(entry.pk, "in_progress", by=spoc, now=NOW)
    services.set_entry_status(entry.pk, "awaiting_confirmation", by=spoc, now=NOW)
    services.set_entry_status(entry.pk, "in_progress", by=spoc, now=NOW)
    entry.refresh_from_db()
    assert entry.confirmed_at is not None
    services.update_entry(
        entry.pk, expected_version=entry.version, by=spoc, requester_email="new@example.org"
    )
    entry.refresh_from_db()
    assert entry.confirmed_at is None
    services.draft_answer(entry.pk, answer="Yes.", by=spoc, now=NOW)
    services.set_entry_status(entry.pk, "approved", by=chief_executive, may_approve=True, now=NOW)
    with pytest.raises(rules.TransitionError, match="until the requester has confirmed"):
        services.set_entry_status(entry.pk, "sent", by=spoc, now=NOW)
    services.set_entry_status(
        entry.pk, "in_progress", by=spoc, reason="Confirm the new address", now=NOW
    )
    services.set_entry_status(entry.pk, "awaiting_confirmation", by=spoc, now=NOW)
    assert OutboundEmail.objects.filter(purpose="confirmation", to=["new@example.org"]).exists()


def test_editing_the_kind_recomputes_the_target(election, spoc):
    entry = log(election, spoc)
    assert entry.target_date == date(2024, 4, 17)
    services.update_entry(entry.pk, expected_version=entry.version, by=spoc, kind="foi")
    entry.refresh_from_db()
    assert entry.target_date == date(2024, 5, 9)
    assert entry.target_explanation.startswith("20 working days after")


def test_reopen_needs_a_reason_and_is_recorded(election, spoc):
    entry = log(election, spoc)
    services.set_entry_status(entry.pk, "withdrawn", by=spoc, reason="Found it online", now=NOW)
    with pytest.raises(rules.TransitionError, match="Give a reason"):
        services.set_entry_status(entry.pk, "in_progress", by=spoc, now=NOW)
    services.set_entry_status(entry.pk, "in_progress", by=spoc, reason="Asked again", now=NOW)
    assert list(StatusEvent.objects.filter(entry=entry).values_list("new_status", "reason")) == [
        ("logged", ""),
        ("withdrawn", "Found it online"),
        ("in_progress", "Asked again"),
    ]
    assert OutboundEmail.objects.filter(purpose="withdrawn").count() == 0


def test_a_second_save_from_a_stale_form_is_refused(election, spoc, chief_executive):
    entry = log(election, spoc)
    services.update_entry(entry.pk, expected_version=entry.version, by=spoc, topic="Custody suites")
    with pytest.raises(services.ConcurrentEditError, match="Someone else saved this entry"):
        services.update_entry(
            entry.pk, expected_version=entry.version, by=chief_executive, topic="Cells"
        )
    entry.refresh_from_db()
    assert entry.topic == "Custody suites"


def test_assignment_grants_view_and_contribution_only_on_that_entry(election, spoc, police_liaison):
    from requests_register.permissions import can_contribute, entries_for_user

    entry, other = log(election, spoc), log(election, spoc)
    services.assign_entry(entry.pk, assignee=police_liaison, by=spoc, request="Numbers", now=NOW)
    assert list(entries_for_user(police_liaison)) == [entry]
    assert can_contribute(police_liaison, entry) and not can_contribute(police_liaison, other)
    with pytest.raises(rules.TransitionError, match="already assigned"):
        services.assign_entry(entry.pk, assignee=police_liaison, by=spoc, now=NOW)


def test_daily_digest_goes_to_the_spoc_and_each_assignee_once_a_day(
    election, spoc, police_liaison, auditor
):
    spoc.email, police_liaison.email = "spoc@example.org", "liaison@example.org"
    spoc.save()
    police_liaison.save()
    late = log(election, spoc, topic="Late one", received_at=datetime(2024, 3, 1, 9, tzinfo=LONDON))
    mine = log(election, spoc, topic="Assigned one")
    done = log(election, spoc, topic="Withdrawn one")
    services.set_entry_status(done.pk, "withdrawn", by=spoc, reason="No longer needed", now=NOW)
    services.assign_entry(mine.pk, assignee=police_liaison, by=spoc, request="x", now=NOW)
    today = date(2024, 4, 10)
    assert services.queue_daily_digests(election, today=today, now=NOW) == 2
    assert services.queue_daily_digests(election, today=today, now=NOW) == 0  # idempotent
    digests = {e.to[0]: e.body for e in OutboundEmail.objects.filter(purpose="digest:2024-04-10")}
    assert set(digests) == {"spoc@example.org", "liaison@example.org"}
    spoc_lines = [
        line for line in digests["spoc@example.org"].splitlines() if line.startswith("- ")
    ]
    assert spoc_lines[0].startswith(f"- {late.reference} Late one") and "OVERDUE" in spoc_lines[0]
    assert "Withdrawn one" not in digests["spoc@example.org"]
    assert "Assigned one" in digests["liaison@example.org"]
    assert "Late one" not in digests["liaison@example.org"]
    assert "alex@example.org" not in digests["liaison@example.org"]
    assert services.queue_daily_digests(election, today=date(2024, 4, 11), now=NOW) == 2
