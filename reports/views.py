"""The equal-treatment report: the page, its CSV and its tagged PDF (issue 13, item 6)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from election_protocol.shortcuts import download, election_or_setup
from reports import export, permissions, queries, rules


def _report(request: HttpRequest) -> queries.Report:
    if not permissions.can_view_equal_treatment_report(request.user):
        raise PermissionDenied
    return queries.equal_treatment_report(election_or_setup(request), timezone.now())


def _report_file(
    request: HttpRequest,
    make: Callable[[queries.Report], str | bytes],
    content_type: str,
    extension: str,
) -> HttpResponse:
    """Return the report as `make` writes it, a download named after the election. Staff-only
    figures: no copy kept by a browser or proxy cache."""
    report = _report(request)
    filename = f"equal-treatment-{report.election.reference_prefix}.{extension}"
    return download(make(report), content_type, filename, no_store=True)


def equal_treatment(request: HttpRequest) -> HttpResponse:
    report = _report(request)
    return render(
        request,
        "reports/equal_treatment.html",
        {
            "report": report,
            "election": report.election,
            "thresholds": {
                "answer_days": rules.ANSWER_DAYS_GAP,
                "publish_days": rules.PUBLISH_DAYS_GAP,
                "refusal_points": round(rules.REFUSAL_RATE_GAP * 100),
                "meetings": rules.MEETINGS_GAP,
                "decline_points": round(rules.DECLINE_RATE_GAP * 100),
            },
        },
    )


def equal_treatment_csv(request: HttpRequest) -> HttpResponse:
    return _report_file(request, export.report_csv, "text/csv; charset=utf-8", "csv")


def equal_treatment_pdf(request: HttpRequest) -> HttpResponse:
    return _report_file(request, export.report_pdf, "application/pdf", "pdf")
