"""The equal-treatment report in Chromium (issue 13, item 6): the Chief Executive follows the
dashboard's link to it, reads the differences to explain, and downloads the PDF. The page is
checked with axe (conftest.snap); the demo data is the starting point."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_the_chief_executive_reads_the_report_and_downloads_it(
    demo, live_server, page, snap
) -> None:
    base = live_server.url
    sign_in(page, base, "chief-executive", demo.password)
    page.get_by_role("link", name="Equal-treatment report", exact=False).click()
    expect(page.get_by_role("heading", name="Equal-treatment report")).to_be_visible()
    expect(page.locator("#differences")).to_contain_text("Cumbria")
    expect(page.locator("#by-outcome")).to_contain_text("Priya Castellane")
    snap(page, "report", "1-equal-treatment")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    assert download.value.suggested_filename.startswith("equal-treatment-")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
