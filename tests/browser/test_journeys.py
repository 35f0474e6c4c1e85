"""The main journeys, done in Chromium as the people in them do them (issue 7, item 1).

Controls are found by their accessible names (labels, button and link text), outcomes read off
the page (status tags, success banners, lists) and, where the page cannot show it, from the
database or the e-mail that was sent. Every key page is saved as a screenshot in
var/screenshots/<journey>-<step>.png and checked with axe-core (conftest.snap). The demo data
(election_protocol.demo) is the starting point: the people, candidates and entries are its.
"""

from __future__ import annotations

import re

from django.core import mail
from playwright.sync_api import expect

from briefings.models import Booking
from publishing.models import PublicEntry
from requests_register.models import Entry
from tests.browser.conftest import fill_log_form, sign_in, sign_out


def _status(page):
    return page.locator("#status")


def _banner(page):
    return page.get_by_role("alert")


def test_phone_request_logged_answered_and_approved_by_someone_else(
    demo, live_server, page, snap
) -> None:
    """A phone call from a candidate: logged, confirmed in writing (Cumbria 6.1.2), answered,
    approved by the Chief Executive (not the drafter) and sent."""
    base = live_server.url
    sign_in(page, base, "spoc", demo.password)
    fill_log_form(
        page,
        channel="Phone",
        requester_is="A candidate",
        candidate="Priya Castellane",
        name="Priya Castellane",
        email="priya.castellane@example.org",
        phone="07700 900211",
        kind="Information request",
        topic="Neighbourhood policing",
        question="How many PCSOs work in Southtown?",
    )
    snap(page, "phone-request", "1-log-form")
    page.get_by_role("button", name="Put it on the register").click()

    expect(_banner(page)).to_contain_text("is on the register")
    expect(_status(page)).to_have_text("Logged")
    entry = Entry.objects.get(topic="Neighbourhood policing", question__contains="Southtown")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{entry.reference}: Neighbourhood policing"
    )
    snap(page, "phone-request", "2-logged")

    # No reply before the requester confirms in writing: the confirmation goes by e-mail.
    page.get_by_role("button", name="Send the written confirmation").click()
    expect(_status(page)).to_have_text("Awaiting written confirmation")
    [confirmation] = [m for m in mail.outbox if "Southtown" in m.body]
    assert confirmation.to == ["priya.castellane@example.org"]
    page.get_by_role("button", name="The requester has confirmed: start work").click()
    expect(_status(page)).to_have_text("In progress")

    page.get_by_label("Answer", exact=True).fill(
        "There are 9 PCSOs in Southtown (fictional demo figure)."
    )
    page.get_by_role("button", name="Save and send for approval").click()
    expect(_status(page)).to_have_text("Answer drafted")
    # The drafter cannot approve their own answer: the button is not offered.
    expect(page.get_by_role("button", name="Approve the answer")).to_have_count(0)
    snap(page, "phone-request", "3-drafted")
    sign_out(page)

    # The Chief Executive finds it in their work and approves it.
    sign_in(page, base, "chief-executive", demo.password)
    page.get_by_role("link", name="My work").click()
    page.get_by_role("link", name=f"{entry.reference}: Neighbourhood policing").click()
    expect(page.locator("#answer")).to_contain_text("There are 9 PCSOs in Southtown")
    page.get_by_role("button", name="Approve the answer").click()
    expect(_status(page)).to_have_text("Approved")
    expect(page.get_by_text("Approved by chief-executive")).to_be_visible()
    snap(page, "phone-request", "4-approved")
    sign_out(page)

    # The SPOC sends it: the answer reaches the candidate, once.
    sign_in(page, base, "spoc", demo.password)
    page.goto(f"{base}/register/{entry.pk}/")
    page.get_by_role("button", name="Send the approved answer").click()
    expect(_status(page)).to_have_text("Sent")
    replies = [m for m in mail.outbox if "Southtown" in m.body]
    assert [m.to for m in replies] == [["priya.castellane@example.org"]] * 2
    assert "There are 9 PCSOs in Southtown" in replies[-1].body
    expect(page.locator("#emails")).to_contain_text(replies[-1].subject)
    snap(page, "phone-request", "5-sent")
    entry.refresh_from_db()
    assert (entry.status, entry.drafted_by.username, entry.approved_by.username) == (
        "sent",
        "spoc",
        "chief-executive",
    )


def test_visit_approved_by_the_chief_executive_and_confirmed_by_the_chief_constable(
    demo, live_server, page, snap
) -> None:
    """A visit request to police premises: the SPOC prepares the booking, the Chief
    Executive approves it, the Chief Constable (whose premises they are) confirms (Cumbria
    8.6)."""
    base = live_server.url
    sign_in(page, base, "spoc", demo.password)
    fill_log_form(
        page,
        channel="E-mail",
        requester_is="A candidate",
        candidate="Tomasz Everleigh",
        name="Tomasz Everleigh",
        email="tomasz.everleigh@example.org",
        kind="Visit request",
        topic="Custody suite visit",
        question="May I take the custody suite tour?",
    )
    page.get_by_role("button", name="Put it on the register").click()
    expect(_status(page)).to_have_text("Logged")

    page.get_by_role("link", name="Prepare a meeting or visit from this request").click()
    page.get_by_label("What is asked for").select_option(label="Visit to premises")
    page.get_by_label("Premises (for a visit)").select_option(label="Custody suite")
    page.get_by_label("Part of the equal offer").select_option(label="Custody suite tour")
    snap(page, "visit", "1-prepare")
    page.get_by_role("button", name="Send to the Chief Executive").click()
    expect(_banner(page)).to_contain_text("the Chief Executive has been asked to decide")
    expect(_status(page)).to_have_text("Awaiting the Chief Executive")
    booking = Booking.objects.get(entry__topic="Custody suite visit")
    snap(page, "visit", "2-prepared")
    sign_out(page)

    # The Chief Executive: the booking is waiting for them on their meetings page.
    sign_in(page, base, "chief-executive", demo.password)
    page.get_by_role("link", name="Meetings").click()
    card = "A visit: Custody suite: Tomasz Everleigh"
    page.get_by_role("link", name=card).click()
    page.locator("summary", has_text="Approve").click()  # opens the step's details
    page.get_by_role("button", name="Approve").click()
    expect(_banner(page)).to_contain_text("Done.")
    expect(_status(page)).to_have_text("Approved, awaiting the chief")
    snap(page, "visit", "3-approved-by-chief-executive")
    sign_out(page)

    # The Chief Constable confirms, from their phone: a narrow screen.
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, base, "chief-constable", demo.password)
    page.get_by_role("button", name="Menu").click()  # the menu folds away on a phone
    page.get_by_role("link", name="Meetings").click()
    page.get_by_role("link", name=card).click()
    expect(_status(page)).to_have_text("Approved, awaiting the chief")
    page.locator("summary", has_text="Confirm").click()
    page.get_by_role("button", name="Confirm").click()
    expect(_status(page)).to_have_text("Confirmed, to schedule")
    snap(page, "visit", "4-confirmed-by-chief-constable")
    booking.refresh_from_db()
    assert booking.status == "confirmed"
    assert [s.new_status for s in booking.steps.order_by("at")] == [
        "prepared",
        "approved",
        "confirmed",
    ]


def test_public_entry_prepared_approved_and_found_on_the_public_register(
    demo, live_server, public_site, page, snap
) -> None:
    """An answer is sent, its public version prepared with names removed, approved by a
    second person (Cumbria 11.2, 11.3), published, then read and searched on the public
    register."""
    base = live_server.url
    entry = Entry.objects.get(topic="Custody", status="approved")
    sign_in(page, base, "spoc", demo.password)
    page.goto(f"{base}/register/{entry.pk}/")
    page.get_by_role("button", name="Send the approved answer").click()
    expect(_status(page)).to_have_text("Sent")

    page.get_by_role("link", name="Prepare for publication").click()
    snap(page, "publish", "1-prepare")
    page.get_by_role("button", name="Prepare the public version").click()
    expect(_banner(page)).to_contain_text("public version prepared")
    expect(_status(page)).to_have_text("Draft")
    # The requester's name is hidden from the public version, shown beside the original.
    expect(page.locator("#public-question")).not_to_contain_text("Imogen Hartswood")
    snap(page, "publish", "2-review")
    page.get_by_role("button", name="Send for approval").click()
    expect(_status(page)).to_have_text("Awaiting approval")
    expect(page.locator("#own-entry")).to_have_text(
        "You prepared this entry: someone else must approve it."
    )
    public_entry = PublicEntry.objects.get(entry=entry)
    sign_out(page)

    sign_in(page, base, "chief-executive", demo.password)
    page.get_by_role("link", name="Publishing").click()
    page.get_by_role("link", name=re.compile(re.escape(public_entry.reference))).first.click()
    page.get_by_label(re.compile("I confirm the content is factual")).check()
    page.get_by_role("button", name="Approve and publish").click()
    expect(_status(page)).to_have_text("Published")
    snap(page, "publish", "3-published")

    # The public register: the new answer is there; the search box narrows the list.
    page.goto(public_site + "index.html")
    snap(page, "public", "1-home")
    page.get_by_role("link", name="Register of answers").first.click()
    main = page.locator("main")
    # Something on the register that does not match the search: the demo's road safety answer
    # (a row of the list, or of the table of topics).
    road_safety = main.locator("li, tr").filter(has_text="Road safety")
    expect(road_safety.first).to_be_visible()
    snap(page, "public", "2-register")

    # Type a few words: the matching answer shows, what does not match goes.
    search = page.get_by_role("searchbox")
    search.fill("custody suites")
    custody = main.get_by_role("link", name=f"{public_entry.reference}: Custody").filter(
        visible=True
    )
    expect(custody).to_have_count(1)
    expect(road_safety.filter(visible=True)).to_have_count(0)
    expect(page.locator("#register-search-status")).to_contain_text("match")
    snap(page, "public", "3-search")
    search.fill("")
    expect(road_safety.first).to_be_visible()
    search.fill("custody suites")
    custody.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Custody")
    expect(page.locator("main")).to_contain_text("How many custody suites does the force run?")
    expect(page.locator("main")).not_to_contain_text("Imogen Hartswood")
    snap(page, "public", "4-entry")


def _focused(page) -> dict:
    """Return what has the keyboard focus: its text, tag and whether the focus is visible
    (GOV.UK's yellow focus state: a box shadow or an outline)."""
    return page.evaluate(
        """() => {
          const el = document.activeElement
          const style = getComputedStyle(el)
          return {
            text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim(),
            tag: el.tagName.toLowerCase(),
            id: el.id,
            visible: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
              || style.boxShadow !== 'none',
          }
        }"""
    )


def _tab_to(page, text: str, *, backwards: bool = False, limit: int = 80) -> dict:
    """Press Tab (or Shift+Tab) until the focus is on an element whose text starts with
    `text`, checking on every stop that the focus can be seen (WCAG 2.4.7)."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focus = _focused(page)
        assert focus["visible"], f"focus not visible on {focus}"
        if focus["text"].startswith(text):
            return focus
    raise AssertionError(f"Tab never reached {text!r}")


def test_chief_executive_approves_an_answer_with_the_keyboard_only(
    demo, live_server, page, snap
) -> None:
    """Sign in, skip to the content, find the drafted answer and approve it, with Tab, Enter
    and Space only (WCAG 2.1.1, 2.4.1, 2.4.7)."""
    base = live_server.url
    entry = Entry.objects.get(topic="Budget", status="answer_drafted")
    page.goto(f"{base}/accounts/login/")
    # The username field has the focus already (autofocus); Tab onwards from there.
    page.keyboard.type("chief-executive")
    page.keyboard.press("Tab")
    page.keyboard.type(demo.password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")

    # The skip link is the first stop and takes the focus to the main content.
    page.keyboard.press("Tab")
    focus = _focused(page)
    assert (focus["text"], focus["visible"]) == ("Skip to main content", True)
    snap(page, "keyboard", "1-skip-link")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
    assert page.url.endswith("#main-content")

    # Back up to the menu, then to My work.
    _tab_to(page, "My work", backwards=True)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/register/my-work/")
    _tab_to(page, f"{entry.reference}: Budget")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/register/{entry.pk}/")
    focus = _tab_to(page, "Approve the answer")
    assert focus["tag"] == "button"
    snap(page, "keyboard", "2-approve-focused")
    page.keyboard.press("Space")
    expect(_status(page)).to_have_text("Approved")
    snap(page, "keyboard", "3-approved")
    entry.refresh_from_db()
    assert (entry.status, entry.approved_by.username) == ("approved", "chief-executive")
