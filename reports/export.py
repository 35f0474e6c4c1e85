"""The equal-treatment report as CSV and as a tagged PDF (WeasyPrint PDF/UA-1, as the meeting
letters and subject access exports), for the office to show if it is challenged. Staff only:
the files name candidates and their dealings with the office, never the public's details."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.queries import Report, Row
from requests_register.csv_safety import write_csv

PDF_VARIANT = "pdf/ua-1"  # tagged, as briefings.letters


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def header(report: Report) -> list[str]:
    """Return the CSV's column names: one per figure, the kinds and outcomes spelt out."""
    return [
        _("Row"),
        _("Name"),
        _("Party"),
        _("Status"),
        _("Compared as a candidate"),
        _("Requests"),
        *[_("Requests: %(kind)s") % {"kind": label} for _value, label in report.kinds],
        *[_("Outcome: %(outcome)s") % {"outcome": label} for _value, label in report.outcomes],
        _("Answered"),
        _("Median working days to answer"),
        _("Answers published"),
        _("Median working days to publish"),
        _("Offers made"),
        _("Offers taken up"),
        _("Meetings and visits requested"),
        _("Meetings and visits approved"),
        _("Meetings and visits declined"),
        _("Meetings and visits held"),
        _("Events invited to"),
        _("Events attended"),
        _("Incidents decided"),
        _("Differences to explain"),
    ]


def _row(kind: str, row: Row, kinds: list[int], outcomes: list[int]) -> list[object]:
    f = row.figures
    return [
        kind,
        row.name,
        row.party,
        row.status,
        _("yes") if row.counted else _("no"),
        f.requests,
        *kinds,
        *outcomes,
        f.answered,
        _number(f.median_answer_days),
        f.published,
        _number(f.median_publish_days),
        f.offers_made,
        f.offers_taken_up,
        f.bookings_requested,
        f.bookings_approved,
        f.bookings_declined,
        f.bookings_held,
        f.events_invited,
        f.events_attended,
        f.incidents_decided,
        "; ".join(str(flag) for flag in row.flags),
    ]


def report_csv(report: Report) -> str:
    """Return the report as CSV text: a line per candidate, then a line per party."""
    party_rows = {id(r) for r in report.parties}
    lines = [
        _row(_("party") if id(row) in party_rows else _("candidate"), row, kinds, outcomes)
        for row, kinds, outcomes in report.with_counts()
    ]
    return write_csv(lines, header(report))


def render_report_html(report: Report) -> str:
    """Return the report as the HTML the PDF is made from (autoescaped template)."""
    return render_to_string(
        "reports/equal_treatment_pdf.html",
        {
            "report": report,
            "produced": timezone.localtime(report.produced_at),
        },
    )


def report_pdf(report: Report, *, compress: bool = True) -> bytes:
    """Return the report as a tagged PDF/UA-1 document (A4 landscape, en-GB, titled).
    `compress=False` leaves the content streams readable: for tests and debugging only."""
    # Imported here: WeasyPrint loads Pango and fonts, which nothing else needs at start-up.
    from weasyprint import HTML

    return HTML(string=render_report_html(report)).write_pdf(
        pdf_variant=PDF_VARIANT, uncompressed_pdf=not compress
    )
