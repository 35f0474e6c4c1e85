"""The report's page, CSV and tagged PDF, from the world of conftest.py; who may read it; and
the links to it from the dashboard, the parity page and the equal offer."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils.html import escape

from publishing.site.pdftext import pdf_texts
from reports import export, permissions, queries
from tests.pdf import expanded
from tests.reports.conftest import NOW, add_answered_candidates

pytestmark = pytest.mark.django_db


def _get(client, user, name):
    client.force_login(user)
    return client.get(reverse(name))


def test_the_page_shows_every_table_and_the_differences(client, cast, world):
    response = _get(client, cast["ce"], "reports:equal_treatment")
    html = response.content.decode()
    report = response.context["report"]
    assert [row.name for row in report.candidates] == ["Ada Example", "Bea Sample", "Cal Prospect"]
    for table in ("by-kind", "by-outcome", "answers", "dealings", "differences"):
        assert f'id="{table}"' in html
    assert "Median working days to answer: 1, against 3.5 for the others" in html
    assert "treats people who have not declared as members of the public" in html
    assert "Not compared" in html  # Cal, prospective under Cumbria 1.1
    assert reverse("reports:equal_treatment_csv") in html
    assert reverse("requests_register:parity") in html and reverse("briefings:offer") in html


def test_the_csv_has_a_line_per_candidate_and_party_with_every_column(client, cast, world):
    response = _get(client, cast["spoc"], "reports:equal_treatment_csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert 'filename="equal-treatment-' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["Row"], r["Name"]) for r in rows] == [
        ("candidate", "Ada Example"),
        ("candidate", "Bea Sample"),
        ("candidate", "Cal Prospect"),
        ("party", "Northshire First"),
        ("party", "Southshire Voice"),
    ]
    ada = rows[0]
    assert {k: ada[k] for k in list(ada)[:6]} == {
        "Row": "candidate",
        "Name": "Ada Example",
        "Party": "Northshire First",
        "Status": "Declared",
        "Compared as a candidate": "yes",
        "Requests": "5",
    }
    assert ada["Requests: Information request"] == "2"
    assert ada["Requests: Freedom of Information request"] == "1"
    assert ada["Requests: Meeting request"] == "2"
    assert ada["Outcome: Refused"] == "1"
    assert ada["Outcome: Passed to a meeting or visit booking"] == "2"
    assert ada["Outcome: Open"] == "0"
    assert (ada["Answered"], ada["Median working days to answer"]) == ("3", "1")
    assert (ada["Answers published"], ada["Median working days to publish"]) == ("1", "2")
    assert (ada["Offers made"], ada["Offers taken up"]) == ("2", "1")
    assert [
        ada[f"Meetings and visits {what}"] for what in ("requested", "approved", "declined", "held")
    ] == ["2", "2", "0", "0"]
    assert (ada["Events invited to"], ada["Events attended"]) == ("1", "1")
    assert rows[1]["Incidents decided"] == "1"
    assert rows[1]["Median working days to answer"] == "3.5"
    assert rows[2]["Compared as a candidate"] == "no"
    assert rows[2]["Median working days to publish"] == ""
    assert ada["Differences to explain"].startswith(
        "Median working days to answer: 1, against 3.5 for the others (Cumbria 3.3.1"
    )
    assert rows[4]["Differences to explain"].startswith("Median working days to answer: 3.5")


def test_csv_cells_that_look_like_formulas_are_neutralised(election, cast, world):
    world["ada"].name = "=HYPERLINK(1)"
    world["ada"].save()
    text = export.report_csv(queries.equal_treatment_report(election, NOW))
    assert "'=HYPERLINK(1)" in text


def test_the_pdf_is_tagged_and_holds_the_figures(client, cast, world):
    response = _get(client, cast["auditor"], "reports:equal_treatment_pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    pdf = response.content
    document = expanded(pdf)
    assert b"/StructTreeRoot" in document
    assert b"/MarkInfo <</Marked true>>" in document
    assert b"/Lang (en-GB)" in document
    text = " ".join(" ".join(pdf_texts(pdf)).split())
    assert "Equal-treatment report: Testshire" in text
    assert "Staff only: not for publication." in text
    for words in (
        "Ada Example",
        "Bea Sample",
        "Northshire First",
        "Median working days to answer: 1, against 3.5 for the others",
        "Offers, meetings, events and incidents",
        "The equal offer has 2 items.",
    ):
        assert words in text, words


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("spoc", True),
        ("ce", True),
        ("auditor", True),
        ("cc", False),
        ("cfo", False),
        ("liaison", False),
    ],
)
def test_who_may_read_the_report(cast, role, allowed):
    assert permissions.can_view_equal_treatment_report(cast[role]) is allowed


def test_nobody_without_a_role_may_read_it(make_user):
    assert not permissions.can_view_equal_treatment_report(make_user())


@pytest.mark.parametrize(("role", "shown"), [("spoc", True), ("auditor", True), ("cc", False)])
def test_the_dashboard_links_to_the_report_for_those_who_may_read_it(
    client, election, cast, role, shown
):
    html = _get(client, cast[role], "dashboard").content.decode()
    assert ('id="equal-treatment-report-link"' in html) is shown
    assert (reverse("reports:equal_treatment") in html) is shown


def test_the_parity_page_and_the_equal_offer_link_to_the_report(client, election, cast):
    for name in ("requests_register:parity", "briefings:offer"):
        html = _get(client, cast["spoc"], name).content.decode()
        assert reverse("reports:equal_treatment") in html, name


def test_typed_markup_stays_text_on_the_page_and_in_the_pdf(client, cast, world):
    script, img = "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>'
    world["ada"].name = script
    world["ada"].save()
    world["first"].name = img
    world["first"].save()
    html = _get(client, cast["spoc"], "reports:equal_treatment").content.decode()
    assert script not in html and "<img src=x" not in html
    assert escape(script) in html and escape(img) in html
    pdf = client.get(reverse("reports:equal_treatment_pdf")).content
    for marker in (b"/JavaScript", b"/JS ", b"/Launch", b"/SubmitForm"):
        assert marker not in pdf
    assert "alert(1)" in " ".join(pdf_texts(pdf))


def test_the_page_and_the_csv_cost_the_same_queries_with_more_candidates(
    client, election, cast, world, count_queries
):
    client.force_login(cast["ce"])
    urls = [reverse("reports:equal_treatment"), reverse("reports:equal_treatment_csv")]
    before = [count_queries(lambda url=url: client.get(url)) for url in urls]
    add_answered_candidates(election, cast, 3)
    assert len(client.get(urls[0]).context["report"].candidates) == 6
    assert [count_queries(lambda url=url: client.get(url)) for url in urls] == before
