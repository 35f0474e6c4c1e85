"""Several elections and the close-down, in Chromium (issue 15). The Chief Executive switches
to the demo's previous election (read-only: a change is refused with the reason), sees its
completed close-down and its archived public page with the banner; then closes down an
election whose poll is over, step by step, and the snapshot is served from the public site's
folder as the web server serves it. Every page is checked with axe (conftest.snap)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from candidates import rules as candidate_rules
from candidates.services import create_candidate, set_candidate_status
from election_protocol.models import Election
from lifecycle.models import Closure
from tests.browser.conftest import sign_in
from tests.factories import ElectionFactory


def _ready_to_close(by) -> Election:
    """An election whose poll is over, its result recorded and nothing left open."""
    election = ElectionFactory(
        area="Southvale", reference_prefix="SV24", poll_date=date(2024, 5, 2)
    )
    tt = election.timetable
    winner = create_candidate(
        election=election,
        by=by,
        at=tt.close_of_nominations - timedelta(days=20),
        name="Nell Testwinner",
    )
    set_candidate_status(
        winner.pk, candidate_rules.Status.DECLARED, by=by, at=tt.close_of_nominations
    )
    set_candidate_status(
        winner.pk, candidate_rules.Status.ELECTED, by=by, at=tt.poll_closes + timedelta(hours=5)
    )
    return election


def test_switch_to_the_past_election_and_close_one_down(
    demo, live_server, public_site, page, snap
) -> None:
    from django.contrib.auth import get_user_model

    base = live_server.url
    past = Election.objects.get(area="Northshire", poll_date__lt=demo.election.poll_date)
    assert Closure.objects.get(election=past).frozen_at is not None
    sign_in(page, base, "chief-executive", demo.password)
    expect(page.locator("#election-line")).to_contain_text(str(demo.election.poll_date.year))

    # The switcher: the current election by default, the past one read-only, the by-election.
    page.get_by_role("link", name="Change election").click()
    expect(page.get_by_text("Current", exact=True)).to_be_visible()
    expect(page.get_by_text("Over: read-only", exact=True)).to_be_visible()
    expect(page.get_by_label(re.compile("Westvale"))).to_be_visible()
    snap(page, "lifecycle", "1-switcher")
    page.get_by_label(str(past)).check()
    page.get_by_role("button", name="Show this election").click()
    expect(page.get_by_role("alert")).to_contain_text("The pages now show")
    expect(page.locator("#read-only-warning")).to_contain_text("read-only")
    snap(page, "lifecycle", "2-past-dashboard")

    # Its register is readable; a change is refused with the reason, nothing stored.
    page.get_by_role("link", name="Register", exact=True).click()
    expect(page.get_by_role("link", name=f"{past.reference_prefix}-0001")).to_be_visible()
    versions = past.protocol_versions.count()
    page.get_by_role("link", name="Protocol", exact=True).click()
    page.get_by_role("link", name="Write a new version").click()
    page.get_by_label("Title").fill("A late change")
    page.get_by_label("The protocol", exact=True).fill("Text")
    page.get_by_label("What changed in this version").fill("Late")
    page.get_by_role("button", name="Save and publish this version").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("register is frozen")
    assert past.protocol_versions.count() == versions

    # The completed close-down, and the archived public page with its banner.
    page.get_by_role("link", name="Close-down", exact=True).click()
    expect(page.locator("#closedown-complete")).to_be_visible()
    snap(page, "lifecycle", "3-past-closedown")
    archive = public_site.replace("/current/", f"/archive/{past.reference_prefix.lower()}/")
    page.goto(archive + "index.html")
    expect(page.locator("#archive-banner")).to_contain_text("This election is over")
    snap(page, "lifecycle", "4-archived-page")

    # An election whose poll is over, closed down step by step.
    ce = get_user_model().objects.get(username="chief-executive")
    southvale = _ready_to_close(ce)
    page.goto(f"{base}/elections/")
    page.get_by_label(str(southvale)).check()
    page.get_by_role("button", name="Show this election").click()
    page.get_by_role("link", name="Close-down", exact=True).click()
    expect(page.locator("#step-results")).to_contain_text("Done")
    snap(page, "lifecycle", "5-closedown-start")
    for button in (
        "Freeze the register",
        "Archive the public page",
        "Make the summary report",
        "Start the retention clock",
    ):
        page.get_by_role("button", name=button).click()
        expect(page.get_by_role("alert")).to_contain_text("Done")
    expect(page.locator("#closedown-complete")).to_be_visible()
    expect(page.locator("#retention-due")).to_contain_text("2 May 2025")
    snap(page, "lifecycle", "6-closedown-complete")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("summary report")).click()
    assert download.value.suggested_filename == "close-down-report-SV24.pdf"
    page.goto(public_site.replace("/current/", "/archive/sv24/") + "index.html")
    expect(page.locator("#archive-banner")).to_contain_text("Southvale election of 2 May 2024")

    # Back to the current election: changes are accepted again, its protocol is public.
    page.goto(f"{base}/elections/")
    page.get_by_label(str(demo.election)).check()
    page.get_by_role("button", name="Show this election").click()
    expect(page.locator("#read-only-warning")).to_have_count(0)
    page.goto(public_site + "protocol/index.html")
    expect(page.locator("#protocol-version")).to_contain_text("Version 2")
