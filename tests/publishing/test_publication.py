"""The publication deadline, "not for publication" decisions and the register with the action
taken (issue 13, items 1 and 2): services, staff pages, the daily digest and the public site.

Dates: answers sent on Tuesday 20 February 2024 are due for publication on Thursday 22
February (two office working days); on Friday 23 February they are overdue.
"""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from briefings import services as briefings
from election_protocol.calendar import LONDON
from publishing import deadlines, queries, rules, services
from publishing.models import NotForPublication, PublicEntry
from publishing.site import pages, publish_site
from requests_register import services as register
from requests_register.models import OutboundEmail
from tests.builders import (
    NOW,
    REQUESTER,
    answered,
    declared_candidate,
    from_candidate,
    logged,
    prepared_booking,
    read_site,
    text,
)
from tests.factories import CandidateFactory

SENT_TUE = datetime(2024, 2, 20, 12, 0, tzinfo=LONDON)
SENT_WED = datetime(2024, 2, 21, 12, 0, tzinfo=LONDON)
FRIDAY = datetime(2024, 2, 23, 10, 0, tzinfo=LONDON)
DECLARED_AT = datetime(2024, 4, 8, 9, 0, tzinfo=LONDON)  # after the close of nominations


@pytest.fixture
def on_friday():
    with time_machine.travel(FRIDAY, tick=False):
        yield


def _counts(election, day=FRIDAY):
    return deadlines.publication_counts(election, day.date())


def test_a_sent_answer_gets_a_target_and_becomes_overdue(election, cast, on_friday):
    late = answered(election, cast, now=SENT_TUE, topic="Late")
    soon = answered(election, cast, now=SENT_WED, topic="Soon")
    assert _counts(election) == {"overdue": 1, "due_soon": 1}
    rows = {r.entry.pk: r for r in deadlines.publication_rows(election, FRIDAY.date())}
    assert rows[late.pk].due.due.isoformat() == "2024-02-22"
    assert rows[late.pk].state == "overdue"
    assert rows[soon.pk].due.due.isoformat() == "2024-02-23"
    assert rows[soon.pk].state == "due_soon"


def test_the_setting_changes_the_target_and_its_scope(election, cast, on_friday):
    answered(election, cast, now=SENT_TUE)
    election.publication_target_working_days = 10
    election.save()
    assert _counts(election) == {"overdue": 0, "due_soon": 0}
    election.publication_target_working_days = 2
    election.publication_target_for_all_answers = False  # a member of the public's answer
    election.save()
    assert _counts(election) == {"overdue": 0, "due_soon": 0}
    ada = CandidateFactory(election=election, name="Ada Example")
    answered(election, cast, now=SENT_TUE, **from_candidate(ada, "ada@example.org"))
    assert _counts(election)["overdue"] == 1


def test_publishing_the_answer_ends_the_target(election, cast, on_friday):
    entry = answered(election, cast, now=SENT_TUE)
    public = services.prepare_public_entry(entry, cast["spoc"])
    assert _counts(election)["overdue"] == 1  # prepared is not published
    services.submit_for_approval(public.pk, cast["spoc"])
    services.approve_and_publish(public.pk, cast["ce"], False)
    assert _counts(election) == {"overdue": 0, "due_soon": 0}
    [row] = deadlines.publication_rows(election, FRIDAY.date())
    assert row.state == "published"


def test_not_for_publication_proposed_by_the_spoc_signed_off_by_the_chief_executive(
    election, cast, on_friday
):
    entry = answered(election, cast, now=SENT_TUE)
    with pytest.raises(rules.PublishingError, match="Say why"):
        services.propose_not_for_publication(entry, "third_party", " ", cast["spoc"])
    decision = services.propose_not_for_publication(
        entry, "third_party", "A neighbour's complaint about a named person", cast["spoc"]
    )
    assert _counts(election)["overdue"] == 1  # the target runs until it is signed off
    with pytest.raises(rules.PublishingError, match="already waiting"):
        services.propose_not_for_publication(entry, "other", "Again", cast["spoc"])
    with pytest.raises(rules.PublishingError, match="Only the Chief Executive"):
        services.set_not_for_publication_status(decision.pk, "approved", by=cast["spoc2"])
    services.set_not_for_publication_status(decision.pk, "approved", by=cast["ce"])
    decision.refresh_from_db()
    assert (decision.status, decision.decided_by) == ("approved", cast["ce"])
    assert decision.history.count() == 2
    assert _counts(election) == {"overdue": 0, "due_soon": 0}
    # Counted by reason on the public side, with nothing else.
    assert queries.not_for_publication_counts(election) == [{"reason": "third_party", "count": 1}]


def test_the_chief_executive_never_signs_off_their_own_proposal_and_a_rejection_says_why(
    election, cast, on_friday
):
    entry = answered(election, cast, now=SENT_TUE)
    decision = services.propose_not_for_publication(entry, "other", "Not useful", cast["ce"])
    with pytest.raises(rules.PublishingError, match="You proposed this"):
        services.set_not_for_publication_status(decision.pk, "approved", by=cast["ce"])
    decision = services.propose_not_for_publication
    first = NotForPublication.objects.get()
    election.approval_deputies.add(cast["spoc2"])
    with pytest.raises(rules.PublishingError, match="Say why it should be published"):
        services.set_not_for_publication_status(first.pk, "rejected", by=cast["spoc2"])
    services.set_not_for_publication_status(
        first.pk, "rejected", by=cast["spoc2"], note="Publish it: it is about policing"
    )
    assert _counts(election)["overdue"] == 1
    # Rejected, it can be proposed again; the rejected one stays on the record.
    services.propose_not_for_publication(entry, "personal_matter", "Personal", cast["spoc"])
    assert NotForPublication.objects.count() == 2


def test_an_answer_already_public_is_withdrawn_not_declared_not_for_publication(
    election, cast, on_friday
):
    entry = answered(election, cast, now=SENT_TUE)
    services.prepare_public_entry(entry, cast["spoc"])
    with pytest.raises(rules.PublishingError, match="already has a public version"):
        services.propose_not_for_publication(entry, "other", "No", cast["spoc"])


def _from_dorothy(election, cast, at, **fields):
    """Return a request from Dorothy (REQUESTER) logged by the SPOC, received and logged `at`."""
    return logged(election, cast["spoc"], received_at=at, now=at, **REQUESTER, **fields)


def _closed_by_the_ce(entry, cast, status, reason, *, taken, closed=None) -> None:
    """The SPOC takes `entry` in hand at `taken`; the Chief Executive then gives it `status`
    for `reason` at `closed` (by default the clock's now)."""
    register.set_entry_status(entry.pk, "in_progress", by=cast["spoc"], now=taken)
    register.set_entry_status(
        entry.pk, status, by=cast["ce"], reason=reason, may_approve=True, now=closed
    )


def _refused(election, cast, *, now=NOW):
    entry = _from_dorothy(
        election,
        cast,
        now,
        topic="Custody records of Dorothy Pennington-Smythe",
        question="Send me the custody records of my neighbour.",
    )
    _closed_by_the_ce(
        entry, cast, "refused", "They are your neighbour's personal data.", taken=now, closed=now
    )
    entry.refresh_from_db()
    return entry


def test_a_refusal_is_published_with_its_action_through_the_gate(election, cast, tmp_path):
    with time_machine.travel(NOW, tick=False):
        entry = _refused(election, cast)
        with pytest.raises(rules.PublishingError, match="reason category"):
            services.prepare_action_entry(entry, cast["spoc"])
        public = services.prepare_action_entry(entry, cast["spoc"], reason="personal_information")
        assert (public.kind, public.action, public.reference) == (
            "register_action",
            "refused",
            entry.reference,
        )
        assert "Pennington" not in public.topic and public.answer == ""
        with pytest.raises(rules.PublishingError, match="someone else must approve"):
            services.set_public_status(public.pk, "awaiting_approval", by=cast["spoc"])
            services.approve_and_publish(public.pk, cast["spoc"], False)
        services.approve_and_publish(public.pk, cast["ce"], False)
        other = answered(election, cast, now=NOW, topic="Night cover")
        decision = services.propose_not_for_publication(
            other, "personal_matter", "About Dorothy's own car", cast["spoc"]
        )
        services.set_not_for_publication_status(decision.pk, "approved", by=cast["ce"])
        result = publish_site(election, to=tmp_path / "site")
    assert result.status == "published"
    files = read_site(tmp_path / "site")
    index = text(files["register/index.html"])
    assert entry.reference in index
    assert "Refused: Personal information about someone else" in index
    assert "A personal matter of the person who asked" in index
    assert other.reference not in index  # counted, never listed
    page = text(files[f"entries/{entry.reference}.html"])
    assert "Action taken" in page and "Personal information about someone else" in page
    assert "neighbour" not in page  # the reasons as written stay private
    pdf_source = pages.pdf_html(pages.load(election))
    assert f"{entry.reference}: " in pdf_source
    assert "Refused: Personal information about someone else" in pdf_source
    everything = " ".join(text(d) for p, d in files.items() if not p.endswith(".pdf"))
    for trace in ("Pennington", "Dorothy", "dot.pennington", "Mill Lane", "About Dorothy"):
        assert trace not in everything


def test_a_referral_needs_no_reason_and_a_declined_meeting_does(election, cast):
    with time_machine.travel(DECLARED_AT, tick=False):
        entry = _from_dorothy(
            election,
            cast,
            DECLARED_AT,
            kind="electoral_process",
            topic="Nomination papers",
            question="Where do I hand in my papers?",
        )
        _closed_by_the_ce(entry, cast, "referred_to_paro", "Electoral process", taken=NOW)
        public = services.prepare_action_entry(entry, cast["spoc"])
        assert (public.action, public.action_reason) == ("referred_to_paro", "")
        ada = declared_candidate(election, cast["spoc"], at=DECLARED_AT)
        booking = prepared_booking(election, cast, ada, received_at=DECLARED_AT)
        with pytest.raises(rules.PublishingError, match="Only a declined"):
            services.prepare_declined_booking(booking, cast["spoc"], reason="not_available")
        briefings.set_booking_status(booking.pk, "declined", by=cast["ce"], reason="Diary")
        with pytest.raises(rules.PublishingError, match="reason category"):
            services.prepare_declined_booking(booking, cast["spoc"], reason="")
        declined = services.prepare_declined_booking(booking, cast["spoc"], reason="not_available")
    assert (declined.kind, declined.action, declined.reference) == (
        "declined_booking",
        "declined",
        booking.entry.reference,
    )
    assert PublicEntry.objects.filter(status="draft").count() == 2


# --- staff pages -------------------------------------------------------------------------------


def test_the_spoc_sees_due_dates_and_the_overdue_publication(client, election, cast, on_friday):
    entry = answered(election, cast, now=SENT_TUE)
    client.force_login(cast["spoc"])
    page = client.get(reverse("publishing:deadlines")).content.decode()
    assert f'id="publication-{entry.reference}" data-state="overdue"' in page
    assert "Thu 22 Feb 2024" in page
    # Beside the register's counts on every page, and on the entry's own page.
    listing = client.get(reverse("requests_register:list")).content.decode()
    assert 'id="publication-deadlines"' in listing and "publication: 1 overdue" in listing
    detail = client.get(reverse("requests_register:detail", args=[entry.pk])).content.decode()
    assert "Publish by Thursday 22 February 2024" in detail
    assert 'id="propose-not-for-publication"' in detail


def test_proposing_with_bad_input_keeps_what_was_typed(client, election, cast, on_friday):
    entry = answered(election, cast, now=SENT_TUE)
    client.force_login(cast["spoc"])
    url = reverse("publishing:propose_not_for_publication", args=[entry.pk])
    response = client.post(url, {"reason": "nonsense", "detail": "A neighbour's complaint"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose a reason from the list." in page and "A neighbour&#x27;s complaint" in page
    assert not NotForPublication.objects.exists()
    response = client.post(url, {"reason": "third_party", "detail": "A neighbour's complaint"})
    decision = NotForPublication.objects.get()
    assert response.url == reverse("publishing:not_for_publication", args=[decision.pk])


def test_the_chief_executive_signs_off_on_the_decision_page(client, election, cast, on_friday):
    entry = answered(election, cast, now=SENT_TUE)
    decision = services.propose_not_for_publication(entry, "other", "Why", cast["spoc"])
    url = reverse("publishing:not_for_publication", args=[decision.pk])
    client.force_login(cast["spoc"])
    assert 'name="decision"' not in client.get(url).content.decode()
    assert client.post(url, {"decision": "approved"}).status_code == 403
    client.force_login(cast["ce"])
    response = client.post(url, {"decision": "rejected", "note": ""})
    assert response.status_code == 400
    assert "Say why it should be published after all." in response.content.decode()
    client.post(url, {"decision": "approved", "note": ""})
    decision.refresh_from_db()
    assert decision.status == "approved"
    page = client.get(reverse("publishing:deadlines")).content.decode()
    assert f'id="publication-{entry.reference}" data-state="not_for_publication"' in page
    ready = client.get(reverse("publishing:list")).content.decode()
    assert reverse("publishing:prepare", args=[entry.pk]) not in ready


def test_preparing_the_action_taken_from_the_page(client, election, cast):
    with time_machine.travel(NOW, tick=False):
        entry = _refused(election, cast)
        client.force_login(cast["spoc"])
        detail = client.get(reverse("requests_register:detail", args=[entry.pk])).content.decode()
        assert 'id="prepare-action"' in detail
        url = reverse("publishing:prepare_action", args=[entry.pk])
        response = client.post(url, {"reason": ""})
        assert response.status_code == 400
        assert "Choose the reason category" in response.content.decode()
        response = client.post(url, {"reason": "personal_information"})
    public = PublicEntry.objects.get(entry=entry)
    assert response.url == reverse("publishing:review", args=[public.pk])
    assert public.action_reason == "personal_information"


def test_the_digest_lists_answers_to_publish(election, cast, on_friday):
    answered(election, cast, now=SENT_TUE, topic="Night cover")
    register.queue_daily_digests(election, today=FRIDAY.date())
    [mail] = [m for m in OutboundEmail.objects.filter(purpose="digest:2024-02-23")]
    assert mail.to == [cast["spoc"].email]
    assert "Answers to publish, by target:" in mail.body
    assert "Night cover (publication OVERDUE, due Thu 22 Feb)" in mail.body


def test_the_parity_page_shows_publication_per_candidate(client, election, cast, on_friday):
    ada = CandidateFactory(election=election, name="Ada Example")
    answered(election, cast, now=SENT_TUE, **from_candidate(ada, "ada@example.org"))
    client.force_login(cast["spoc"])
    page = client.get(reverse("requests_register:parity")).content.decode()
    assert 'id="publication-parity"' in page
    [row] = deadlines.parity(election, FRIDAY.date())
    assert (row.name, row.sent, row.published, row.overdue) == ("Ada Example", 1, 0, 1)


def test_a_short_entry_of_the_action_taken_is_withdrawn_not_corrected(election, cast):
    with time_machine.travel(NOW, tick=False):
        entry = _refused(election, cast)
        public = services.prepare_action_entry(entry, cast["spoc"], reason="not_held")
        services.submit_for_approval(public.pk, cast["spoc"])
        services.approve_and_publish(public.pk, cast["ce"], False)
        with pytest.raises(rules.PublishingError, match="withdraw it instead"):
            services.correct(public.pk, "Text", "Note", cast["ce"])
        services.withdraw(public.pk, "Published by mistake.", cast["spoc"])
    public.refresh_from_db()
    assert public.status == "withdrawn"
