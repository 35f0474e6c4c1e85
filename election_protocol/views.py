"""Staff pages for the election: the dashboard with its timetable, and non-working days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from candidates import permissions as candidate_permissions
from candidates.queries import candidates_for_election
from candidates.rules import Status, label
from election_protocol import calendar, permissions, services
from election_protocol.forms import NonWorkingDayForm
from election_protocol.models import Election
from election_protocol.queries import (
    current_election_for_request,
)
from election_protocol.shortcuts import election_or_setup
from lifecycle import queries as lifecycle_queries  # the project layer may read any app
from lifecycle.archive import archive_path
from publishing.site.target import live_site


@dataclass(frozen=True)
class TimetableRow:
    event: str
    when: date | datetime
    rule: str
    phase: calendar.Phase | None
    is_past: bool
    is_current: bool


def timetable_rows(election: Election, now: datetime) -> list[TimetableRow]:
    """Return the election's key dates for display, marking the row of the current phase."""
    tt = election.timetable
    phase = calendar.election_phase(now, tt, election.notice_published)
    today = timezone.localdate(now)
    notice_rule = _("Latest: 25th working day before the poll")
    if election.notice_published:
        notice_rule = _("Published by the PARO; the statutory latest is %(date)s") % {
            "date": f"{tt.notice_of_election:%-d %B %Y}"
        }
    rows = [
        (
            _("Notice of election"),
            election.notice_published or tt.notice_of_election,
            notice_rule,
            calendar.Phase.PRE_ELECTION,
        ),
        (
            _("Close of nominations and withdrawals"),
            tt.close_of_nominations,
            _("4pm on the 19th working day before the poll"),
            calendar.Phase.NOMINATIONS_CLOSED,
        ),
        (
            _("Statement of persons nominated"),
            tt.sopn,
            _("Published by 4pm on the 18th working day before the poll"),
            None,
        ),
        (
            _("Notice of poll"),
            tt.notice_of_poll,
            _("Latest: 6th working day before the poll"),
            None,
        ),
        (_("Poll"), tt.poll_opens, _("7am to 10pm"), calendar.Phase.POLLING_DAY),
        (
            election.takes_office_label,
            tt.takes_office,
            _("7th day after the poll"),
            calendar.Phase.AFTER_POLL,
        ),
    ]
    result = []
    over = is_over(election, today)  # no phase is current once the new holder is in office
    for event, when, rule, row_phase in rows:
        day = timezone.localdate(when) if isinstance(when, datetime) else when
        current = row_phase == phase and not over
        result.append(TimetableRow(event, when, rule, row_phase, day < today, current))
    return result


def is_over(election: Election, today: date) -> bool:
    """Return True once the election's new holder has taken office (the timetable's last day)."""
    return today > election.timetable.takes_office


def dashboard(request: HttpRequest) -> HttpResponse:
    election = current_election_for_request(request, timezone.localdate())
    if election is None or not permissions.can_view_election(request.user):
        return render(request, "election_protocol/no_election.html", {"election": election})
    now = timezone.now()
    tt = election.timetable
    phase = calendar.election_phase(now, tt, election.notice_published)
    pre_start, pre_end = calendar.pre_election_period(
        tt, election.notice_published, calendar.PreElectionEnd(election.pre_election_end)
    )
    today = timezone.localdate(now)
    live = live_site(election, today)
    closure = lifecycle_queries.closure_for(election)
    context = {
        "election": election,
        "now": now,
        "phase": phase,
        # Issue 15: a past election says it is over (closed down, or its holder in office),
        # not the timetable's last line; and the link to its own public page or archive.
        "over": is_over(election, today),
        "closed": bool(closure and closure.frozen_at),
        "public_url": live.url if live else None,
        "archive_url": (
            f"/election/{archive_path(election)}/" if closure and closure.archived_at else None
        ),
        "rows": timetable_rows(election, now),
        "pre_election_start": pre_start,
        "pre_election_end": pre_end,
        "in_pre_election": pre_start <= now < pre_end,
        "non_working_days": election.non_working_days.all(),
        "can_manage_days": permissions.can_manage_non_working_days(request.user),
        "can_view_candidates": candidate_permissions.can_view_candidates(request.user),
    }
    if context["can_view_candidates"]:
        statuses = list(candidates_for_election(election.pk).values_list("status", flat=True))
        context["candidate_counts"] = [(label(s), statuses.count(s.value)) for s in Status]
    return render(request, "election_protocol/dashboard.html", context)


def non_working_days(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_non_working_days(request.user):
        raise PermissionDenied
    election = election_or_setup()
    form = NonWorkingDayForm(request.POST or None, election=election)
    if request.method == "POST" and form.is_valid():
        day = services.add_non_working_day(
            election,
            day=form.cleaned_data["date"],
            kind=form.cleaned_data["kind"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
        messages.success(
            request,
            _("%(day)s added as a non-working day.") % {"day": date_format(day.date, "j F Y")},
        )
        return redirect("non_working_days")
    return render(
        request,
        "election_protocol/non_working_days.html",
        {"election": election, "form": form, "days": election.non_working_days.all()},
    )


@require_POST
def non_working_day_delete(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_manage_non_working_days(request.user):
        raise PermissionDenied
    election = election_or_setup()
    day = election.non_working_days.filter(pk=pk).first()
    if day is None:
        raise Http404(_("No such non-working day."))
    services.remove_non_working_day(day.pk, by=request.user)
    messages.success(
        request, _("%(day)s is a working day again.") % {"day": date_format(day.date, "j F Y")}
    )
    return redirect("non_working_days")
