"""The public page's key dates say when the pre-election period ends (issue 13, item 8), by the
office's own policy: the protocols differ (Cleveland 1.3: the close of poll; Leicestershire
"Significant Dates": when the new commissioner takes office)."""

from __future__ import annotations

import pytest
import time_machine
from icalendar import Calendar

from publishing.site import publish_site
from tests.builders import NOW, read_site, text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("policy", "shown"),
    [("close_of_poll", "Thursday 2 May 2024, 10:00 p.m."), ("takes_office", "Thursday 9 May 2024")],
)
def test_the_home_page_and_calendar_say_when_the_pre_election_period_ends(
    election, tmp_path, policy, shown
):
    election.pre_election_end = policy
    election.save(update_fields=["pre_election_end"])
    with time_machine.travel(NOW, tick=False):
        assert publish_site(election, to=tmp_path / "site").status == "published"
    files = read_site(tmp_path / "site")
    home = text(files["index.html"])
    row = home.split('id="pre-election-period-ends"', 1)[1].split("</div>", 1)[0]
    assert "End of the pre-election period" in row
    assert shown in " ".join(row.split())
    assert "publish only factual material" in row
    welsh = text(files["cy/index.html"])
    assert "Diwedd y cyfnod cyn etholiad" in welsh
    events = Calendar.from_ical(files["key-dates.ics"]).walk("VEVENT")
    assert "End of the pre-election period" in [str(e["SUMMARY"]) for e in events]
