"""Fictional publishing for the demo: the sent and closed register answers and the held
meeting's notes, prepared by the SPOC officer, approved by the Chief Executive (four eyes, the
factual check of the pre-election period), one corrected by the Chief Executive and the
correction approved by the SPOC officer; then the public site published.
Called by election_protocol.demo after the briefings demo."""

from __future__ import annotations

from datetime import datetime, timedelta

from briefings.models import Booking
from election_protocol.models import Election
from publishing import rules, services
from publishing.demo_publication import seed_publication
from publishing.site import publish_site
from requests_register.models import Entry


def seed_publishing(election: Election, users: dict, now: datetime) -> None:
    """Prepare, approve and publish the demo's public entries, then publish the site now
    (synchronously: the demo shows it at /election/ straight away)."""
    spoc, ce = users["spoc"], users["chief-executive"]
    prepared = [
        services.prepare_public_entry(entry, spoc, now=now - timedelta(hours=3))
        for entry in Entry.objects.filter(
            election=election, status__in=rules.PUBLISHABLE_REGISTER_STATUSES
        )
        .exclude(answer="")
        .order_by("number")
    ]
    prepared += [
        services.prepare_meeting_notes(booking, spoc, now=now - timedelta(hours=3))
        for booking in Booking.objects.filter(
            election=election, status__in=rules.PUBLISHABLE_BOOKING_STATUSES
        )
        .exclude(notes="")
        .order_by("starts_at")
    ]
    for public_entry in prepared:
        services.submit_for_approval(public_entry.pk, spoc, now=now - timedelta(hours=2))
        services.approve_and_publish(
            public_entry.pk, ce, factual_confirmed=True, now=now - timedelta(hours=1)
        )
    cameras = next((p for p in prepared if p.topic == "Road safety"), None)
    if cameras is not None:
        correction = services.correct(
            cameras.pk,
            "There are 41 fixed speed cameras and 6 mobile camera vans (fictional demo figures).",
            "The answer now includes the mobile camera vans, left out at first.",
            ce,
            now=now - timedelta(minutes=30),
        )
        # A second person approves the correction before it goes live.
        services.approve_correction(
            correction.pk, spoc, factual_confirmed=True, now=now - timedelta(minutes=20)
        )

    seed_publication(election, users, now)
    publish_site(election, now=now)
