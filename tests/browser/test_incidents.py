"""The imagery case in Chromium (issue 12): the SPOC records a candidate's use of police
imagery, the Chief Constable decides it on a phone-sized screen with the four considerations of
Cumbria 10.1 and the earlier decision on a similar case beside them, and the letter asking the
candidate to remove the material is e-mailed as a tagged PDF. Every page is checked with axe
(conftest.snap); the demo data is the starting point."""

from __future__ import annotations

import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from election_protocol.calendar import LONDON
from incidents.models import Incident, IncidentEmail
from tests.browser.conftest import sign_in, sign_out


def test_imagery_recorded_by_the_spoc_decided_by_the_chief_constable_on_a_phone(
    demo, live_server, page, snap
) -> None:
    base = live_server.url
    sign_in(page, base, "spoc", demo.password)
    page.get_by_role("link", name="Incidents", exact=True).click()
    snap(page, "incident", "1-list")
    page.locator("summary", has_text="Record an incident").click()
    page.get_by_role("link", name="Imagery or livery used in campaigning").click()
    # Bad input first: nothing typed but the summary, which is kept.
    page.get_by_label("Summary").fill("Force logo on a campaign banner")
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_label("Summary")).to_have_value("Force logo on a campaign banner")
    snap(page, "incident", "2-record-errors")

    raised = (timezone.now() - timedelta(minutes=20)).astimezone(LONDON)
    page.get_by_label("What happened").fill(
        "A banner at the candidate's street stall shows the Northshire Police logo."
    )
    page.get_by_label("Raised (date and time)").fill(raised.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Raised by").select_option(label="A member of the public")
    page.get_by_label("Whose imagery or livery").select_option(label="The police force")
    page.get_by_role("checkbox", name="Tomasz Everleigh").check()
    page.get_by_label("Where it appeared (leaflet, website, post)").fill("Street stall banner")
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_role("alert")).to_contain_text("recorded")
    expect(page.locator("#status")).to_have_text("Recorded")
    snap(page, "incident", "3-recorded")
    incident = Incident.objects.get(title="Force logo on a campaign banner")

    page.locator("summary", has_text="Put it to the decider").click()
    page.get_by_role("button", name="Put it to the decider").click()
    expect(page.locator("#status")).to_have_text("Awaiting decision")
    sign_out(page)

    # The Chief Constable decides on their phone.
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, base, "chief-constable", demo.password)
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Incidents", exact=True).click()
    page.locator("#awaiting-incidents").get_by_role(
        "link", name=re.compile(re.escape(incident.reference))
    ).click()
    page.get_by_role("link", name="Decide this incident").click()
    # The demo's earlier decision on the crest leaflet is beside the form.
    expect(page.locator("#similar")).to_be_visible()
    expect(page.get_by_text("Force crest on a campaign leaflet")).to_be_visible()
    snap(page, "incident", "4-decide-phone")
    page.get_by_label("Ask the candidate to remove or withdraw the material").check()
    page.get_by_label("The profile of the image").fill("Large, at eye level, the full logo.")
    page.get_by_label("The message given").fill("That the force backs the candidate.")
    page.get_by_label("The degree of publication already achieved").fill("One stall, one day.")
    page.get_by_label(re.compile("The likely reputational damage")).fill("High if repeated.")
    page.get_by_label("Reasons").fill("The logo implies endorsement; it must come down.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#status")).to_have_text("Decided")
    expect(page.locator("#decision-value")).to_have_text(
        "Ask the candidate to remove or withdraw the material"
    )
    snap(page, "incident", "5-decided-phone")

    incident.refresh_from_db()
    assert (incident.status, incident.decided_by.username) == ("decided", "chief-constable")
    [letter] = [
        link.email
        for link in IncidentEmail.objects.filter(
            incident=incident, email__purpose="incident_letter_imagery"
        )
    ]
    assert letter.to == ["tomasz.everleigh@example.org"]
    assert letter.state == "sent"
    [sent] = [m for m in mail.outbox if m.subject == letter.subject]
    assert sent.to == ["tomasz.everleigh@example.org"]
    [(name, content, kind)] = sent.attachments
    assert (name, kind) == (f"{incident.reference}-letter.pdf", "application/pdf")
    assert content.startswith(b"%PDF")


def test_factual_claim_corrected_by_a_statement_on_the_public_page(
    demo, live_server, public_site, page, snap
) -> None:
    """The SPOC classifies a claim as a factual inaccuracy and drafts a neutral statement; the
    Chief Executive approves it; it appears on the public page's Statements, anonymised."""
    base = live_server.url
    incident = Incident.objects.get(title="Claim that fire engines wait an hour at Eastmoor")
    sign_in(page, base, "spoc", demo.password)
    page.goto(f"{base}/incidents/{incident.pk}/")
    page.get_by_role("link", name="Draft a statement").click()
    page.get_by_label("Heading").fill("Fire engine response times in Eastmoor")
    page.get_by_label("Statement", exact=True).fill(
        "Fire engines reach Eastmoor in 11 minutes on average; Imogen Hartswood was misquoted."
    )
    snap(page, "statement", "1-draft")
    page.get_by_role("button", name="Save the statement").click()
    expect(page.get_by_role("alert")).to_contain_text("Statement saved")
    page.locator("summary", has_text="Put it to the decider").click()
    page.get_by_label(re.compile("A factual inaccuracy")).check()
    page.get_by_role("button", name="Put it to the decider").click()
    expect(page.locator("#status")).to_have_text("Awaiting decision")
    snap(page, "statement", "2-awaiting")
    sign_out(page)

    sign_in(page, base, "chief-executive", demo.password)
    page.goto(f"{base}/incidents/{incident.pk}/")
    page.get_by_role("link", name="Decide this incident").click()
    page.get_by_label("Approve the statement and publish it").check()
    page.get_by_label("Reasons").fill("Factually wrong; a neutral correction (Cumbria 7.1.2).")
    snap(page, "statement", "3-approve")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#statement-published")).to_be_visible()

    page.goto(public_site + "statements/index.html")
    main = page.locator("main")
    expect(main).to_contain_text("Fire engine response times in Eastmoor")
    expect(main).to_contain_text("11 minutes on average; [candidate] was misquoted.")
    expect(main).not_to_contain_text("Hartswood")
    snap(page, "statement", "4-public")
