"""The FOI funnels: each state change, its event, its notice through the outbox, and the
register entry's date and status following."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError

from election_protocol.calendar import LONDON
from foi import rules, services
from foi.models import FoiCase
from publishing.preparation import prepare_public_entry
from requests_register import services as register
from requests_register.models import OutboundEmail
from tests.foi.helpers import RECEIVED, at, log_foi


def purposes(entry) -> list[str]:
    return list(OutboundEmail.objects.filter(entry=entry).values_list("purpose", flat=True))


def test_clarification_stops_and_restarts_the_clock_and_moves_the_register_date(election, spoc):
    entry = log_foi(election, spoc)
    assert entry.target_date == date(2024, 7, 30)
    services.ask_clarification(
        entry.pk, question="Which year?", by=spoc, today=date(2024, 7, 5), now=at(5)
    )
    entry.refresh_from_db()
    case = FoiCase.objects.get(entry=entry)
    assert case.state == "awaiting_clarification"
    assert entry.target_date == date(2024, 8, 6)  # the earliest while paused
    assert "clock is stopped" in entry.target_explanation
    email = OutboundEmail.objects.get(entry=entry, purpose="foi_clarification")
    assert email.to == ["alex@example.org"] and "Which year?" in email.body

    services.record_clarification(
        entry.pk, answered_on=date(2024, 7, 9), answer="2023/24.", by=spoc, now=at(9)
    )
    entry.refresh_from_db()
    case.refresh_from_db()
    assert case.state == "open"
    assert entry.target_date == date(2024, 8, 8)
    assert "stood still for 4 days (2 working days)" in entry.target_explanation
    assert "Mon 5 Aug (Summer Bank Holiday (Scotland))" in entry.target_explanation
    assert [e.new_state for e in case.events.all()] == [
        "open",
        "awaiting_clarification",
        "open",
    ]


def test_an_answer_awaited_refuses_a_second_question_and_a_bad_answer_date(election, spoc):
    entry = log_foi(election, spoc)
    services.ask_clarification(entry.pk, question="Which year?", by=spoc, today=date(2024, 7, 5))
    with pytest.raises(rules.FoiError):
        services.ask_clarification(entry.pk, question="And?", by=spoc, today=date(2024, 7, 8))
    with pytest.raises(rules.FoiError, match="before the question"):
        services.record_clarification(
            entry.pk, answered_on=date(2024, 7, 4), answer="x", by=spoc, now=at(9)
        )
    assert FoiCase.objects.get(entry=entry).clarifications.count() == 1


def test_extension_with_its_notice(election, spoc):
    entry = log_foi(election, spoc)
    services.extend_for_public_interest(
        entry.pk,
        new_date=date(2024, 8, 20),
        exemptions=["43", "31"],
        reason="Weighing the public interest.",
        by=spoc,
        now=at(25),
    )
    entry.refresh_from_db()
    case = FoiCase.objects.get(entry=entry)
    assert (case.state, case.extended_to) == ("extended", date(2024, 8, 20))
    assert case.extension_exemptions == ["31", "43"]
    assert entry.target_date == date(2024, 8, 20)
    assert "Extended to Tue 20 Aug 2024" in entry.target_explanation
    notice = case.extension_notice
    assert notice.purpose == "foi_extension" and notice.to == ["alex@example.org"]
    assert "Section 31: Law enforcement" in notice.body
    assert "Tuesday 20 August 2024" in notice.body


def test_an_extension_past_the_due_date_or_too_long_is_refused_and_nothing_sent(election, spoc):
    entry = log_foi(election, spoc)
    for new_date, now in ((date(2024, 8, 20), at(31)), (date(2024, 9, 30), at(25))):
        with pytest.raises(rules.FoiError):
            services.extend_for_public_interest(
                entry.pk, new_date=new_date, exemptions=["31"], reason="x", by=spoc, now=now
            )
    assert purposes(entry) == []


def test_refusal_cites_exemptions_and_is_signed_off(election, spoc, chief_executive):
    entry = log_foi(election, spoc)
    with pytest.raises(Exception, match="Chief Executive"):
        services.refuse_with_exemptions(
            entry.pk, exemptions=["40"], reason="Personal data.", by=spoc, may_approve=False
        )
    assert not FoiCase.objects.filter(entry=entry, state="refused").exists()
    services.refuse_with_exemptions(
        entry.pk,
        exemptions=["40", "31"],
        reason="It would identify officers.",
        by=chief_executive,
        may_approve=True,
        now=at(10),
    )
    entry.refresh_from_db()
    assert entry.status == "refused"
    assert "- Section 31: Law enforcement\n- Section 40: Personal information" in (
        entry.ending_reason
    )
    notice = OutboundEmail.objects.get(entry=entry, purpose="foi_refusal")
    assert "Section 40: Personal information" in notice.body
    assert "internal review" in notice.body and "Information Commissioner" in notice.body
    assert not OutboundEmail.objects.filter(entry=entry, purpose="refused").exists()


def test_internal_review_has_its_own_target_and_outcome(election, spoc, chief_executive):
    entry = log_foi(election, spoc)
    with pytest.raises(rules.FoiError, match="send the answer or the refusal first"):
        services.request_review(
            entry.pk, requested_on=date(2024, 7, 10), grounds="x", by=spoc, now=at(10)
        )
    services.refuse_with_exemptions(
        entry.pk, exemptions=["43"], reason="Commercial.", by=chief_executive, may_approve=True,
        now=at(10),
    )  # fmt: skip
    case = services.request_review(
        entry.pk, requested_on=date(2024, 12, 23), grounds="Unfair.", by=spoc, now=at(23, 12)
    )
    assert (case.review_target, case.review_latest) == (date(2025, 1, 24), date(2025, 2, 21))
    assert "Christmas Day" in case.review_explanation
    with pytest.raises(rules.FoiError):
        services.decide_review(
            entry.pk, outcome="upheld", notes="x", by=spoc, may_approve=False, now=at(24, 12)
        )
    services.decide_review(
        entry.pk, outcome="partly_upheld", notes="Some figures released.", by=chief_executive,
        may_approve=True, now=at(30, 12),
    )  # fmt: skip
    case.refresh_from_db()
    assert case.state == "reviewed" and case.review_decided_on == date(2024, 12, 30)
    email = OutboundEmail.objects.get(entry=entry, purpose="foi_review_outcome")
    assert "Partly upheld" in email.body and "Some figures released." in email.body


def test_another_authority_s_disclosure_closes_the_entry_and_can_be_published(
    election, spoc, chief_executive, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    entry = log_foi(election, spoc, first_reached="police", redirected_at=RECEIVED)
    copy = register.IncomingFile("np-0412.pdf", "application/pdf", b"%PDF-1.4\n% copy\n")
    services.record_disclosure_elsewhere(
        entry.pk,
        their_reference="NP-FOI-0412",
        disclosed_on=date(2024, 7, 20),
        text="Overtime in 2023/24: 1,200 hours. Alex Example asked for it.",
        copy=copy,
        by=spoc,
        now=at(22),
    )
    entry.refresh_from_db()
    case = FoiCase.objects.get(entry=entry)
    assert entry.status == "closed" and entry.answered_at == at(22)
    assert "NP-FOI-0412" in entry.ending_reason
    assert case.copy_file.read() == b"%PDF-1.4\n% copy\n" and case.copy_filename == "np-0412.pdf"
    assert purposes(entry) == []  # the force replied, not the office

    public = prepare_public_entry(entry, spoc)
    assert public.answering_body == "police"
    assert public.answered_on == date(2024, 7, 20)
    assert public.is_foi
    assert "1,200 hours" in public.answer and "Alex Example" not in public.answer


def test_disclosure_elsewhere_refused_for_the_office_and_bad_copies(election, spoc):
    entry = log_foi(election, spoc)
    good = register.IncomingFile("a.pdf", "application/pdf", b"%PDF-1.4\n")
    with pytest.raises(rules.FoiError, match="commissioner's office holds"):
        services.record_disclosure_elsewhere(
            entry.pk, their_reference="R1", disclosed_on=date(2024, 7, 2), text="x", copy=good,
            by=spoc, now=at(3),
        )  # fmt: skip
    services.set_holder(entry.pk, holder="fire", by=spoc, now=at(3))
    with pytest.raises(ValidationError):
        services.record_disclosure_elsewhere(
            entry.pk, their_reference="R1", disclosed_on=date(2024, 7, 2), text="x",
            copy=register.IncomingFile("a.pdf", "application/pdf", b"MZ\x90"), by=spoc,
            now=at(3),
        )  # fmt: skip
    entry.refresh_from_db()
    assert entry.status == "in_progress"
    assert FoiCase.objects.get(entry=entry).holder == "fire"


def test_not_an_foi_request_is_refused(election, spoc):
    entry = log_foi(election, spoc, kind="information")
    with pytest.raises(rules.FoiError, match="not a Freedom of Information request"):
        services.ask_clarification(entry.pk, question="x", by=spoc)


def test_retention_erases_what_the_foi_request_holds_about_the_requester(
    election, spoc, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from dataprotection.services import apply_retention

    settings.MEDIA_ROOT = tmp_path
    entry = log_foi(election, spoc, first_reached="police", redirected_at=RECEIVED)
    services.ask_clarification(
        entry.pk, question="Alex Example, which year?", by=spoc, today=date(2024, 7, 2),
        now=at(2),
    )  # fmt: skip
    services.record_clarification(
        entry.pk, answered_on=date(2024, 7, 3), answer="Alex Example: 2023.", by=spoc, now=at(3)
    )
    services.record_disclosure_elsewhere(
        entry.pk, their_reference="NP-1", disclosed_on=date(2024, 7, 4),
        text="Sent to Alex Example: 1,200 hours.",
        copy=register.IncomingFile("np.pdf", "application/pdf", b"%PDF-1.4\n"), by=spoc,
        now=at(4),
    )  # fmt: skip
    name = FoiCase.objects.get(entry=entry).copy_file.name
    # A poll of 2 May 2024 and 12 months' retention: due from 2 May 2025.
    with django_capture_on_commit_callbacks(execute=True):
        apply_retention(
            election.pk, today=date(2025, 5, 2), now=datetime(2025, 5, 2, tzinfo=LONDON)
        )
    case = FoiCase.objects.get(entry=entry)
    clarification = case.clarifications.get()
    assert "Alex Example" not in clarification.question + clarification.answer
    assert "Alex Example" not in case.disclosure_text and "1,200 hours" in case.disclosure_text
    assert (case.copy_stored_as, case.copy_filename, case.copy_file.name) == ("", "", "")
    assert not default_storage.exists(name)


def test_subject_access_includes_the_foi_request(election, spoc):
    from dataprotection.subject_access import Query, find_subject_data

    entry = log_foi(election, spoc)
    services.ask_clarification(
        entry.pk, question="Which year?", by=spoc, today=date(2024, 7, 2), now=at(2)
    )
    data = find_subject_data(Query(email="alex@example.org"))
    [found] = [e for e in data["register_entries"] if e["reference"] == entry.reference]
    foi = found["freedom_of_information"]
    assert foi["clarifications"][0]["question"] == "Which year?"
    assert foi["state"] == "Clock stopped: clarification asked"
