"""Journey (issue 13, item 1): an answer sent to one candidate is published before its
publication deadline, as the SPOC officer and the Chief Executive do it in Chromium."""

from __future__ import annotations

import re

from django.utils import timezone
from playwright.sync_api import expect

from publishing import deadlines
from publishing.models import PublicEntry
from requests_register.models import Entry
from tests.browser.conftest import sign_in, sign_out


def test_publish_an_answer_sent_to_one_candidate_before_its_deadline(
    demo, live_server, public_site, page, snap
) -> None:
    """The demo's answer to one candidate about fire cover, sent yesterday: the SPOC sees its
    publication due date, prepares the public version, a second person approves it, and it is
    on the public register before the due date, which then counts it as published."""
    base = live_server.url
    entry = Entry.objects.get(election=demo.election, topic="Fire cover")
    [row] = deadlines.publication_rows(demo.election, timezone.localdate(), entry_id=entry.pk)
    assert row.state in ("due_soon", "on_track")

    sign_in(page, base, "spoc", demo.password)
    # Beside the register's counts on every page: the publication deadlines.
    page.locator("#publication-deadlines").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publication deadlines")
    fire = page.locator(f"#publication-{entry.reference}")
    expect(fire).to_contain_text("Fire cover")
    expect(fire).to_contain_text(row.due.due.strftime("%a %-d %b %Y"))
    # The demo's overdue publication is there too.
    expect(page.locator('tr[data-state="overdue"]').first).to_contain_text("Rural crime")
    snap(page, "publication", "1-deadlines")

    fire.get_by_role("link", name="Prepare for publication").click()
    page.get_by_role("button", name="Prepare the public version").click()
    expect(page.get_by_role("alert")).to_contain_text("public version prepared")
    expect(page.locator("#public-question")).not_to_contain_text("Tomasz Everleigh")
    page.get_by_role("button", name="Send for approval").click()
    expect(page.locator("#status")).to_have_text("Awaiting approval")
    public_entry = PublicEntry.objects.get(entry=entry)
    sign_out(page)

    sign_in(page, base, "chief-executive", demo.password)
    page.goto(f"{base}/publishing/{public_entry.pk}/")
    factual = page.get_by_label(re.compile("I confirm the content is factual"))
    if factual.count():
        factual.check()
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.locator("#status")).to_have_text("Published")

    # Published before the deadline: the target is met and the page says so.
    public_entry.refresh_from_db()
    assert timezone.localdate(public_entry.published_at) <= row.due.due
    page.goto(f"{base}/publishing/deadlines/")
    expect(page.locator(f"#publication-{entry.reference}")).to_have_attribute(
        "data-state", "published"
    )
    snap(page, "publication", "2-published")

    # On the public register, without the candidate's name.
    page.goto(public_site + f"entries/{entry.reference}.html")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fire cover")
    expect(page.locator("main")).to_contain_text("214 on-call firefighters")
    expect(page.locator("main")).not_to_contain_text("Tomasz Everleigh")
