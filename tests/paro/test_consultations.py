"""Issue 13, item 4: the PARO in the loop. A referral copies the PARO (the copy kept on the
entry, no requester details); consultations with the PARO are recorded on an entry, a booking
or an incident through one funnel and shown on each page."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from paro import rules, services
from paro.models import ParoConsultation
from requests_register import services as register
from requests_register.models import OutboundEmail
from tests.builders import REQUESTER, declared_candidate, logged, prepared_booking
from tests.clock import IN_THE_PERIOD as NOW

pytestmark = pytest.mark.usefixtures("in_the_period_clock")


@pytest.fixture
def entry(election, cast):
    return logged(
        election,
        cast["spoc"],
        received_at=NOW - timedelta(days=1),
        topic="Postal votes",
        question="When is the deadline for postal vote applications?",
        **REQUESTER,
    )


def test_a_referral_copies_the_paro_without_the_requester_s_details(election, cast, entry):
    register.set_entry_status(entry.pk, "in_progress", by=cast["spoc"])
    register.set_entry_status(
        entry.pk, "referred_to_paro", by=cast["ce"], reason="Electoral", may_approve=True
    )
    copy = OutboundEmail.objects.get(entry=entry, purpose="paro_referral_copy")
    assert copy.to == [election.paro_email]
    assert entry.reference in copy.subject
    assert "postal vote applications" in copy.body
    for private in (REQUESTER["requester_name"], REQUESTER["requester_email"]):
        assert private not in copy.body and private not in copy.subject
    reply = OutboundEmail.objects.get(entry=entry, purpose="referred_to_paro")
    assert reply.to == [REQUESTER["requester_email"]]


def test_one_funnel_records_a_consultation_on_an_entry_a_booking_or_an_incident(
    election, cast, entry
):
    with pytest.raises(rules.ConsultationError, match="who consulted"):
        services.record_consultation(
            entry, consulted_at=NOW, consulted_by=" ", paro_contact="", question="Q",
            guidance="", by=cast["spoc"],
        )  # fmt: skip
    with pytest.raises(rules.ConsultationError, match="future"):
        services.record_consultation(
            entry, consulted_at=NOW + timedelta(hours=1), consulted_by="CE", paro_contact="",
            question="Q", guidance="", by=cast["spoc"],
        )  # fmt: skip
    row = services.record_consultation(
        entry,
        consulted_at=NOW - timedelta(hours=2),
        consulted_by=" The Chief Executive ",
        paro_contact="Elections manager",
        question="Is this for you?",
        guidance="Yes.",
        by=cast["spoc"],
    )
    assert (row.entry, row.booking, row.incident, row.consulted_by) == (
        entry,
        None,
        None,
        "The Chief Executive",
    )
    ada = declared_candidate(election, cast["spoc"], at=NOW - timedelta(days=2))
    booking = prepared_booking(election, cast, ada, received_at=NOW - timedelta(days=1))
    on_booking = services.record_consultation(
        booking, consulted_at=NOW, consulted_by="CE", paro_contact="", question="Visit?",
        guidance="", by=cast["spoc"],
    )  # fmt: skip
    assert on_booking.booking == booking and on_booking.election == election
    with pytest.raises(IntegrityError), transaction.atomic():
        ParoConsultation.objects.create(
            election=election, entry=entry, booking=booking, consulted_at=NOW,
            consulted_by="x", question="x", recorded_by=cast["spoc"], recorded_at=NOW,
        )  # fmt: skip


def test_the_page_records_it_and_the_entry_shows_it(client, election, cast, entry):
    client.force_login(cast["spoc"])
    url = reverse("paro:consult", kwargs={"kind": "entry", "pk": entry.pk})
    refused = client.post(url, {"consulted_at": "2024-04-10T09:00", "question": "Kept text"})
    assert refused.status_code == 400 and "Kept text" in refused.content.decode()
    assert not ParoConsultation.objects.exists()
    response = client.post(
        url,
        {
            "consulted_at": "2024-04-10T09:00",
            "consulted_by": "The SPOC",
            "question": "Is the count venue question for you?",
            "guidance": "Yes, send it to us.",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#paro-consultations")
    page = client.get(reverse("requests_register:detail", kwargs={"pk": entry.pk}))
    html = page.content.decode()
    assert "Consultations with the PARO" in html
    assert "Is the count venue question for you?" in html and "Yes, send it to us." in html
    assert (
        client.get(reverse("paro:consult", kwargs={"kind": "nothing", "pk": 1})).status_code == 404
    )


def test_the_auditor_sees_consultations_but_cannot_record_them(client, election, cast, entry):
    services.record_consultation(
        entry, consulted_at=NOW, consulted_by="CE", paro_contact="", question="Seen by all?",
        guidance="", by=cast["spoc"],
    )  # fmt: skip
    client.force_login(cast["auditor"])
    html = client.get(reverse("requests_register:detail", kwargs={"pk": entry.pk})).content.decode()
    assert "Seen by all?" in html and "Record a consultation with the PARO" not in html
    url = reverse("paro:consult", kwargs={"kind": "entry", "pk": entry.pk})
    assert client.post(url, {"consulted_by": "x", "question": "x"}).status_code == 403
