"""The close-down's summary report: counts, times and the equal-treatment report, as a tagged
PDF (WeasyPrint PDF/UA-1, as the letters: briefings.letters). Staff-only: it names the
candidates (public figures) but no requester."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from briefings.models import Booking
from election_protocol import calendar
from election_protocol.models import Election
from publishing.models import PublicEntry
from publishing.rules import Status as PublicStatus
from requests_register import queries as register_queries
from requests_register import rules as register_rules
from requests_register.models import Entry

PDF_VARIANT = "pdf/ua-1"


@dataclass
class Summary:
    election: Election
    made_at: datetime
    timetable: calendar.Timetable
    entries: int = 0
    by_status: list[tuple[str, int]] = field(default_factory=list)
    by_kind: list[tuple[str, int]] = field(default_factory=list)
    answered: int = 0
    on_time: int = 0
    median_days: float | None = None
    published: int = 0
    bookings: int = 0
    parity: list = field(default_factory=list)


def summary(election: Election, *, now: datetime) -> Summary:
    """Return the figures of the report, read once."""
    tt = election.timetable
    result = Summary(election=election, made_at=now, timetable=tt)
    cal = register_queries.office_calendar(election)
    rows = list(
        Entry.objects.filter(election=election).only(
            "status", "kind", "received_at", "answered_at", "target_date"
        )
    )
    result.entries = len(rows)
    statuses = Counter(r.status for r in rows)
    result.by_status = [
        (str(register_rules.STATUS_LABELS[s]), statuses[s.value])
        for s in register_rules.Status
        if statuses[s.value]
    ]
    kinds = Counter(r.kind for r in rows)
    labels = dict(Entry._meta.get_field("kind").choices)
    result.by_kind = [(str(labels.get(k, k)), n) for k, n in sorted(kinds.items())]
    days = []
    for r in rows:
        if r.answered_at:
            result.answered += 1
            answered_on = timezone.localdate(r.answered_at)
            result.on_time += answered_on <= r.target_date
            days.append(
                calendar.working_days_between(timezone.localdate(r.received_at), answered_on, cal)
            )
    result.median_days = statistics.median(days) if days else None
    result.published = PublicEntry.objects.filter(
        election=election, status=PublicStatus.PUBLISHED
    ).count()
    result.bookings = Booking.objects.filter(election=election).count()
    result.parity = register_queries.parity(election, timezone.localdate(now))
    return result


def render_report_html(data: Summary) -> str:
    return render_to_string(
        "lifecycle/report_pdf.html",
        {"s": data, "title": _("Close-down report: %(election)s") % {"election": data.election}},
    )


def render_report_pdf(election: Election, *, now: datetime, compress: bool = True) -> bytes:
    """Return the summary report as a tagged PDF/UA-1 document."""
    from weasyprint import HTML  # loads Pango and fonts: only when a report is made

    return HTML(string=render_report_html(summary(election, now=now))).write_pdf(
        pdf_variant=PDF_VARIANT, uncompressed_pdf=not compress
    )
