from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from briefings import rules, services
from briefings.models import Booking, BookingLetter, CandidateOffer, OfferItem, VisitType
from candidates.services import create_candidate
from election_protocol.calendar import LONDON
from election_protocol.roles import Role
from requests_register.models import Entry, OutboundAttachment, OutboundEmail
from tests.builders import declared_candidate, from_candidate, logged, prepared_booking
from tests.clock import IN_THE_PERIOD as NOW

pytestmark = pytest.mark.usefixtures("in_the_period_clock")


@pytest.fixture(autouse=True)
def _chiefs_in_post(cast):
    """Both chiefs hold their roles: a booking that involves one waits for them."""
    return cast["cc"], cast["cfo"]


@pytest.fixture
def ada(election, cast):
    at = datetime(2024, 4, 8, 9, 0, tzinfo=LONDON)
    return declared_candidate(election, cast["spoc"], at=at, emails=["ada@example.org"])


RECEIVED = datetime(2024, 4, 9, 9, tzinfo=LONDON)


def _booking(election, cast, candidate, kind="meeting_cc", **kw) -> Booking:
    return prepared_booking(election, cast, candidate, kind=kind, received_at=RECEIVED, **kw)


def _logged(election, by, **fields) -> Entry:
    """A meeting request logged on the register the day before NOW (`fields` win)."""
    values = {"received_at": RECEIVED, "kind": "meeting", "topic": "Meeting", "question": "May I?"}
    return logged(election, by, **{**values, **fields})


def _prepare(entry, cast) -> Booking:
    """The SPOC prepares a meeting with the Chief Constable from `entry`."""
    return services.prepare_booking(
        entry, by=cast["spoc"], kind="meeting_cc", advance_questions="Q", material_check_note="x"
    )


def test_a_meeting_with_the_chief_executive_needs_no_chief(election, cast, ada):
    booking = _booking(election, cast, ada, kind="meeting_ce")
    services.set_booking_status(booking.pk, "approved", by=cast["ce"])
    booking.refresh_from_db()
    assert booking.status == "confirmed"  # straight on to scheduling


def test_the_chief_declines_and_a_decline_letter_goes(
    election, cast, ada, django_capture_on_commit_callbacks
):
    booking = _booking(election, cast, ada)
    services.set_booking_status(booking.pk, "approved", by=cast["ce"])
    with pytest.raises(rules.BookingError, match="for the chief involved"):
        services.set_booking_status(booking.pk, "declined", by=cast["cfo"], reason="No")
    with django_capture_on_commit_callbacks(execute=True):
        services.set_booking_status(
            booking.pk, "declined", by=cast["cc"], reason="Operational demands"
        )
    booking.refresh_from_db()
    assert (booking.status, booking.decision_reason) == ("declined", "Operational demands")
    mail = OutboundEmail.objects.get(purpose="booking_decline")
    assert mail.to == ["ada@example.org"]
    attachment = OutboundAttachment.objects.get(email=mail)
    assert attachment.filename.endswith("-decline.pdf") and bytes(attachment.data).startswith(
        b"%PDF"
    )


def test_the_spoc_cannot_approve_and_the_chief_executive_must_give_reasons_to_decline(
    election, cast, ada
):
    booking = _booking(election, cast, ada)
    with pytest.raises(rules.BookingError, match="for the Chief Executive"):
        services.set_booking_status(booking.pk, "approved", by=cast["spoc"])
    with pytest.raises(rules.BookingError, match="Give the reason"):
        services.set_booking_status(booking.pk, "declined", by=cast["ce"])


def test_a_visit_goes_to_the_chief_whose_premises_it_is(election, cast, ada):
    booking = _booking(
        election, cast, ada, kind="visit", visit_type=VisitType.objects.get(name="Fire station")
    )
    services.set_booking_status(booking.pk, "approved", by=cast["ce"])
    assert cast["cfo"].has_perm("briefings.confirm_booking", booking)
    assert not cast["cc"].has_perm("briefings.confirm_booking", booking)


def test_schedule_held_and_the_offer_follows(election, cast, ada):
    item = OfferItem.objects.create(
        election=election, title="1:1 with the Chief Constable", kind="meeting_cc"
    )
    services.offer_to_candidate(ada, by=cast["spoc"])
    booking = _booking(election, cast, ada, offer_item=item)
    services.set_booking_status(booking.pk, "approved", by=cast["ce"])  # offered to all: no warning
    services.set_booking_status(booking.pk, "confirmed", by=cast["cc"])
    assert CandidateOffer.objects.get(item=item, candidate=ada).state == "accepted"
    start = datetime(2024, 4, 15, 10, tzinfo=LONDON)
    with pytest.raises(rules.BookingError, match="date, time, place and host"):
        services.set_booking_status(booking.pk, "scheduled", by=cast["spoc"])
    services.set_booking_status(
        booking.pk,
        "scheduled",
        by=cast["spoc"],
        schedule=services.Schedule(start, start + timedelta(hours=1), "HQ", "The Chief Constable"),
    )
    with pytest.raises(rules.BookingError, match="notes"):
        services.set_booking_status(booking.pk, "held", by=cast["spoc"])
    services.set_booking_status(booking.pk, "held", by=cast["spoc"], notes="Discussed patrols.")
    assert CandidateOffer.objects.get(item=item, candidate=ada).state == "held"
    assert list(booking.steps.values_list("new_status", flat=True)) == [
        "prepared",
        "approved",
        "confirmed",
        "scheduled",
        "held",
    ]


def test_cancelling_tells_the_candidate(election, cast, ada):
    booking = _booking(election, cast, ada)
    services.set_booking_status(
        booking.pk, "cancelled", by=cast["spoc"], reason="The chief is unwell."
    )
    mail = OutboundEmail.objects.get(purpose="booking_cancelled")
    assert "The chief is unwell." in mail.body


def test_only_candidates_requests_become_bookings_and_only_once(election, cast, ada):
    booking = _booking(election, cast, ada)
    with pytest.raises(rules.BookingError, match="already has a booking"):
        _prepare(booking.entry, cast)
    public = _logged(
        election,
        cast["spoc"],
        requester_name="Pat Public",
        requester_email="pat@example.org",
    )
    with pytest.raises(rules.BookingError, match="Only a request from a candidate"):
        _prepare(public, cast)


def test_who_sees_bookings(client, election, cast, ada, make_user):
    booking = _booking(election, cast, ada)
    url = reverse("briefings:booking", args=[booking.pk])
    client.force_login(make_user(Role.AUDITOR, username="aud"))
    page = client.get(url)
    assert page.status_code == 200 and page.context["steps"] == []  # reads, cannot act
    assert (
        client.post(
            reverse("briefings:step", args=[booking.pk]), {"status": "approved"}
        ).status_code
        == 400
    )
    booking.refresh_from_db()
    assert booking.status == "prepared"
    client.force_login(make_user(Role.POLICE_LIAISON, username="lia"))
    assert client.get(url).status_code == 404
    assert client.get(reverse("briefings:offer")).status_code == 403
    client.force_login(cast["cc"])
    assert client.get(url).status_code == 404  # not yet approved for them


def test_a_failed_schedule_keeps_what_was_typed(client, election, cast, ada):
    booking = _booking(election, cast, ada, kind="meeting_ce")
    services.set_booking_status(booking.pk, "approved", by=cast["ce"])
    client.force_login(cast["spoc"])
    response = client.post(
        reverse("briefings:step", args=[booking.pk]),
        {
            "status": "scheduled",
            "starts_at": "2024-04-15T10:00",
            "ends_at": "2024-04-15T09:00",
            "place": "HQ",
            "host": "",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "The end must be after the start." in html and "Required to schedule it." in html
    assert 'value="HQ"' in html and 'value="2024-04-15T10:00"' in html


def test_the_dashboard_costs_the_same_queries_for_one_and_three_bookings(
    client, election, cast, ada, count_queries
):
    at = datetime(2024, 4, 8, 9, tzinfo=LONDON)
    others = [
        declared_candidate(
            election, cast["spoc"], at=at, name=f"Other {n}", emails=[f"o{n}@example.org"]
        )
        for n in range(2)
    ]

    def approve(candidate):
        booking = _booking(election, cast, candidate)
        services.set_booking_status(booking.pk, "approved", by=cast["ce"], parity_acknowledged=True)

    approve(ada)
    client.force_login(cast["cc"])
    client.get(reverse("briefings:dashboard"))  # the first request after login does more
    one = count_queries(lambda: client.get(reverse("briefings:dashboard")))
    for candidate in others:
        approve(candidate)
    three = count_queries(lambda: client.get(reverse("briefings:dashboard")))
    assert len(client.get(reverse("briefings:dashboard")).context["awaiting"]) == 3
    assert one == three


def test_chief_rights_follow_the_role_not_the_person(election, cast, ada, make_user):
    from django.contrib.auth.models import Group

    booking = _booking(election, cast, ada)
    services.set_booking_status(booking.pk, "approved", by=cast["ce"])
    new_chief = make_user(Role.CHIEF_CONSTABLE, username="cc2")
    assert rules.Actor.CHIEF in services.actors_for(new_chief, booking)
    cast["cc"].groups.set([Group.objects.get(name=Role.POLICE_LIAISON.value)])
    moved = type(cast["cc"]).objects.get(pk=cast["cc"].pk)  # a fresh request's user
    with pytest.raises(rules.BookingError, match="for the chief involved"):
        services.set_booking_status(booking.pk, "confirmed", by=moved)


def test_approval_is_refused_when_nobody_holds_the_chief_role(election, cast, ada):
    cast["cfo"].groups.clear()
    booking = _booking(election, cast, ada, kind="meeting_cfo")
    with pytest.raises(rules.BookingError, match="Nobody holds the role"):
        services.set_booking_status(booking.pk, "approved", by=cast["ce"])


def test_a_second_click_on_schedule_sends_no_second_letter(
    election, cast, ada, django_capture_on_commit_callbacks
):
    booking = _booking(election, cast, ada, kind="meeting_ce")
    services.set_booking_status(booking.pk, "approved", by=cast["ce"])
    start = datetime(2024, 4, 15, 10, tzinfo=LONDON)
    schedule = services.Schedule(start, start + timedelta(hours=1), "HQ", "The Chief Executive")

    def click_schedule():  # the form's post: the status the page showed comes with it
        services.set_booking_status(
            booking.pk, "scheduled", by=cast["spoc"], schedule=schedule, expected_status="confirmed"
        )

    with django_capture_on_commit_callbacks(execute=True):
        click_schedule()
    with pytest.raises(rules.BookingError, match="changed while you were looking"):
        click_schedule()
    with pytest.raises(rules.BookingError, match="Nothing has changed"):
        services.set_booking_status(booking.pk, "scheduled", by=cast["spoc"], schedule=schedule)
    assert OutboundEmail.objects.filter(purpose="booking_confirmation").count() == 1


def test_preparing_passes_the_entry_to_the_booking_and_guards_the_entry(election, cast, ada):
    booking = _booking(election, cast, ada)
    booking.entry.refresh_from_db()
    assert booking.entry.status == "booked" and not booking.entry.is_open
    phone = _logged(election, cast["spoc"], channel="phone", **from_candidate(ada))
    with pytest.raises(rules.BookingError, match="confirmed the request in writing"):
        _prepare(phone, cast)
    assert not Booking.objects.filter(entry=phone).exists()
    info = _logged(
        election,
        cast["spoc"],
        kind="information",
        topic="Budget",
        question="How much?",
        **from_candidate(ada),
    )
    with pytest.raises(rules.BookingError, match="Only a meeting or visit request"):
        _prepare(info, cast)


def test_hustings_are_refused_when_preparing(election, cast, ada):
    with pytest.raises(rules.BookingError, match="Norfolk protocol 20"):
        _booking(election, cast, ada, kind="hustings")
    assert not Booking.objects.exists()


def test_the_author_of_a_booking_does_not_approve_it(election, cast, ada):
    entry = _logged(election, cast["ce"], **from_candidate(ada))
    booking = services.prepare_booking(
        entry, by=cast["ce"], kind="meeting_ce", advance_questions="Q", material_check_note="x"
    )
    with pytest.raises(rules.BookingError, match="You prepared this booking"):
        services.set_booking_status(booking.pk, "approved", by=cast["ce"])


def test_a_chief_declining_tells_the_office_and_the_offer_still_stands(election, cast, ada):
    item = OfferItem.objects.create(
        election=election, title="1:1 with the Chief Constable", kind="meeting_cc"
    )
    services.offer_to_candidate(ada, by=cast["spoc"])
    booking = _booking(election, cast, ada, offer_item=item)
    services.set_booking_status(booking.pk, "approved", by=cast["ce"])
    services.set_booking_status(booking.pk, "declined", by=cast["cc"], reason="Diary clash")
    told = set()
    for mail in OutboundEmail.objects.filter(
        purpose="booking_notice", subject__contains="declined"
    ):
        told.update(mail.to)
    assert told == {cast["spoc"].email, cast["ce"].email}
    assert CandidateOffer.objects.get(item=item, candidate=ada).state == "offered"


def test_an_offer_item_of_another_kind_is_refused(election, cast, ada):
    tour = OfferItem.objects.create(election=election, title="Custody suite tour", kind="visit")
    with pytest.raises(rules.BookingError, match="is not this kind"):
        _booking(election, cast, ada, offer_item=tour)


def test_nothing_is_recorded_as_offered_or_invited_without_an_address(election, cast, ada):
    from briefings.models import BriefingEvent

    OfferItem.objects.create(election=election, title="Tour", kind="visit")
    silent = create_candidate(
        election=election,
        by=cast["spoc"],
        status="declared",
        at=datetime(2024, 4, 8, 9, tzinfo=LONDON),
        name="No Address",
    )
    assert not CandidateOffer.objects.filter(candidate=silent).exists()
    event = BriefingEvent.objects.create(
        election=election,
        title="Briefing",
        place="Hall",
        created_by=cast["spoc"],
        starts_at=datetime(2024, 4, 18, 18, tzinfo=LONDON),
        ends_at=datetime(2024, 4, 18, 20, tzinfo=LONDON),
    )
    assert services.invite_to_event(event.pk, by=cast["spoc"]) == 1  # Ada only
    assert list(event.attendance.values_list("candidate__name", flat=True)) == ["Ada Example"]


def test_offer_everything_to_everyone_from_the_matrix(client, election, cast, ada):
    OfferItem.objects.create(election=election, title="Custody suite tour", kind="visit")
    client.force_login(cast["spoc"])
    response = client.post(reverse("briefings:offer_to_all"), follow=True)
    assert "1 offer sent." in response.content.decode()
    assert CandidateOffer.objects.get(candidate=ada).state == "offered"
    response = client.post(reverse("briefings:offer_to_all"), follow=True)
    assert "0 offers sent." in response.content.decode()


def test_the_matrix_costs_the_same_queries_for_one_and_three_candidates(
    client, election, cast, ada, count_queries
):
    OfferItem.objects.create(election=election, title="Tour", kind="visit")
    OfferItem.objects.create(election=election, title="Ride-along", kind="visit")
    services.offer_to_candidate(ada, by=cast["spoc"])
    client.force_login(cast["spoc"])
    client.get(reverse("briefings:offer"))
    one = count_queries(lambda: client.get(reverse("briefings:offer")))
    for n in range(2):
        c = declared_candidate(
            election,
            cast["spoc"],
            at=datetime(2024, 4, 8, 9, tzinfo=LONDON),
            name=f"C {n}",
            emails=[f"c{n}@example.org"],
        )
        services.offer_to_candidate(c, by=cast["spoc"])
    three = count_queries(lambda: client.get(reverse("briefings:offer")))
    assert len(client.get(reverse("briefings:offer")).context["rows"]) == 3
    assert one == three


def test_approving_a_visit_for_one_candidate_raises_the_parity_warning(client, election, cast, ada):
    declared_candidate(
        election,
        cast["spoc"],
        at=datetime(2024, 4, 8, 9, tzinfo=LONDON),
        name="Bea Example",
        emails=["bea@example.org"],
    )
    booking = _booking(
        election, cast, ada, kind="visit", visit_type=VisitType.objects.get(name="Custody suite")
    )
    client.force_login(cast["ce"])
    page = client.get(reverse("briefings:booking", args=[booking.pk]))
    assert page.context["parity_gap"] == 1
    assert "This has not been offered to 1 other declared candidate" in page.content.decode()
    with pytest.raises(rules.BookingError, match="Norfolk protocol 19"):
        services.set_booking_status(booking.pk, "approved", by=cast["ce"])
    services.set_booking_status(
        booking.pk,
        "approved",
        by=cast["ce"],
        parity_acknowledged=True,
        reason="Custody tours for all",
    )
    booking.refresh_from_db()
    assert booking.parity_note.startswith("Not yet offered to 1 other declared candidate")


# --- letters: rendered by a task after commit, never under the booking's row lock -------------


def _declined(election, cast, ada) -> Booking:
    booking = _booking(election, cast, ada, kind="meeting_ce")
    services.set_booking_status(booking.pk, "declined", by=cast["ce"], reason="Diary full")
    return booking


def test_the_funnel_records_the_letter_and_renders_nothing_under_its_lock(
    election, cast, ada, monkeypatch, django_capture_on_commit_callbacks
):
    rendered = []
    monkeypatch.setattr(
        "briefings.letters.render_letter_pdf", lambda letter, **kw: rendered.append(letter) or b""
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        booking = _declined(election, cast, ada)
    # Inside the transaction: the letter is owed, nothing rendered, nothing in the outbox.
    [letter] = BookingLetter.objects.filter(booking=booking)
    assert (letter.kind, letter.email_id, rendered) == ("decline", None, [])
    assert not OutboundEmail.objects.filter(purpose="booking_decline").exists()
    assert callbacks  # the rendering waits for the commit
    entry = booking.entry
    entry.refresh_from_db()
    # The letter is the entry's reply: answered, version bumped, a history row naming the CE.
    assert entry.answered_at == NOW
    latest = entry.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        cast["ce"],
        "Booking decline letter to the candidate.",
    )


def test_a_letter_the_broker_lost_is_sent_once_by_the_requeue(
    election, cast, ada, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from briefings import letter_queue, tasks

    def broker_down(**kwargs):
        raise OperationalError("Redis is down")

    monkeypatch.setattr(tasks.task_send_booking_letter, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        booking = _declined(election, cast, ada)
    [letter] = BookingLetter.objects.filter(booking=booking)
    assert letter.email_id is None  # owed, not lost
    monkeypatch.undo()
    assert letter_queue.requeue_booking_letters(now=NOW) == 0  # within the grace minute
    assert letter_queue.requeue_booking_letters(now=NOW + timedelta(minutes=2)) == 1
    letter.refresh_from_db()
    mail = OutboundEmail.objects.get(purpose="booking_decline")
    assert (letter.email_id, mail.to) == (mail.pk, ["ada@example.org"])
    # A redelivered task or a second requeue queues nothing more.
    assert letter_queue.send_booking_letter(letter.pk) == "already queued"
    assert letter_queue.requeue_booking_letters(now=NOW + timedelta(minutes=4)) == 0
    assert OutboundEmail.objects.filter(purpose="booking_decline").count() == 1
