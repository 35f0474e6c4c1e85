"""An FOI request in Chromium (issue 15, item 4): the SPOC logs it, asks the requester to
clarify (the clock stops), records the answer (the clock runs again from it), extends the time
for the public interest test with its notice, and the Chief Executive refuses it citing an
exemption, the refusal notice e-mailed. Every page is checked with axe (conftest.snap)."""

from __future__ import annotations

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from election_protocol.calendar import WorkingDays
from foi.models import FoiCase
from requests_register.models import Entry
from tests.browser.conftest import fill_log_form, sign_in, sign_out


def test_foi_logged_clarified_extended_and_refused_with_an_exemption(
    demo, live_server, page, snap
) -> None:
    base = live_server.url
    sign_in(page, base, "spoc", demo.password)
    fill_log_form(
        page,
        channel="E-mail",
        requester_is="A member of the public",
        name="Casey Rowntree",
        email="casey.rowntree@example.org",
        kind="Freedom of Information request",
        topic="Custody deaths review",
        question="Please send me the custody review.",
    )
    page.get_by_role("button", name="Put it on the register").click()
    expect(page.get_by_role("alert")).to_contain_text("is on the register")
    entry = Entry.objects.get(topic="Custody deaths review")
    expect(page.locator("#foi-state")).to_have_text("Clock running")

    page.get_by_role("link", name="The FOI clock explained", exact=False).click()
    expect(page.locator("#clock")).to_contain_text("20 working days after")
    snap(page, "foi", "1-clock-running")

    # Ask the requester to clarify: the clock stops.
    page.locator("summary", has_text="Ask the requester to clarify").click()
    page.get_by_label("What the requester needs to tell you").fill(
        "Which review do you mean: the 2024 one or the 2025 one?"
    )
    page.get_by_role("button", name="Send and stop the clock").click()
    expect(page.get_by_role("alert")).to_contain_text("Clarification asked")
    expect(page.locator("#foi-state")).to_have_text("Clock stopped: clarification asked")
    expect(page.locator("#clock")).to_contain_text("the clock is stopped until the requester")
    snap(page, "foi", "2-clock-stopped")

    # The answer arrives. Bad input first: no date; what was typed is kept.
    answer = "The 2025 review, please."
    page.get_by_label("What the requester said").fill(answer)
    page.get_by_role("button", name="Record and restart the clock").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_label("What the requester said")).to_have_value(answer)
    today = timezone.localdate()
    page.get_by_label("Date the answer was received").fill(today.isoformat())
    page.get_by_role("button", name="Record and restart the clock").click()
    expect(page.get_by_role("alert")).to_contain_text("the clock runs again")
    expect(page.locator("#foi-state")).to_have_text("Clock running")
    expect(page.locator("#clock")).to_contain_text("runs again from the answer")
    expect(page.locator("#clarifications")).to_contain_text(answer)
    snap(page, "foi", "3-clock-restarted")

    # Extend for the public interest test: five working days after the restarted due date.
    due = WorkingDays.for_foi().add(today, 20)
    assert Entry.objects.get(pk=entry.pk).target_date == due
    new_date = WorkingDays.for_foi().add(due, 5)
    page.locator("summary", has_text="Extend the time for the public interest test").click()
    page.get_by_label("New date for the answer").fill(new_date.isoformat())
    page.get_by_label("Section 31: Law enforcement").first.check()
    page.get_by_label("Why more time is needed").fill("Weighing the public interest.")
    page.get_by_role("button", name="Extend and send the notice").click()
    expect(page.locator("#foi-state")).to_have_text("Extended for the public interest test")
    expect(page.locator("#due")).to_contain_text(f"{new_date:%B %Y}")
    expect(page.locator("#clock")).to_contain_text("to consider the public interest")
    snap(page, "foi", "4-extended")
    sign_out(page)

    # The Chief Executive refuses, citing an exemption.
    sign_in(page, base, "chief-executive", demo.password)
    page.goto(f"{base}/foi/{entry.pk}/")
    page.locator("summary", has_text="Refuse, citing exemptions").click()
    refuse = page.locator("form[action$='/refuse/']")
    refuse.get_by_label("Section 40: Personal information").check()
    refuse.get_by_label("Why each exemption applies").fill(
        "The review names the people who died in custody and their families."
    )
    page.get_by_role("button", name="Refuse and send the refusal notice").click()
    expect(page.locator("#foi-state")).to_have_text("Refused (refusal notice sent)")
    expect(page.locator("#exemptions")).to_contain_text("Section 40: Personal information")
    snap(page, "foi", "5-refused")

    entry.refresh_from_db()
    case = FoiCase.objects.get(entry=entry)
    assert (entry.status, case.state, case.exemptions) == ("refused", "refused", ["40"])
    assert (case.extended_to, entry.target_date) == (new_date, new_date)
    sent = {m.subject: m for m in mail.outbox if m.to == ["casey.rowntree@example.org"]}
    assert set(sent) == {
        f"{entry.reference}: we have received your request",
        f"{entry.reference}: please help us find the information you want",
        f"{entry.reference}: we need more time to consider the public interest",
        f"{entry.reference}: refusal notice under the Freedom of Information Act",
    }
    refusal = sent[f"{entry.reference}: refusal notice under the Freedom of Information Act"]
    assert "- Section 40: Personal information" in refusal.body
    assert "internal review" in refusal.body
