"""The demo shows an FOI request with a clarification pause and an extension, every date
explained (issue 15, "Done when"), and one the force disclosed, ready to publish."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse

from election_protocol.calendar import LONDON
from election_protocol.demo import seed_demo
from foi.demo import CLARIFIED_TOPIC, DISCLOSED_TOPIC
from foi.models import FoiCase
from publishing.permissions import can_prepare_from_entry

NOW = datetime(2026, 11, 26, 11, 0, tzinfo=LONDON)


def test_demo_foi_requests(db, client, django_user_model):
    seed_demo(NOW)
    spoc = django_user_model.objects.get(username="spoc")
    paused = FoiCase.objects.get(entry__topic=CLARIFIED_TOPIC)
    assert paused.state == "extended"
    clarification = paused.clarifications.get()
    assert clarification.answered_on > clarification.asked_on
    assert paused.entry.target_date == paused.extended_to
    client.force_login(spoc)
    page = client.get(reverse("foi:case", args=[paused.entry_id])).content.decode()
    assert "the clock stood still for" in page
    assert "20 working days after" in page and "skipping" in page
    assert "to consider the public interest (FOIA s.10(3))" in page

    disclosed = FoiCase.objects.get(entry__topic=DISCLOSED_TOPIC)
    assert (disclosed.state, disclosed.holder, disclosed.entry.status) == (
        "disclosed_elsewhere",
        "police",
        "closed",
    )
    assert can_prepare_from_entry(spoc, disclosed.entry)
