"""Issue 13 in Chromium: the SPOC changes a briefing event the candidates were invited to, then
cancels it; the public election page shows each change with its note, republished without
anyone pressing "Publish now". Every page is checked with axe (conftest.snap)."""

from __future__ import annotations

from playwright.sync_api import expect

from briefings.models import BriefingEvent
from tests.browser.conftest import sign_in

TITLE = "Policing and fire in Northshire: a factual briefing"


def test_the_spoc_changes_then_cancels_an_event_and_the_public_page_follows(
    demo, live_server, public_site, page, snap
) -> None:
    base = live_server.url
    event = BriefingEvent.objects.get(title=TITLE)
    sign_in(page, base, "spoc", demo.password)
    page.goto(f"{base}/meetings/events/")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Change the details").click()
    snap(page, "event-change", "1-form")

    # Bad input first: a new place without saying what changed. Refused, the place kept.
    page.get_by_label("Place").fill("Northtown Library, Room 2")
    page.get_by_role("button", name="Save the changes").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_text("Say what changed")).to_be_visible()
    expect(page.get_by_label("Place")).to_have_value("Northtown Library, Room 2")
    snap(page, "event-change", "2-errors")

    page.get_by_label("What changed, for the candidates and the public page").fill(
        "Moved to Northtown Library: County Hall is closed for repairs."
    )
    page.get_by_role("button", name="Save the changes").click()
    expect(page.locator("#change-note")).to_contain_text("Moved to Northtown Library")
    snap(page, "event-change", "3-saved")
    event.refresh_from_db()
    assert event.place == "Northtown Library, Room 2"

    # The public page, republished on its own.
    page.goto(public_site + "events/index.html")
    main = page.locator("main")
    expect(main).to_contain_text("Northtown Library, Room 2")
    expect(main).to_contain_text("Moved to Northtown Library: County Hall is closed for repairs.")
    snap(page, "event-change", "4-public-changed")

    # Cancelled: the reason is asked for, then shown on the public page.
    page.goto(f"{base}/meetings/events/{event.pk}/")
    page.get_by_role("link", name="Cancel the event").click()
    page.get_by_role("button", name="Cancel the event").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    page.get_by_label("Why it is cancelled").fill("Too few candidates could attend.")
    page.get_by_role("button", name="Cancel the event").click()
    expect(page.locator("#cancelled")).to_contain_text("Too few candidates could attend.")
    expect(page.get_by_role("link", name="Change the details")).to_have_count(0)
    snap(page, "event-change", "5-cancelled")

    page.goto(public_site + "events/index.html")
    heading = page.locator(f"#event-{event.pk}")
    expect(heading).to_contain_text("Cancelled")
    expect(page.locator("main")).to_contain_text("Too few candidates could attend.")
    snap(page, "event-change", "6-public-cancelled")
    page.goto(public_site + "briefing/index.html")
    expect(page.get_by_role("heading", name="Imagery and livery")).to_be_visible()
    snap(page, "event-change", "7-public-briefing")


def test_the_other_new_staff_pages_pass_axe(demo, live_server, page, snap) -> None:
    """Material (list and one), the briefing page's editor and the PARO consultation page."""
    from briefings.models import BriefingMaterial
    from requests_register.models import Entry

    base = live_server.url
    sign_in(page, base, "spoc", demo.password)
    page.goto(f"{base}/meetings/materials/")
    snap(page, "issue13", "1-materials")
    pdf = BriefingMaterial.objects.get(title="Police budget 2024/25 (summary)")
    page.get_by_role("link", name=pdf.title).click()
    expect(page.locator("#factual-check")).to_contain_text("finance officer")
    snap(page, "issue13", "2-material")
    page.goto(f"{base}/meetings/briefing-page/")
    expect(page.locator("#preview-en")).to_contain_text("Imagery and livery")
    snap(page, "issue13", "3-briefing-page")
    entry = Entry.objects.filter(paro_consultations__isnull=False).first()
    page.goto(f"{base}/register/{entry.pk}/")
    expect(page.locator("#paro-consultations")).to_contain_text("postal vote deadlines")
    page.get_by_role("link", name="Record a consultation with the PARO").click()
    page.get_by_role("button", name="Record the consultation").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    snap(page, "issue13", "4-consult-errors")
