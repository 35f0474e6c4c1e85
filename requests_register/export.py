"""The full register as CSV and PDF, for audit and the PARO. Staff only.

Requesters' contact details are left out: the export may travel (to the PARO, an auditor),
and an export is not where a reply is sent from.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from election_protocol.shortcuts import download, election_or_setup
from requests_register import permissions, queries, rules
from requests_register.csv_safety import write_csv
from requests_register.models import Entry

HEADER = [
    "Reference",
    "Received",
    "Channel",
    "First reached",
    "Redirected to SPOC",
    "Kind",
    "Topic",
    "Requester type",
    "Requester",
    "Candidate",
    "Treated as",
    "Status",
    "Target date",
    "Answered",
    "Question",
    "Answer",
    "Reason",
]


def _entries(election) -> list[Entry]:
    return list(queries.register_rows(Entry.objects.filter(election=election)).order_by("number"))


def _row(e: Entry) -> list[object]:
    local = timezone.localtime
    return [
        e.reference,
        f"{local(e.received_at):%Y-%m-%d %H:%M}",
        e.get_channel_display(),
        e.get_first_reached_display(),
        f"{local(e.redirected_at):%Y-%m-%d %H:%M}" if e.redirected_at else "",
        e.get_kind_display(),
        e.topic,
        e.get_requester_type_display(),
        e.requester_name,
        e.candidate.name if e.candidate else "",
        e.get_treated_as_display(),
        rules.STATUS_LABELS[rules.Status(e.status)],
        f"{e.target_date:%Y-%m-%d}",
        f"{local(e.answered_at):%Y-%m-%d}" if e.answered_at else "",
        e.question,
        e.answer,
        e.ending_reason,
    ]


def export_csv(request: HttpRequest) -> HttpResponse:
    if not permissions.can_export_register(request.user):
        raise PermissionDenied
    election = election_or_setup()
    text = write_csv((_row(e) for e in _entries(election)), HEADER)
    return download(text, "text/csv; charset=utf-8", f"register-{election.reference_prefix}.csv")


def render_register_pdf(election, entries: list[Entry], now) -> bytes:
    """Return the register as a PDF (WeasyPrint). Templates escape everything they print."""
    from weasyprint import HTML  # lazy: WeasyPrint is slow to import, only the PDF needs it

    html = render_to_string(
        "requests_register/export_pdf.html",
        {"election": election, "entries": entries, "now": now},
    )
    return HTML(string=html).write_pdf()


def export_pdf(request: HttpRequest) -> HttpResponse:
    if not permissions.can_export_register(request.user):
        raise PermissionDenied
    election = election_or_setup()
    pdf = render_register_pdf(election, _entries(election), timezone.now())
    return download(pdf, "application/pdf", f"register-{election.reference_prefix}.pdf")
