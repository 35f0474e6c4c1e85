"""Issue 13: briefing events changed and cancelled (those invited, their agents and the PARO
told; the public page republished without a button), material approved by a second person
with the factual check, the candidate briefing page, offers to the candidate and the agent."""

from datetime import datetime, timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from briefings import briefing_page, event_changes, materials, rules, services
from briefings.models import BriefingEvent, OfferItem
from election_protocol.calendar import LONDON
from publishing.models import PublishRun
from publishing.site.target import default_target
from requests_register.models import OutboundEmail
from requests_register.services import IncomingFile
from tests.builders import declared_candidate
from tests.clock import IN_THE_PERIOD as NOW

pytestmark = pytest.mark.usefixtures("in_the_period_clock")


@pytest.fixture
def ada(election, cast):
    return declared_candidate(
        election,
        cast["spoc"],
        at=datetime(2024, 4, 8, 9, tzinfo=LONDON),
        emails=["ada@example.org"],
        agent_name="Agent Example",
        agent_email="agent@example.org",
    )


def _event(election, cast, **kw) -> BriefingEvent:
    fields = {
        "title": "Budget briefing",
        "starts_at": NOW + timedelta(days=3),
        "ends_at": NOW + timedelta(days=3, hours=2),
        "place": "Headquarters, Room 1",
        "created_by": cast["spoc"],
    }
    return BriefingEvent.objects.create(election=election, **{**fields, **kw})


def _details(event, **kw) -> event_changes.EventDetails:
    values = {k: getattr(event, k) for k in event_changes.EDITABLE}
    return event_changes.EventDetails(**{**values, **kw})


def _live(path: str) -> str:
    return (default_target().current_path / path).read_text()


def test_invitations_go_to_the_candidate_and_agent_with_the_briefing_and_publish(
    election, cast, ada, django_capture_on_commit_callbacks
):
    event = _event(election, cast)
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_to_event(event.pk, by=cast["spoc"])
    invitation = OutboundEmail.objects.get(purpose="event_invitation")
    assert invitation.to == ["ada@example.org", "agent@example.org"]
    assert "Imagery and livery".upper() in invitation.body
    assert "must not be filmed or photographed" in invitation.body
    assert PublishRun.objects.filter(election=election, status="published").exists()
    assert "Budget briefing" in _live("events/index.html")


def test_an_edit_after_the_invitations_tells_everyone_and_republishes(
    election, cast, ada, django_capture_on_commit_callbacks
):
    event = _event(election, cast)
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_to_event(event.pk, by=cast["spoc"])
    runs = PublishRun.objects.count()
    later = NOW + timedelta(days=4)
    with pytest.raises(event_changes.EventChangeError, match="Say what changed"):
        event_changes.edit_event(event.pk, _details(event, place="Hall"), note="", by=cast["spoc"])
    with pytest.raises(event_changes.EventChangeError, match="end must be after"):
        event_changes.edit_event(
            event.pk, _details(event, starts_at=later), note="x", by=cast["spoc"]
        )
    with pytest.raises(event_changes.EventChangeError, match="Nothing has changed"):
        event_changes.edit_event(event.pk, _details(event), note="x", by=cast["spoc"])
    with pytest.raises(services.ConcurrentEditError):
        event_changes.edit_event(
            event.pk, _details(event, place="Hall"), note="x", by=cast["spoc"], expected_version=0
        )
    with django_capture_on_commit_callbacks(execute=True):
        event_changes.edit_event(
            event.pk,
            _details(event, place="Town Hall", starts_at=later, ends_at=later + timedelta(hours=1)),
            note="Moved to the Town Hall, a day later.",
            by=cast["spoc"],
            expected_version=event.version,
        )
    event.refresh_from_db()
    assert (event.place, event.changed_at, event.version) == ("Town Hall", NOW, 2)
    to_candidate = OutboundEmail.objects.get(purpose="event_changed")
    assert to_candidate.to == ["ada@example.org", "agent@example.org"]
    assert "Moved to the Town Hall" in to_candidate.body and "Town Hall" in to_candidate.body
    to_paro = OutboundEmail.objects.get(purpose="event_changed_paro")
    assert to_paro.to == [election.paro_email]
    page = _live("events/index.html")
    assert "Town Hall" in page and "Moved to the Town Hall, a day later." in page
    assert PublishRun.objects.count() > runs  # republished: nobody pressed "Publish now"


def test_a_cancellation_is_shown_with_its_reason_and_refuses_further_changes(
    election, cast, ada, django_capture_on_commit_callbacks
):
    event = _event(election, cast)
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_to_event(event.pk, by=cast["spoc"])
    with pytest.raises(event_changes.EventChangeError, match="reason"):
        event_changes.cancel_event(event.pk, reason=" ", by=cast["spoc"])
    with django_capture_on_commit_callbacks(execute=True):
        event_changes.cancel_event(event.pk, reason="The room flooded.", by=cast["spoc"])
    mail = OutboundEmail.objects.get(purpose="event_cancelled")
    assert mail.to == ["ada@example.org", "agent@example.org"] and "The room flooded." in mail.body
    assert OutboundEmail.objects.filter(purpose="event_cancelled_paro").count() == 1
    page = _live("events/index.html")
    assert "Cancelled" in page and "The room flooded." in page
    assert "Budget briefing" not in _live("key-dates.ics")
    with pytest.raises(event_changes.EventChangeError, match="cancelled"):
        event_changes.cancel_event(event.pk, reason="Again", by=cast["spoc"])
    with pytest.raises(rules.BookingError, match="cancelled"):
        services.invite_to_event(event.pk, by=cast["spoc"])


def test_an_edit_before_the_invitations_tells_nobody(election, cast, ada):
    event = _event(election, cast)
    event_changes.edit_event(
        event.pk, _details(event, title="Budget (2)"), note="", by=cast["spoc"]
    )
    assert not OutboundEmail.objects.exists() and not PublishRun.objects.exists()


def test_the_equal_offer_goes_to_the_candidate_and_agent_with_the_briefing(election, cast, ada):
    OfferItem.objects.create(election=election, title="A tour", kind="visit")
    OutboundEmail.objects.all().delete()
    services.offer_to_candidate(ada, by=cast["spoc"])
    mail = OutboundEmail.objects.get(purpose="equal_offer")
    assert mail.to == ["ada@example.org", "agent@example.org"]
    assert "HOW TO ASK FOR INFORMATION" in mail.body


# --- material ---------------------------------------------------------------------------------


def _pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<h1>Budget 2024</h1><p>Figures.</p>").write_pdf()


def test_material_needs_a_second_person_and_the_factual_check_then_is_published(
    election, cast, django_capture_on_commit_callbacks
):
    with pytest.raises(rules.BookingError, match="not a real PDF"):
        materials.save_material(
            election,
            title="Budget",
            topic="Money",
            summary="",
            file=IncomingFile("budget.pdf", "application/pdf", b"MZ\x90"),
            by=cast["spoc"],
        )
    with pytest.raises(rules.BookingError, match="Upload a PDF or give a link"):
        materials.save_material(election, title="B", topic="M", summary="", by=cast["spoc"])
    material = materials.save_material(
        election,
        title="Budget",
        topic="Money",
        summary="The budget.",
        file=IncomingFile("budget.pdf", "application/pdf", _pdf()),
        by=cast["ce"],
    )
    assert (material.status, material.published) == ("draft", False)
    with pytest.raises(rules.BookingError, match="someone else must approve"):
        materials.approve_material(material.pk, factual_check="Checked.", by=cast["ce"])
    material = materials.save_material(
        election,
        title="Budget",
        topic="Money",
        summary="The budget.",
        material_id=material.pk,
        by=cast["spoc"],
    )
    assert material.file  # a change without a new file keeps the file
    with pytest.raises(rules.BookingError, match="Only the Chief Executive"):
        materials.approve_material(material.pk, factual_check="x", by=cast["liaison"])
    with pytest.raises(rules.BookingError, match="pre-election period"):
        materials.approve_material(material.pk, factual_check="  ", by=cast["ce"])
    with django_capture_on_commit_callbacks(execute=True):
        materials.approve_material(
            material.pk, factual_check="Figures only, checked by the CFO.", by=cast["ce"]
        )
    material.refresh_from_db()
    assert (material.published, material.approved_by, material.factual_check) == (
        True,
        cast["ce"],
        "Figures only, checked by the CFO.",
    )
    # An entry answered by it points the requester to the election page (no link of its own).
    assert material.public_location == 'budget.pdf (election page, "Briefing materials")'
    paro = OutboundEmail.objects.get(purpose="paro_material_notice")
    assert paro.to == [election.paro_email] and "Budget" in paro.body
    page = _live("materials/index.html")
    assert f"materials/files/{material.pk}.pdf" in page
    served = (default_target().current_path / f"materials/files/{material.pk}.pdf").read_bytes()
    assert served == default_storage.open(material.file.name).read()
    # Withdrawn: off the page again, without a button.
    with django_capture_on_commit_callbacks(execute=True):
        materials.withdraw_material(material.pk, by=cast["spoc"])
    assert f"materials/files/{material.pk}.pdf" not in _live("materials/index.html")


# --- the candidate briefing page ----------------------------------------------------------------


def test_the_briefing_page_is_public_in_english_and_welsh_and_editable(
    election, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        briefing_page.save_briefing(election, text_en="", text_cy="", by=cast["spoc"])
    english = _live("briefing/index.html")
    assert "Imagery and livery" in english and "Filming and photography" in english
    assert election.paro_email in english
    assert 'lang="cy"' in _live("cy/briefing/index.html")
    with django_capture_on_commit_callbacks(execute=True):
        briefing_page.save_briefing(
            election,
            text_en="## Our rules\n\nNo logos on leaflets.",
            text_cy="## Ein rheolau\n\nDim logos ar daflenni.",
            by=cast["spoc"],
        )
    assert "No logos on leaflets." in _live("briefing/index.html")
    assert "Dim logos ar daflenni." in _live("cy/briefing/index.html")


def test_staff_edit_and_cancel_an_event_through_the_pages(client, election, cast, ada):
    event = _event(election, cast)
    services.invite_to_event(event.pk, by=cast["spoc"])
    client.force_login(cast["spoc"])
    url = reverse("briefings:event_edit", kwargs={"pk": event.pk})
    data = {
        "title": "Budget briefing",
        "starts_at": "2024-04-14T10:00",
        "ends_at": "2024-04-14T12:00",
        "place": "Town Hall",
        "audience": "declared",
        "capacity": "",
        "change_note": "",
        "version": "1",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400 and "Say what changed" in refused.content.decode()
    assert 'value="Town Hall"' in refused.content.decode()  # what was typed is kept
    response = client.post(url, {**data, "change_note": "New place."})
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.place, event.change_note) == ("Town Hall", "New place.")
    cancel = reverse("briefings:event_cancel", kwargs={"pk": event.pk})
    assert client.post(cancel, {"reason": "Snow.", "version": "2"}).status_code == 302
    event.refresh_from_db()
    assert event.cancelled_reason == "Snow." and event.cancelled_at == NOW
    page = client.get(reverse("briefings:event", kwargs={"pk": event.pk})).content.decode()
    assert "Cancelled" in page and "Snow." in page and 'id="edit-event"' not in page
