"""Recording an incident, adding evidence to it, and downloading an evidence file."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from election_protocol.permissions import first_or_404
from election_protocol.shortcuts import election_or_setup, file_download
from incidents import permissions, rules, services
from incidents.forms import (
    EvidenceForm,
    RecordIncidentForm,
)
from incidents.models import Evidence, Incident
from incidents.views.case import _managed_incident
from requests_register.services import IncomingFile


def _incoming(files) -> list[IncomingFile]:
    return [IncomingFile.from_upload(f) for f in files]


def record(request: HttpRequest, kind: str) -> HttpResponse:
    if not permissions.can_record_incident(request.user):
        raise PermissionDenied
    try:
        kind = rules.Kind(kind)
    except ValueError:
        raise Http404(_("No such kind of incident.")) from None
    election = election_or_setup()
    config = services.settings_for(election)
    form = RecordIncidentForm(
        request.POST or None,
        request.FILES or None,
        kind=kind,
        election=election,
        explanation=config.social_media_explanation,
        # Most incidents are recorded as they happen: now, to the minute, unless changed.
        initial={"raised_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = services.record_incident(
                election=election,
                by=request.user,
                kind=kind,
                title=data["title"],
                description=data["description"],
                links=data.get("links", ""),
                raised_at=data["raised_at"],
                service=data.get("service") or rules.Service.OFFICE,
                raised_by_type=data.get("raised_by_type") or Incident.RaisedBy.STAFF,
                raised_by_name=data.get("raised_by_name", ""),
                raised_by_email=data.get("raised_by_email", ""),
                candidates=data.get("candidates") or [],
                source=data.get("source", ""),
                platform=data.get("platform", ""),
                account=data.get("account", ""),
                removed_at=data.get("removed_at"),
                removed_by=data.get("removed_by", ""),
                explanation_posted=data.get("explanation_posted", ""),
                statutory_business=data.get("statutory_business"),
                files=_incoming(data.get("files") or []),
            )
        except ValidationError as error:
            form.add_error("files", " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(reference)s recorded.") % {"reference": incident.reference},
            )
            return redirect("incidents:detail", pk=incident.pk)
    return render(
        request,
        "incidents/record.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": rules.KIND_LABELS[kind],
            "clauses": rules.KIND_CLAUSES[kind],
        },
        status=400 if form.errors else 200,
    )


@require_POST
def add_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _managed_incident(request, pk)
    form = EvidenceForm(request.POST, request.FILES, prefix="evidence")
    if form.is_valid():
        try:
            services.add_evidence(
                incident.pk, _incoming(form.cleaned_data["files"]), by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Evidence added."))
    else:
        messages.error(request, _("Choose at least one file."))
    return redirect("incidents:detail", pk=incident.pk)


def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    evidence = first_or_404(Evidence.objects, _("No such file."), pk=pk)
    incident = permissions.get_incident_for_user(request.user, evidence.incident_id)
    if not permissions.can_view_evidence(request.user, incident):
        raise Http404(_("No such file."))
    return file_download(evidence.file, evidence.name, evidence.content_type)
