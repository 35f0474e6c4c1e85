from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from briefings import rules, services
from briefings.models import Booking, CandidateOffer, OfferItem, VisitType
from candidates.services import create_candidate
from election_protocol.calendar import LONDON
from election_protocol.roles import Role
from requests_register import services as register
from requests_register.models import OutboundAttachment, OutboundEmail

NOW = datetime(2024, 4, 10, 11, 0, tzinfo=LONDON)
pytestmark = pytest.mark.usefixtures("_frozen")


@pytest.fixture
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def cast(make_user, election):
    users = {
        "spoc": make_user(Role.SPOC, username="s", email="s@example.org"),
        "ce": make_user(Role.CHIEF_EXECUTIVE, username="ce", email="ce@example.org"),
        "cc": make_user(Role.CHIEF_CONSTABLE, username="cc", email="cc@example.org"),
        "cfo": make_user(Role.CHIEF_FIRE_OFFICER, username="cfo", email="cfo@example.org"),
    }
    at = datetime(2024, 4, 8, 9, 0, tzinfo=LONDON)
    ada = create_candidate(
        election=election,
        by=users["spoc"],
        status="declared",
        at=at,
        name="Ada Example",
        emails=["ada@example.org"],
    )
    return users, ada


def _booking(election, users, candidate, kind="meeting_cc", **kw) -> Booking:
    entry = register.log_entry(
        election=election,
        by=users["spoc"],
        received_at=datetime(2024, 4, 9, 9, tzinfo=LONDON),
        channel="email",
        kind="visit" if kind == "visit" else "meeting",
        topic="Meeting",
        question="May I?",
        requester_type="candidate",
        candidate=candidate,
        requester_name=candidate.name,
        requester_email=candidate.emails[0],
    )
    defaults = dict(advance_questions="Questions", material_check_note="Checked the plan")
    defaults.update(kw)
    return services.prepare_booking(entry, by=users["spoc"], kind=kind, **defaults)


def test_a_meeting_with_the_chief_executive_needs_no_chief(election, cast):
    users, ada = cast
    booking = _booking(election, users, ada, kind="meeting_ce")
    services.set_booking_status(booking.pk, "approved", by=users["ce"])
    booking.refresh_from_db()
    assert booking.status == "confirmed"  # straight on to scheduling


def test_the_chief_declines_and_a_decline_letter_goes(election, cast):
    users, ada = cast
    booking = _booking(election, users, ada)
    services.set_booking_status(booking.pk, "approved", by=users["ce"])
    with pytest.raises(rules.BookingError, match="for the chief involved"):
        services.set_booking_status(booking.pk, "declined", by=users["cfo"], reason="No")
    services.set_booking_status(
        booking.pk, "declined", by=users["cc"], reason="Operational demands"
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
    election, cast
):
    users, ada = cast
    booking = _booking(election, users, ada)
    with pytest.raises(rules.BookingError, match="for the Chief Executive"):
        services.set_booking_status(booking.pk, "approved", by=users["spoc"])
    with pytest.raises(rules.BookingError, match="Give the reason"):
        services.set_booking_status(booking.pk, "declined", by=users["ce"])


def test_a_visit_goes_to_the_chief_whose_premises_it_is(election, cast):
    users, ada = cast
    booking = _booking(
        election, users, ada, kind="visit", visit_type=VisitType.objects.get(name="Fire station")
    )
    services.set_booking_status(booking.pk, "approved", by=users["ce"])
    assert users["cfo"].has_perm("briefings.confirm_booking", booking)
    assert not users["cc"].has_perm("briefings.confirm_booking", booking)


def test_schedule_held_and_the_offer_follows(election, cast):
    users, ada = cast
    item = OfferItem.objects.create(
        election=election, title="1:1 with the Chief Constable", kind="meeting_cc"
    )
    services.offer_to_candidate(ada, by=users["spoc"])
    booking = _booking(election, users, ada, offer_item=item)
    services.set_booking_status(
        booking.pk, "approved", by=users["ce"]
    )  # offered to all: no warning
    services.set_booking_status(booking.pk, "confirmed", by=users["cc"])
    assert CandidateOffer.objects.get(item=item, candidate=ada).state == "accepted"
    start = datetime(2024, 4, 15, 10, tzinfo=LONDON)
    with pytest.raises(rules.BookingError, match="date, time, place and host"):
        services.set_booking_status(booking.pk, "scheduled", by=users["spoc"])
    services.set_booking_status(
        booking.pk,
        "scheduled",
        by=users["spoc"],
        schedule=services.Schedule(start, start + timedelta(hours=1), "HQ", "The Chief Constable"),
    )
    with pytest.raises(rules.BookingError, match="notes"):
        services.set_booking_status(booking.pk, "held", by=users["spoc"])
    services.set_booking_status(booking.pk, "held", by=users["spoc"], notes="Discussed patrols.")
    assert CandidateOffer.objects.get(item=item, candidate=ada).state == "held"
    assert list(booking.steps.values_list("new_status", flat=True)) == [
        "prepared",
        "approved",
        "confirmed",
        "scheduled",
        "held",
    ]


def test_cancelling_tells_the_candidate(election, cast):
    users, ada = cast
    booking = _booking(election, users, ada)
    services.set_booking_status(
        booking.pk, "cancelled", by=users["spoc"], reason="The chief is unwell."
    )
    mail = OutboundEmail.objects.get(purpose="booking_cancelled")
    assert "The chief is unwell." in mail.body


def test_only_candidates_requests_become_bookings_and_only_once(election, cast):
    users, ada = cast
    booking = _booking(election, users, ada)
    with pytest.raises(rules.BookingError, match="already has a booking"):
        services.prepare_booking(
            booking.entry,
            by=users["spoc"],
            kind="meeting_cc",
            advance_questions="Q",
            material_check_note="x",
        )
    public = register.log_entry(
        election=election,
        by=users["spoc"],
        received_at=datetime(2024, 4, 9, 9, tzinfo=LONDON),
        channel="email",
        kind="meeting",
        topic="Meeting",
        question="May I?",
        requester_type="public",
        requester_name="Pat Public",
        requester_email="pat@example.org",
    )
    with pytest.raises(rules.BookingError, match="Only a request from a candidate"):
        services.prepare_booking(
            public,
            by=users["spoc"],
            kind="meeting_cc",
            advance_questions="Q",
            material_check_note="x",
        )


def test_who_sees_bookings(client, election, cast, make_user):
    users, ada = cast
    booking = _booking(election, users, ada)
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
    client.force_login(users["cc"])
    assert client.get(url).status_code == 404  # not yet approved for them


def test_a_failed_schedule_keeps_what_was_typed(client, election, cast):
    users, ada = cast
    booking = _booking(election, users, ada, kind="meeting_ce")
    services.set_booking_status(booking.pk, "approved", by=users["ce"])
    client.force_login(users["spoc"])
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
    client, election, cast, count_queries
):
    users, ada = cast
    at = datetime(2024, 4, 8, 9, tzinfo=LONDON)
    others = [
        create_candidate(
            election=election,
            by=users["spoc"],
            status="declared",
            at=at,
            name=f"Other {n}",
            emails=[f"o{n}@example.org"],
        )
        for n in range(2)
    ]

    def approve(candidate):
        booking = _booking(election, users, candidate)
        services.set_booking_status(
            booking.pk, "approved", by=users["ce"], parity_acknowledged=True
        )

    approve(ada)
    client.force_login(users["cc"])
    client.get(reverse("briefings:dashboard"))  # the first request after login does more
    one = count_queries(lambda: client.get(reverse("briefings:dashboard")))
    for candidate in others:
        approve(candidate)
    three = count_queries(lambda: client.get(reverse("briefings:dashboard")))
    assert len(client.get(reverse("briefings:dashboard")).context["awaiting"]) == 3
    assert one == three
