"""The public privacy notice states what the retention rule does, with the election's period."""

from __future__ import annotations

from datetime import datetime

from dataprotection import services
from election_protocol.calendar import LONDON
from publishing.site import pages

NOW = datetime(2024, 4, 20, 12, 0, tzinfo=LONDON)


def _privacy_page(election) -> str:
    outputs = pages.plan_site(pages.load(election), now=NOW)
    (page,) = [o for o in outputs if o.path == "privacy/index.html"]
    return page.render().decode()


def test_privacy_notice_says_how_long_from_the_election(election, chief_executive):
    html = _privacy_page(election)
    assert "for 12 months after polling day (2 May 2024). From 2 May 2025 they are deleted" in html
    assert "Our lawful basis is our public task" in html
    assert "legal hold" in html and "subject access request" in html
    assert election.spoc_email in html
    # The public site runs under a strict CSP: no inline script or style.
    assert "<script>" not in html and "style=" not in html and "<style" not in html

    before = pages.plan_site(pages.load(election), now=NOW)
    services.set_retention_period(election.pk, months=1, by=chief_executive)
    election.refresh_from_db()
    html = _privacy_page(election)
    assert "for 1 month after polling day (2 May 2024). From 2 June 2024 they are" in html
    # The page's key changes with the period, so an incremental publish re-renders it.
    after = pages.plan_site(pages.load(election), now=NOW)
    key = {o.path: o.key for o in before}
    assert next(o.key for o in after if o.path == "privacy/index.html") != key["privacy/index.html"]
