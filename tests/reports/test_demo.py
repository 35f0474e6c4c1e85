"""The report on the demo's election: every candidate listed, the declared ones compared, and
both exports made (what the Chief Executive sees after `make demo`)."""

from __future__ import annotations

from datetime import datetime

from election_protocol.calendar import LONDON
from election_protocol.demo import seed_demo
from reports import export, queries

NOW = datetime(2026, 11, 26, 11, 0, tzinfo=LONDON)


def test_the_demo_election_has_a_report_with_both_exports(db, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    election = seed_demo(NOW).election  # the current one (the demo has three: issue 15)
    report = queries.equal_treatment_report(election, NOW)
    assert len(report.candidates) == 6
    assert sum(row.counted for row in report.candidates) == 4  # the declared (Cumbria 1.1)
    assert sum(row.figures.requests for row in report.candidates) > 0
    text = export.report_csv(report)
    assert len(text.splitlines()) == 1 + len(report.candidates) + len(report.parties)
    assert export.report_pdf(report).startswith(b"%PDF")
