"""The equal-treatment report: the page, its CSV and its tagged PDF (issue 13, item 6)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from election_protocol.shortcuts import election_or_setup
from reports import export, permissions, queries, rules


def _report(request: HttpRequest) -> queries.Report:
    if not permissions.can_view_equal_treatment_report(request.user):
        raise PermissionDenied
    return queries.equal_treatment_report(election_or_setup(request), timezone.now())


def _download(body: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Staff-only figures: no copy kept by a browser or proxy cache.
    response["Cache-Control"] = "no-store"
    return response


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
    report = _report(request)
    return _download(
        export.report_csv(report),
        "text/csv; charset=utf-8",
        f"equal-treatment-{report.election.reference_prefix}.csv",
    )


def equal_treatment_pdf(request: HttpRequest) -> HttpResponse:
    report = _report(request)
    return _download(
        export.report_pdf(report),
        "application/pdf",
        f"equal-treatment-{report.election.reference_prefix}.pdf",
    )
