"""Issue 13 in the demo: the public page shows an event moved and one cancelled, with their
notes, the approved PDF material and the briefing page in English and Welsh; the staff pages
show the PARO's consultations and the copy of a referral."""

from datetime import datetime

import time_machine
from django.urls import reverse

from briefings.models import BriefingMaterial
from election_protocol.calendar import LONDON
from election_protocol.demo import seed_demo
from paro.models import ParoConsultation
from publishing.site.target import default_target
from requests_register.models import OutboundEmail

NOW = datetime(2026, 11, 26, 11, 0, tzinfo=LONDON)


def _staff():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.all()


def test_the_demo_shows_issue_13(db, client, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(NOW, tick=False):
        seed_demo(NOW)
    live = default_target().current_path
    events = (live / "events/index.html").read_text()
    assert "Moved a day later, to Northtown Fire Station" in events
    assert "Northtown Fire Station" in events
    assert "Custody and detention" in events and "Cancelled" in events
    assert "custody suite tour in the equal offer covers the same ground" in events
    budget = BriefingMaterial.objects.get(title="Police budget 2024/25 (summary)")
    assert f"materials/files/{budget.pk}.pdf" in (live / "materials/index.html").read_text()
    assert (live / f"materials/files/{budget.pk}.pdf").read_bytes().startswith(b"%PDF")
    assert "Imagery and livery" in (live / "briefing/index.html").read_text()
    assert (live / "cy/briefing/index.html").is_file()
    # Staff: the PARO's consultations on an entry, a booking and an incident.
    assert ParoConsultation.objects.filter(entry__isnull=False).exists()
    assert ParoConsultation.objects.filter(booking__isnull=False).exists()
    assert ParoConsultation.objects.filter(incident__isnull=False).exists()
    consultation = ParoConsultation.objects.filter(entry__isnull=False).first()
    client.force_login(next(u for u in _staff() if u.username == "spoc"))
    with time_machine.travel(NOW, tick=False):
        page = client.get(
            reverse("requests_register:detail", kwargs={"pk": consultation.entry_id})
        ).content.decode()
    assert "Consultations with the PARO" in page and "postal vote deadlines" in page
    if consultation.entry.status == "referred_to_paro":
        assert OutboundEmail.objects.filter(
            entry=consultation.entry, purpose="paro_referral_copy"
        ).exists()
