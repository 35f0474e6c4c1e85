"""Staff pages for data protection: retention (period, what is due, the log of runs), legal
holds on register entries, and subject access exports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dataprotection import permissions, queries, rules, services
from dataprotection import subject_access as sar
from dataprotection.forms import LegalHoldForm, RetentionPeriodForm, SubjectSearchForm
from dataprotection.models import SubjectAccessRequest
from election_protocol.queries import current_election
from election_protocol.shortcuts import act_and_tell, download, election_or_setup
from publishing.site import schedule_publish
from requests_register.permissions import get_entry_for_user


def retention(request: HttpRequest) -> HttpResponse:
    """Show the retention period, the day personal data is due for erasure, what a run would
    do today, and the log of runs."""
    if not permissions.can_view_retention(request.user):
        raise PermissionDenied
    election = election_or_setup()
    today = timezone.localdate()
    can_change = permissions.can_change_retention_period(request.user)
    return render(
        request,
        "dataprotection/retention.html",
        {
            "election": election,
            "plan": queries.plan_retention(election, today),
            "runs": queries.retention_runs(election),
            "can_change_period": can_change,
            "can_export": permissions.can_export_subject_data(request.user),
            "form": RetentionPeriodForm(initial={"months": election.retention_months})
            if can_change
            else None,
            "decision_labels": rules.DECISION_LABELS,
        },
    )


@require_POST
def retention_period(request: HttpRequest) -> HttpResponse:
    if not permissions.can_change_retention_period(request.user):
        raise PermissionDenied
    election = election_or_setup()
    form = RetentionPeriodForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a whole number of months from 1 to 120."))
        return redirect("dataprotection:retention")
    election = services.set_retention_period(
        election.pk, months=form.cleaned_data["months"], by=request.user
    )
    # The public privacy notice states the period: publish it again.
    schedule_publish(election.pk, by=request.user)
    messages.success(
        request,
        _(
            "Personal data is now kept until %(date)s (%(months)s months after polling day). "
            "The public privacy notice will be republished."
        )
        % {
            "date": date_format(rules.retention_date(election), "j F Y"),
            "months": election.retention_months,
        },
    )
    return redirect("dataprotection:retention")


@require_POST
def legal_hold(request: HttpRequest, pk: int) -> HttpResponse:
    """Place or lift a legal hold on a register entry (from the entry's page)."""
    if not permissions.can_set_legal_hold(request.user):
        raise PermissionDenied
    entry = get_entry_for_user(request.user, pk)
    form = LegalHoldForm(request.POST)
    hold = request.POST.get("hold") == "on"
    if not form.is_valid():
        messages.error(request, _("Give the reason for the legal hold."))
        return redirect("requests_register:detail", entry.pk)

    def set_hold() -> str:
        services.set_legal_hold(
            entry.pk, hold=hold, reason=form.cleaned_data["reason"], by=request.user
        )
        if hold:
            return _(
                "Legal hold placed: this entry keeps its personal data after the retention period."
            )
        return _("Legal hold lifted: this entry follows the retention period again.")

    act_and_tell(request, set_hold, rules.LegalHoldError)
    return redirect("requests_register:detail", entry.pk)


def _query(form: SubjectSearchForm) -> sar.Query:
    data = form.cleaned_data
    return sar.Query(
        name=data["name"].strip(),
        email=data["email"].strip(),
        phone=data["phone"].strip(),
        username=data["username"].strip(),
    )


def subject_access(request: HttpRequest) -> HttpResponse:
    """Search for a person and preview what an export would hold; the log of exports."""
    if not permissions.can_export_subject_data(request.user):
        raise PermissionDenied
    form = SubjectSearchForm(request.GET or None)
    data = query = None
    if request.GET and form.is_valid():
        query = _query(form)
        data = sar.find_subject_data(query)
    return render(
        request,
        "dataprotection/subject_access.html",
        {
            "form": form,
            "query": query,
            "data": data,
            "counts": sar.summary(data) if data is not None else None,
            "log": SubjectAccessRequest.objects.select_related("requested_by")[:50],
        },
    )


@require_POST
def subject_access_export(request: HttpRequest) -> HttpResponse:
    """Download everything held about a person as JSON or PDF; the export is logged."""
    if not permissions.can_export_subject_data(request.user):
        raise PermissionDenied
    form = SubjectSearchForm(request.POST)
    fmt = request.POST.get("format")
    if not form.is_valid() or fmt not in SubjectAccessRequest.Format.values:
        messages.error(request, _("Search for the person again, then choose JSON or PDF."))
        return redirect("dataprotection:subject_access")
    query = _query(form)
    data = sar.find_subject_data(query)
    now = timezone.now()
    election = current_election(timezone.localdate())
    office = election.office_name if election else ""
    meta = {"q": query, "office": office, "by": request.user.get_username()}
    if fmt == SubjectAccessRequest.Format.JSON:
        body = sar.as_json(data, now=now, **meta)
        content_type = "application/json; charset=utf-8"
    else:
        body = sar.render_pdf(data, now=now, **meta)
        content_type = "application/pdf"
    services.record_subject_access(
        by=request.user,
        name=query.name,
        email=query.email,
        phone=query.phone,
        username=query.username,
        format=fmt,
        found=sar.summary(data),
        now=now,
    )
    # Personal data: never kept by a browser or proxy cache.
    return download(body, content_type, f"subject-access-{now:%Y%m%d-%H%M%S}.{fmt}", no_store=True)
