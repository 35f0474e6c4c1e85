"""Publishing: preparing, reviewing and approving public entries, and the one gate.

Reference election: the PCC polls of Thursday 2 May 2024. With no actual notice date entered,
the pre-election period runs from the statutory latest notice (Tuesday 26 March 2024, 00:00)
to the close of poll (2 May 2024, 10pm: Cleveland 1.3, the default local policy).
"""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import FieldFetchBlocked
from django.db import IntegrityError, transaction
from django.urls import reverse

from briefings import services as briefings
from briefings.models import BriefingEvent, BriefingMaterial
from candidates.services import create_candidate
from election_protocol.calendar import LONDON
from publishing import permissions, queries, rules, services
from publishing.models import Correction, PrivateText, PublicEntry, PublicRedaction, PublishRun
from requests_register import services as register
from tests.builders import REQUESTER, declared_candidate, from_candidate, logged
from tests.clock import frozen_clock
from tests.factories import ElectionFactory, PartyFactory

RECEIVED = datetime(2024, 2, 19, 9, 30, tzinfo=LONDON)  # Monday, before the period
NOW = datetime(2024, 2, 20, 12, 0, tzinfo=LONDON)
BEFORE_PERIOD = datetime(2024, 3, 25, 23, 59, tzinfo=LONDON)
PERIOD_STARTS = datetime(2024, 3, 26, 0, 0, tzinfo=LONDON)
IN_PERIOD = datetime(2024, 4, 10, 12, 0, tzinfo=LONDON)
POLL_CLOSES = datetime(2024, 5, 2, 22, 0, tzinfo=LONDON)

QUESTION = """Dear SPOC,
My name is Dorothy Pennington-Smythe and I live at 4 Mill Lane, Kirkby Stephen, CA17 4QT.
Gareth Llewellyn-Harris (the Greens candidate, @GazForPCC) said at a meeting that response
times in rural areas have doubled. Is that true? How many officers cover the Eden district at
night? You can reach me on 01632 960 123 or dot.pennington@example.net.
Regards, Dorothy"""
ANSWER = """Dear Mrs Pennington-Smythe,
Thank you for your question. The average emergency response time in rural areas was 18
minutes in 2023, against 17 minutes in 2022: it has not doubled. Eight officers cover the
district overnight. Mr Llewellyn-Harris's agent, Priya Ramanathan, has been sent the same
figures, and Gaz Harris can read them at llewellyn4pcc.example.org.
If you have any further questions, contact the Election SPOC at spoc@testshire.example.org or
on 07700 900002, or the PARO at paro@testshire.example.org.
Yours sincerely"""
# Everything that identifies the requester, the candidate or the agent in the texts above.
IDENTIFIERS = [
    "Dorothy",
    "Pennington",
    "Smythe",
    "Mill Lane",
    "Kirkby Stephen",
    "CA17",
    "4QT",
    "960 123",
    "dot.pennington",
    "example.net",
    "Gareth",
    "Llewellyn",
    "Harris",
    "Gaz",
    "Greens",
    "@GazForPCC",
    "llewellyn4pcc",
    "Priya",
    "Ramanathan",
]

pytestmark = pytest.mark.usefixtures("_frozen")


_frozen = frozen_clock(NOW)


@pytest.fixture
def gareth(election, spoc):
    party = PartyFactory(name="Northshire Green Party", short_forms=["Greens", "Green Party"])
    return create_candidate(
        election=election,
        by=spoc,
        at=NOW,
        name="Gareth Llewellyn-Harris",
        aliases=["Gaz Harris"],
        party=party,
        emails=["gareth@llewellyn4pcc.example.org"],
        phones=["07700 900456"],
        postal_address="Flat 2, 18 Station Road, Penrith CA11 7JQ",
        handles=["@GazForPCC"],
        website="https://llewellyn4pcc.example.org",
        agent_name="Priya Ramanathan",
        agent_email="priya.r@example.com",
        agent_phone="07700 900789",
    )


def answered(election, cast, *, question=QUESTION, answer=ANSWER, sent=True, **requester):
    """Return a register entry taken through the register's own funnel to sent."""
    entry = logged(
        election,
        cast["spoc"],
        received_at=RECEIVED,
        topic="Rural response times",
        question=question,
        now=NOW,
        **{**REQUESTER, **requester},
    )
    register.set_entry_status(entry.pk, "in_progress", by=cast["spoc"], now=NOW)
    register.draft_answer(entry.pk, answer=answer, by=cast["spoc"], now=NOW)
    if sent:
        register.set_entry_status(entry.pk, "approved", by=cast["ce"], may_approve=True, now=NOW)
        register.set_entry_status(entry.pk, "sent", by=cast["spoc"], now=NOW)
    entry.refresh_from_db()
    return entry


def prepared(election, cast, **kw) -> PublicEntry:
    return services.prepare_public_entry(answered(election, cast, **kw), cast["spoc"])


def published(election, cast, **kw) -> PublicEntry:
    public_entry = prepared(election, cast, **kw)
    services.submit_for_approval(public_entry.pk, cast["spoc"])
    return services.approve_and_publish(public_entry.pk, cast["ce"], False, NOW)


def fresh(public_entry: PublicEntry) -> PublicEntry:
    return PublicEntry.objects.get(pk=public_entry.pk)


# --- preparing: the text carries no identifier --------------------------------------------


def test_prepared_text_of_a_real_looking_answer_carries_no_identifier(election, cast, gareth):
    public_entry = prepared(election, cast)
    public_text = "\n".join([public_entry.topic, public_entry.question, public_entry.answer])
    leaked = [i for i in IDENTIFIERS if i.lower() in public_text.lower()]
    assert leaked == []
    assert "[requester]" in public_entry.question
    assert "[candidate]" in public_entry.question
    assert "[party]" in public_entry.question
    # Ordinary words and the office's public contacts survive.
    for kept in [
        "times in rural areas have doubled. Is that true?",
        "How many officers cover the Eden district at",
        "Eight officers cover the\ndistrict overnight",
        "Thank you for your question.",
        "spoc@testshire.example.org",
        "07700 900002",
        "paro@testshire.example.org",
        "Election SPOC",
    ]:
        assert kept in public_text, kept
    assert (public_entry.reference, public_entry.status) == (
        f"{election.reference_prefix}-0001",
        "draft",
    )
    assert (public_entry.received_on, public_entry.answered_on) == (RECEIVED.date(), NOW.date())
    assert (public_entry.answering_body, public_entry.is_foi) == ("office", False)


def test_private_text_and_what_was_hidden_stay_out_of_public_fields(election, cast, gareth):
    public_entry = prepared(election, cast)
    private = {t.field: t.text for t in PrivateText.objects.filter(public_entry=public_entry)}
    assert private == {"topic": "Rural response times", "question": QUESTION, "answer": ANSWER}
    hidden = PublicRedaction.objects.filter(public_entry=public_entry)
    for redaction in hidden:
        assert private[redaction.field][redaction.start : redaction.end] == redaction.original
        assert redaction.source == "automatic"
    # A public entry has no way back to its private text or redactions.
    assert not hasattr(public_entry, "privatetext_set")
    assert not hasattr(public_entry, "publicredaction_set")


def test_a_candidate_asking_is_shown_as_candidate(election, cast, gareth):
    public_entry = prepared(
        election,
        cast,
        question="Gareth Llewellyn-Harris asks how many PCSOs there are.",
        answer="There are 42 PCSOs.",
        **from_candidate(gareth),  # Gareth Llewellyn-Harris, gareth@llewellyn4pcc.example.org
        requester_phone="",
        requester_address="",
    )
    assert public_entry.question == "[candidate] asks how many PCSOs there are."
    assert public_entry.answer == "There are 42 PCSOs."


@pytest.mark.parametrize(
    ("status", "has_answer", "expected"),
    [
        ("sent", True, True),
        ("closed", True, True),
        ("sent", False, False),
        ("answer_drafted", True, False),
        ("approved", True, False),
        ("answered_by_material", True, False),
        ("referred_to_paro", True, False),
        ("refused", True, False),
        ("duplicate", True, False),
        ("booked", True, False),
    ],
)
def test_only_an_answer_that_was_sent_can_be_published(status, has_answer, expected):
    assert rules.can_publish_register_entry(status, has_answer) is expected


def test_an_entry_not_yet_sent_or_already_prepared_is_refused(election, cast):
    draft = answered(election, cast, sent=False)
    with pytest.raises(rules.PublishingError, match="Only an answer that was sent"):
        services.prepare_public_entry(draft, cast["spoc"])
    entry = answered(election, cast)
    services.prepare_public_entry(entry, cast["spoc"])
    with pytest.raises(rules.PublishingError, match="already has a public entry"):
        services.prepare_public_entry(entry, cast["spoc"])


def test_meeting_and_event_notes_get_their_own_references(election, cast, gareth):
    at = datetime(2024, 4, 8, 9, 0, tzinfo=LONDON)
    ada = declared_candidate(
        election, cast["spoc"], at=at, name="Ada Northcott", emails=["ada@example.org"]
    )
    with time_machine.travel(at, tick=False):
        entry = logged(
            election,
            cast["spoc"],
            received_at=at - timedelta(hours=1),
            kind="meeting",
            topic="Meeting",
            question="May I meet the Chief Executive?",
            **from_candidate(ada),
        )
        booking = briefings.prepare_booking(
            entry,
            by=cast["spoc"],
            kind="meeting_ce",
            advance_questions="Ada Northcott asks about the estates strategy.",
            material_check_note="Checked the estates plan",
        )
        briefings.set_booking_status(booking.pk, "approved", by=cast["ce"])
        start = at + timedelta(days=2)
        briefings.set_booking_status(
            booking.pk,
            "scheduled",
            by=cast["spoc"],
            schedule=briefings.Schedule(start, start + timedelta(hours=1), "HQ", "Chief Exec"),
        )
        briefings.set_booking_status(
            booking.pk,
            "held",
            by=cast["spoc"],
            notes="Ms Northcott and Gareth's agent Priya Ramanathan discussed the estates plan.",
        )
    notes = services.prepare_meeting_notes(booking, cast["spoc"])
    assert notes.reference == f"{election.reference_prefix}-M-0001"
    assert notes.question == "[candidate] asks about the estates strategy."
    assert (
        notes.answer
        == "[candidate] and [candidate]'s agent [candidate] discussed the estates plan."
    )
    assert (notes.answered_on, notes.answering_body) == (start.date(), "office")

    event = BriefingEvent.objects.create(
        election=election,
        title="Briefing on the police budget",
        starts_at=IN_PERIOD,
        ends_at=IN_PERIOD + timedelta(hours=2),
        place="HQ",
        invited_at=NOW,
        notes="Questions from Gaz Harris (gareth@llewellyn4pcc.example.org) on overtime.",
        created_by=cast["spoc"],
    )
    event_notes = services.prepare_event_notes(event, cast["spoc"])
    assert event_notes.reference == f"{election.reference_prefix}-E-0001"
    assert event_notes.answer == "Questions from [candidate] ([email address]) on overtime."
    assert event_notes.topic == "Briefing on the police budget"


# --- the gate -------------------------------------------------------------------------------


def test_the_gate_returns_only_published_entries(election, cast, gareth):
    draft = prepared(election, cast)
    waiting = prepared(election, cast)
    services.submit_for_approval(waiting.pk, cast["spoc"])
    live = published(election, cast)
    gone = published(election, cast)
    services.withdraw(gone.pk, "Published in error.", cast["spoc"])
    published(ElectionFactory(), cast)  # another election's

    assert [e.pk for e in queries.published_entries(election)] == [live.pk]
    assert {e.status for e in PublicEntry.objects.filter(election=election)} == {
        "draft",
        "awaiting_approval",
        "published",
        "withdrawn",
    }
    notices = list(queries.withdrawn_notices(election))
    assert [(n.pk, n.withdrawn_reason) for n in notices] == [(gone.pk, "Published in error.")]
    assert draft.pk not in {n.pk for n in notices}


def test_the_gate_refuses_to_load_anything_private(election, cast, gareth):
    published(election, cast)
    row = queries.published_entries(election).get()
    assert "[requester]" in row.answer
    for private in ("entry", "prepared_by", "approved_by", "booking", "election"):
        with pytest.raises(FieldFetchBlocked):
            getattr(row, private)
    notice_fields = set(queries.PUBLIC_WITHDRAWAL_FIELDS)
    assert "question" not in notice_fields and "answer" not in notice_fields


def test_published_materials_and_events(election, cast):
    BriefingMaterial.objects.create(
        election=election, title="Budget", topic="Money", url="https://x.example", published=True
    )
    BriefingMaterial.objects.create(
        election=election, title="Draft", topic="Money", url="https://y.example"
    )
    common = dict(
        election=election,
        starts_at=IN_PERIOD,
        ends_at=IN_PERIOD + timedelta(hours=1),
        place="HQ",
        created_by=cast["spoc"],
        notes="Raw notes naming people",
    )
    invited = BriefingEvent.objects.create(title="Invited", invited_at=NOW, **common)
    BriefingEvent.objects.create(title="Not yet announced", **common)
    off = BriefingEvent.objects.create(
        title="Off", invited_at=NOW, cancelled_at=NOW, cancelled_reason="Snow", **common
    )
    assert [m.title for m in queries.published_materials(election)] == ["Budget"]
    events = list(queries.published_events(election))
    # A cancelled event stays on the public page, marked cancelled with its reason (issue 13).
    assert [e.pk for e in events] == [invited.pk, off.pk]
    assert (events[1].cancelled_at, events[1].cancelled_reason) == (NOW, "Snow")
    with pytest.raises(FieldFetchBlocked):
        events[0].notes  # raw notes go out only as a reviewed public entry  # noqa: B018


# --- four eyes and the pre-election period ------------------------------------------------


def test_four_eyes_the_preparer_cannot_approve(election, cast, gareth):
    public_entry = prepared(election, cast)
    services.submit_for_approval(public_entry.pk, cast["spoc"])
    with pytest.raises(rules.PublishingError, match="You prepared this entry"):
        services.approve_and_publish(public_entry.pk, cast["spoc"], True, NOW)
    services.approve_and_publish(public_entry.pk, cast["spoc2"], False, NOW)
    public_entry = fresh(public_entry)
    assert (public_entry.status, public_entry.approved_by) == ("published", cast["spoc2"])
    assert public_entry.published_at == NOW


def test_four_eyes_also_holds_in_the_database(election, cast, gareth):
    public_entry = published(election, cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        PublicEntry.objects.filter(pk=public_entry.pk).update(approved_by=cast["spoc"])


def test_whoever_restores_text_cannot_approve(election, cast, gareth):
    public_entry = prepared(election, cast)
    party = PublicRedaction.objects.get(public_entry=public_entry, kind="party")
    services.restore(public_entry.pk, party.pk, "The party is public here.", cast["ce"], None)
    services.submit_for_approval(public_entry.pk, cast["spoc"])
    with pytest.raises(rules.PublishingError, match="You restored redacted text"):
        services.approve_and_publish(public_entry.pk, cast["ce"], False, NOW)
    services.approve_and_publish(public_entry.pk, cast["spoc2"], False, NOW)
    assert fresh(public_entry).status == "published"


def test_only_a_submitted_entry_is_approved(election, cast, gareth):
    public_entry = prepared(election, cast)
    with pytest.raises(rules.PublishingError, match="draft cannot become published"):
        services.approve_and_publish(public_entry.pk, cast["ce"], True, NOW)


@pytest.mark.parametrize(
    ("moment", "in_period"),
    [
        (BEFORE_PERIOD, False),
        (PERIOD_STARTS, True),
        (IN_PERIOD, True),
        (POLL_CLOSES - timedelta(minutes=1), True),
        (POLL_CLOSES, False),
    ],
)
def test_factual_confirmation_is_required_in_the_pre_election_period_only(
    election, cast, gareth, moment, in_period
):
    public_entry = prepared(election, cast)
    services.submit_for_approval(public_entry.pk, cast["spoc"])
    with time_machine.travel(moment, tick=False):
        if in_period:
            with pytest.raises(rules.PublishingError, match=r"Cumbria protocol 11\.2, 11\.3"):
                services.approve_and_publish(public_entry.pk, cast["ce"], False)
            services.approve_and_publish(public_entry.pk, cast["ce"], True)
        else:
            services.approve_and_publish(public_entry.pk, cast["ce"], False)
    public_entry = fresh(public_entry)
    assert (public_entry.status, public_entry.factual_confirmed) == ("published", in_period)


def test_returning_to_draft_needs_a_reason_and_clears_nothing_public(election, cast, gareth):
    public_entry = prepared(election, cast)
    services.submit_for_approval(public_entry.pk, cast["spoc"])
    with pytest.raises(rules.PublishingError, match="what needs changing"):
        services.return_to_draft(public_entry.pk, " ", cast["ce"])
    services.return_to_draft(public_entry.pk, "Hide the district name.", cast["ce"])
    public_entry = fresh(public_entry)
    assert public_entry.status == "draft"
    assert public_entry.history.first().history_change_reason == "Draft: Hide the district name."


def test_approval_schedules_the_public_site_after_commit(
    election, cast, gareth, monkeypatch, django_capture_on_commit_callbacks
):
    enqueued = []
    monkeypatch.setattr("publishing.site.publish.enqueue_run", enqueued.append)
    public_entry = prepared(election, cast)
    services.submit_for_approval(public_entry.pk, cast["spoc"])
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_and_publish(public_entry.pk, cast["ce"], False, NOW)
    run = PublishRun.objects.get(election=election)
    assert (run.status, enqueued) == ("queued", [run.pk])
    PublishRun.objects.filter(pk=run.pk).update(status="published")
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(public_entry.pk, "Superseded.", cast["spoc"])
    again = PublishRun.objects.get(election=election, status="queued")
    assert enqueued == [run.pk, again.pk]


def test_a_stale_version_is_refused(election, cast, gareth):
    public_entry = prepared(election, cast)
    version = public_entry.version
    services.redact_more(
        public_entry.pk, "question", "Eden", "Small district: identifies", cast["spoc"], version
    )
    with pytest.raises(services.ConcurrentEditError, match="Someone else changed"):
        services.submit_for_approval(public_entry.pk, cast["spoc"], expected_version=version)
    assert fresh(public_entry).status == "draft"


# --- redact more, restore ------------------------------------------------------------------


def test_a_manual_redaction_needs_a_reason(election, cast, gareth):
    public_entry = prepared(election, cast)
    with pytest.raises(rules.PublishingError, match="Give a reason"):
        services.redact_more(public_entry.pk, "question", "Eden", "  ", cast["spoc"], None)
    assert not PublicRedaction.objects.filter(public_entry=public_entry, source="manual").exists()


def test_a_manual_redaction_hides_every_occurrence_in_any_case(election, cast):
    public_entry = prepared(
        election,
        cast,
        question="Is the Eden station open? EDEN residents ask; eden matters. Edenvale too.",
        answer="Yes.",
    )
    added = services.redact_more(
        public_entry.pk,
        "question",
        "eden",
        "A small place: identifies the requester",
        cast["spoc"],
        public_entry.version,
        kind="address",
    )
    public_entry = fresh(public_entry)
    assert added == 3
    assert public_entry.question == (
        "Is the [address] station open? [address] residents ask; [address] matters. Edenvale too."
    )
    manual = PublicRedaction.objects.filter(public_entry=public_entry, source="manual")
    assert {(r.original, r.reason, r.by_id) for r in manual} == {
        (word, "A small place: identifies the requester", cast["spoc"].pk)
        for word in ("Eden", "EDEN", "eden")
    }
    with pytest.raises(rules.PublishingError, match="already hidden everywhere"):
        services.redact_more(public_entry.pk, "question", "Eden", "again", cast["spoc"], None)
    with pytest.raises(rules.PublishingError, match="does not occur"):
        services.redact_more(public_entry.pk, "question", "Carlisle", "x", cast["spoc"], None)


def test_restore_puts_the_original_back_at_its_span(election, cast, gareth):
    public_entry = prepared(
        election,
        cast,
        question="Did Gareth Llewellyn-Harris of the Greens ask about Eden and Penrith?",
        answer="No.",
    )
    services.redact_more(public_entry.pk, "question", "Eden", "Small place", cast["spoc"], None)
    party = PublicRedaction.objects.get(public_entry=public_entry, kind="party")
    with pytest.raises(rules.PublishingError, match="Give a reason"):
        services.restore(public_entry.pk, party.pk, "", cast["spoc"], None)
    services.restore(
        public_entry.pk, party.pk, "Party policy question, not a person", cast["spoc"], None
    )
    public_entry = fresh(public_entry)
    assert public_entry.question == (
        "Did [candidate] of the Greens ask about [removed] and Penrith?"
    )
    party.refresh_from_db()
    assert (party.restored, party.restored_by, party.restored_reason) == (
        True,
        cast["spoc"],
        "Party policy question, not a person",
    )
    with pytest.raises(rules.PublishingError, match="not in force"):
        services.restore(public_entry.pk, party.pk, "again", cast["spoc"], None)


def test_a_published_entry_changes_only_through_a_correction(election, cast, gareth):
    public_entry = published(election, cast)
    with pytest.raises(rules.PublishingError, match="through a correction"):
        services.redact_more(public_entry.pk, "answer", "Eden", "x", cast["spoc"], None)
    redaction = PublicRedaction.objects.filter(public_entry=public_entry).first()
    with pytest.raises(rules.PublishingError, match="through a correction"):
        services.restore(public_entry.pk, redaction.pk, "x", cast["spoc"], None)


# --- corrections and withdrawal --------------------------------------------------------------


def test_a_correction_goes_live_only_when_a_second_person_approves_it(election, cast, gareth):
    public_entry = prepared(election, cast)
    services.redact_more(
        public_entry.pk, "answer", "Eight", "The number identifies a station", cast["spoc"], None
    )
    services.submit_for_approval(public_entry.pk, cast["spoc"])
    services.approve_and_publish(public_entry.pk, cast["ce"], False, NOW)
    approved_answer = fresh(public_entry).answer
    later, approval = NOW + timedelta(days=3), NOW + timedelta(days=4)
    corrected = (
        "The average was 19 minutes in 2023. Eight officers, and Gareth Llewellyn-Harris "
        "was told the same."
    )
    with time_machine.travel(later, tick=False):
        correction = services.correct(
            public_entry.pk,
            corrected,
            "The 2023 figure was corrected from 18 to 19 minutes.",
            cast["ce"],
        )
    # Waiting: nothing public changed, no note shown.
    assert (correction.status, correction.corrected_on, correction.approved_by) == (
        "pending",
        None,
        None,
    )
    assert fresh(public_entry).answer == approved_answer
    row = queries.published_entries(election).get()
    assert (row.answer, row.approved_corrections) == (approved_answer, [])
    # Whoever wrote it cannot approve it.
    with pytest.raises(rules.PublishingError, match="You wrote this correction"):
        services.approve_correction(correction.pk, cast["ce"])
    # The approver is shown what the public will read.
    assert services.preview_correction(correction) == (
        "The average was 19 minutes in 2023. [removed] officers, and [candidate] was told the same."
    )
    with time_machine.travel(approval, tick=False):
        services.approve_correction(correction.pk, cast["spoc"])
    public_entry = fresh(public_entry)
    assert public_entry.status == "published"
    assert public_entry.answer == (
        "The average was 19 minutes in 2023. [removed] officers, and [candidate] was told the same."
    )
    correction.refresh_from_db()
    assert (
        correction.note,
        correction.corrected_on,
        correction.by,
        correction.approved_by,
        correction.status,
    ) == (
        "The 2023 figure was corrected from 18 to 19 minutes.",
        approval.date(),
        cast["ce"],
        cast["spoc"],
        "approved",
    )
    # The entry's approval stays the first one's; the history names the correction's approver.
    assert public_entry.approved_by == cast["ce"]
    last = public_entry.history.order_by("-history_date", "-history_id").first()
    assert last.history_user == cast["spoc"]
    assert last.history_change_reason.startswith(f"Correction by {cast['ce'].get_username()}")
    row = queries.published_entries(election).get()
    assert [(c.note, c.corrected_on) for c in row.approved_corrections] == [
        (correction.note, approval.date())
    ]
    # The old answer's redactions are kept, superseded.
    assert PublicRedaction.objects.filter(public_entry=public_entry, superseded=True).exists()


def test_a_correction_cannot_be_approved_by_its_writer_even_in_the_database(election, cast, gareth):
    public_entry = published(election, cast)
    correction = services.correct(public_entry.pk, "New answer.", "Figure fixed.", cast["spoc"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Correction.objects.filter(pk=correction.pk).update(
            status="approved", approved_by=cast["spoc"], corrected_on=NOW.date()
        )


def test_a_rejected_correction_changes_nothing_public(election, cast, gareth):
    public_entry = published(election, cast)
    answer = fresh(public_entry).answer
    correction = services.correct(public_entry.pk, "New answer.", "Figure fixed.", cast["spoc"])
    with pytest.raises(rules.PublishingError, match="waiting for approval"):
        services.correct(public_entry.pk, "Other answer.", "Other fix.", cast["ce"])
    with pytest.raises(rules.PublishingError, match="Say why"):
        services.reject_correction(correction.pk, " ", cast["ce"])
    services.reject_correction(correction.pk, "The 18 was right.", cast["ce"])
    correction.refresh_from_db()
    assert (correction.status, correction.rejected_by, correction.rejected_reason) == (
        "rejected",
        cast["ce"],
        "The 18 was right.",
    )
    with pytest.raises(rules.PublishingError, match="no longer waiting"):
        services.approve_correction(correction.pk, cast["ce"])
    row = queries.published_entries(election).get()
    assert (row.answer, row.approved_corrections) == (answer, [])


def test_a_correction_needs_a_note_and_factual_confirmation_in_the_period(election, cast, gareth):
    public_entry = published(election, cast)
    with pytest.raises(rules.PublishingError, match="correction note"):
        services.correct(public_entry.pk, "New answer.", " ", cast["ce"])
    with time_machine.travel(IN_PERIOD, tick=False):
        correction = services.correct(public_entry.pk, "New answer.", "Figure fixed.", cast["ce"])
        with pytest.raises(rules.PublishingError, match=r"11\.2, 11\.3"):
            services.approve_correction(correction.pk, cast["spoc"])
        services.approve_correction(correction.pk, cast["spoc"], factual_confirmed=True)
    assert fresh(public_entry).answer == "New answer."
    correction.refresh_from_db()
    assert correction.factual_confirmed is True


def test_the_review_page_offers_the_correction_to_a_second_person_only(
    client, election, cast, gareth
):
    public_entry = published(election, cast)
    url = reverse("publishing:review", args=[public_entry.pk])
    client.force_login(cast["ce"])
    response = client.post(
        reverse("publishing:correct", args=[public_entry.pk]),
        {
            "correct-version": fresh(public_entry).version,
            "correct-answer": "Eight officers; Gareth Llewellyn-Harris was told.",
            "correct-note": "Fewer words.",
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "You wrote this correction: someone else must approve it." in page
    assert 'id="approve-correction"' not in page
    correction = Correction.objects.get(public_entry=public_entry)
    # Posting the approval anyway is refused, the correction left waiting.
    response = client.post(
        reverse("publishing:approve_correction", args=[public_entry.pk, correction.pk]),
        {"approve-correction-version": fresh(public_entry).version},
    )
    assert response.status_code == 400
    assert "You wrote this correction" in response.content.decode()
    correction.refresh_from_db()
    assert correction.status == "pending"
    client.force_login(cast["spoc"])
    page = client.get(url).content.decode()
    assert 'id="approve-correction"' in page
    assert "Eight officers; [candidate] was told." in page  # the public preview
    response = client.post(
        reverse("publishing:approve_correction", args=[public_entry.pk, correction.pk]),
        {"approve-correction-version": fresh(public_entry).version},
    )
    assert response.status_code == 302
    correction.refresh_from_db()
    assert (correction.status, correction.approved_by) == ("approved", cast["spoc"])
    assert fresh(public_entry).answer == "Eight officers; [candidate] was told."


def test_withdrawal_keeps_a_public_reason(election, cast, gareth):
    public_entry = published(election, cast)
    with pytest.raises(rules.PublishingError, match="reason for withdrawal"):
        services.withdraw(public_entry.pk, "", cast["spoc"])
    services.withdraw(public_entry.pk, "It named a small village.", cast["spoc"])
    public_entry = fresh(public_entry)
    assert (public_entry.status, public_entry.withdrawn_reason, public_entry.withdrawn_at) == (
        "withdrawn",
        "It named a small village.",
        NOW,
    )
    assert list(queries.published_entries(election)) == []
    assert [n.withdrawn_reason for n in queries.withdrawn_notices(election)] == [
        "It named a small village."
    ]
    with pytest.raises(rules.PublishingError, match="only through a correction"):
        services.set_public_status(public_entry.pk, "draft", by=cast["spoc"])


def test_a_withdrawn_entry_returns_through_a_correction_and_a_second_approval(
    election, cast, gareth
):
    public_entry = published(election, cast)
    services.withdraw(public_entry.pk, "It named a small village.", cast["spoc"])
    correction = services.correct(
        public_entry.pk, ANSWER, "The village name is removed.", cast["ce"]
    )
    public_entry = fresh(public_entry)
    assert (public_entry.status, public_entry.approved_by) == ("draft", None)
    # The notice stays public until the corrected entry is published again.
    assert [n.pk for n in queries.withdrawn_notices(election)] == [public_entry.pk]
    services.redact_more(public_entry.pk, "question", "Eden", "Small place", cast["spoc"], None)
    services.submit_for_approval(public_entry.pk, cast["spoc"])
    # The corrector cannot approve their own correction, though someone else prepared it.
    with pytest.raises(rules.PublishingError, match="You wrote this correction"):
        services.approve_and_publish(public_entry.pk, cast["ce"], False, NOW)
    services.approve_and_publish(public_entry.pk, cast["spoc2"], False, NOW)
    public_entry = fresh(public_entry)
    assert (public_entry.status, public_entry.withdrawn_reason) == ("published", "")
    assert list(queries.withdrawn_notices(election)) == []
    row = queries.published_entries(election).get()
    assert "Eden" not in row.question
    correction.refresh_from_db()
    assert (correction.status, correction.approved_by, correction.corrected_on) == (
        "approved",
        cast["spoc2"],
        NOW.date(),
    )
    assert [c.note for c in row.approved_corrections] == ["The village name is removed."]


# --- permissions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "view", "prepare", "edit", "approve"),
    [
        ("spoc", True, True, True, True),
        ("ce", True, True, True, True),
        ("auditor", True, False, False, False),
        ("liaison", False, False, False, False),
    ],
)
def test_permissions_by_role(cast, role, view, prepare, edit, approve):
    user = cast[role]
    assert permissions.can_view_publishing(user) is view
    assert permissions.can_prepare_public_entries(user) is prepare
    assert permissions.can_edit_public_entries(user) is edit
    assert permissions.can_approve_public_entries(user) is approve


def test_can_prepare_from_entry_allowed_and_forbidden(election, cast):
    entry = answered(election, cast)
    assert permissions.can_prepare_from_entry(cast["spoc"], entry)
    assert not permissions.can_prepare_from_entry(cast["auditor"], entry)
    services.prepare_public_entry(entry, cast["spoc"])
    assert not permissions.can_prepare_from_entry(cast["spoc"], entry)


def test_can_prepare_from_booking_and_event_forbidden_until_there_are_notes(election, cast):
    event = BriefingEvent.objects.create(
        election=election,
        title="Budget",
        starts_at=IN_PERIOD,
        ends_at=IN_PERIOD + timedelta(hours=1),
        place="HQ",
        invited_at=NOW,
        created_by=cast["spoc"],
    )
    assert not permissions.can_prepare_from_event(cast["spoc"], event)
    event.notes = "Notes."
    assert permissions.can_prepare_from_event(cast["spoc"], event)
    assert not permissions.can_prepare_from_event(cast["auditor"], event)


def test_get_public_entry_for_user_404_alike(election, cast, gareth):
    from django.http import Http404

    public_entry = prepared(election, cast)
    assert permissions.get_public_entry_for_user(cast["auditor"], public_entry.pk) == public_entry
    for user, pk in ((cast["liaison"], public_entry.pk), (cast["spoc"], public_entry.pk + 99)):
        with pytest.raises(Http404):
            permissions.get_public_entry_for_user(user, pk)


# --- the staff pages ---------------------------------------------------------------------------


def test_list_queries_do_not_grow(client, election, cast, count_queries):
    client.force_login(cast["spoc"])
    url = reverse("publishing:list")
    prepared(election, cast)
    answered(election, cast)  # ready to prepare
    one = count_queries(lambda: client.get(url))
    for _ in range(2):
        published(election, cast)
        answered(election, cast)
    response = client.get(url)
    three = count_queries(lambda: client.get(url))
    assert one == three
    assert response.content.decode().count(f"{election.reference_prefix}-000") == 6


def test_review_shows_original_and_public_side_by_side(client, election, cast, gareth):
    public_entry = prepared(election, cast)
    client.force_login(cast["auditor"])
    response = client.get(reverse("publishing:review", args=[public_entry.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<mark>Dorothy Pennington-Smythe</mark>" in page
    assert "<mark>[requester]</mark>" in page
    assert "person</a></sup>" in page  # the kind beside each highlight
    assert "style=" not in page and "<script>" not in page  # strict CSP
    assert 'action="/publishing/' not in page.split("Redactions")[1]  # the auditor only reads


def test_the_auditor_cannot_act_and_a_liaison_cannot_see(client, election, cast, gareth):
    public_entry = prepared(election, cast)
    client.force_login(cast["auditor"])
    response = client.post(
        reverse("publishing:submit", args=[public_entry.pk]),
        {"submit-version": public_entry.version},
    )
    assert response.status_code == 403
    client.force_login(cast["liaison"])
    assert client.get(reverse("publishing:list")).status_code == 403
    assert client.get(reverse("publishing:review", args=[public_entry.pk])).status_code == 404


def test_views_keep_the_typed_input_on_error(client, election, cast, gareth):
    public_entry = prepared(election, cast)
    client.force_login(cast["spoc"])
    url = reverse("publishing:redact", args=[public_entry.pk])

    def redact(text: str, reason: str):
        """Post an address redaction of the question; return the response and its page."""
        response = client.post(
            url,
            {
                "redact-version": public_entry.version,
                "redact-field": "question",
                "redact-text": text,
                "redact-kind": "address",
                "redact-reason": reason,
            },
        )
        return response, response.content.decode()

    response, page = redact("Eden district", reason="")
    assert response.status_code == 400
    assert 'value="Eden district"' in page
    assert "Give a reason: it is kept with the entry for the approver." in page
    response, page = redact("Carlisle", reason="Place name")
    assert response.status_code == 400
    assert "does not occur in the original question" in page
    assert "Place name</textarea>" in page


def test_approve_view_asks_for_the_factual_confirmation_in_the_period(
    client, election, cast, gareth
):
    public_entry = prepared(election, cast)
    services.submit_for_approval(public_entry.pk, cast["spoc"])
    public_entry = fresh(public_entry)
    url = reverse("publishing:approve", args=[public_entry.pk])
    with time_machine.travel(IN_PERIOD, tick=False):
        client.force_login(cast["ce"])  # signed in then: a session from February has expired
        page = client.get(reverse("publishing:review", args=[public_entry.pk])).content.decode()
        assert 'name="approve-factual_confirmed"' in page
        response = client.post(url, {"approve-version": public_entry.version})
        assert response.status_code == 400
        assert "This is the pre-election period: confirm the content is factual" in (
            response.content.decode()
        )
        response = client.post(
            url, {"approve-version": public_entry.version, "approve-factual_confirmed": "on"}
        )
    assert response.status_code == 302
    assert fresh(public_entry).status == "published"


def test_the_preparer_sees_no_approve_button(client, election, cast, gareth):
    public_entry = prepared(election, cast)
    services.submit_for_approval(public_entry.pk, cast["spoc"])
    client.force_login(cast["spoc"])
    page = client.get(reverse("publishing:review", args=[public_entry.pk])).content.decode()
    assert "You prepared this entry: someone else must approve it." in page
    assert "Approve and publish</button>" not in page


def _step_form(page: str, form_id: str) -> dict:
    """Return the review page's form `form_id`: where it posts, whether its details are open
    and whether it says the step was not done."""
    found = re.search(
        rf'<form method="post" action="([^"]+)" id="{form_id}" novalidate>(.*?)</form>', page, re.S
    )
    assert found, f"no form {form_id}"
    html = found.group(2)
    return {
        "action": found.group(1),
        "open": '<details class="govuk-details" open>' in html,
        "refused": ": not done</h2>" in html,
        "html": html,
    }


def test_restore_and_withdraw_views(client, election, cast, gareth):
    public_entry = prepared(election, cast)
    party = PublicRedaction.objects.get(public_entry=public_entry, kind="party")
    client.force_login(cast["spoc"])
    url = reverse("publishing:restore", args=[public_entry.pk, party.pk])
    prefix = f"restore-{party.pk}"
    response = client.post(url, {f"{prefix}-version": public_entry.version, f"{prefix}-reason": ""})
    assert response.status_code == 400
    response = client.post(
        url, {f"{prefix}-version": public_entry.version, f"{prefix}-reason": "Party is public"}
    )
    assert response.status_code == 302
    assert "Greens" in fresh(public_entry).question
    services.submit_for_approval(public_entry.pk, cast["spoc"])
    services.approve_and_publish(public_entry.pk, cast["ce"], False, NOW)
    public_entry = fresh(public_entry)
    url = reverse("publishing:withdraw", args=[public_entry.pk])
    review = client.get(reverse("publishing:review", args=[public_entry.pk])).content.decode()
    folded = _step_form(review, "withdraw")
    assert (folded["action"], folded["open"], folded["refused"]) == (url, False, False)
    assert 'name="withdraw-reason"' in folded["html"]
    assert "govuk-button--warning" in folded["html"]
    response = client.post(url, {"withdraw-version": public_entry.version, "withdraw-reason": ""})
    assert response.status_code == 400
    assert fresh(public_entry).status == "published"
    refused = _step_form(response.content.decode(), "withdraw")
    assert (refused["action"], refused["open"], refused["refused"]) == (url, True, True)
    response = client.post(
        url, {"withdraw-version": public_entry.version, "withdraw-reason": "Out of date."}
    )
    assert (response.status_code, fresh(public_entry).withdrawn_reason) == (302, "Out of date.")


def test_prepare_view_and_the_register_link(client, election, cast, gareth):
    entry = answered(election, cast)
    detail = reverse("requests_register:detail", args=[entry.pk])
    prepare = reverse("publishing:prepare", args=[entry.pk])
    client.force_login(cast["auditor"])
    assert prepare not in client.get(detail).content.decode()
    assert client.get(prepare).status_code == 403
    client.force_login(cast["spoc"])
    assert prepare in client.get(detail).content.decode()
    response = client.post(prepare)
    public_entry = PublicEntry.objects.get(entry=entry)
    assert response["Location"] == reverse("publishing:review", args=[public_entry.pk])
    assert prepare not in client.get(detail).content.decode()


def test_navigation_shows_publishing_to_staff_who_may_see_it(client, cast):
    client.force_login(cast["auditor"])
    assert 'href="/publishing/"' in client.get(reverse("dashboard")).content.decode()
    client.force_login(cast["liaison"])
    assert 'href="/publishing/"' not in client.get(reverse("dashboard")).content.decode()
