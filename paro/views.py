"""The page recording a consultation with the PARO on an entry, booking or incident."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from election_protocol.shortcuts import submit_form
from paro import permissions, queries, rules, services
from paro.forms import ConsultationForm

PAGE_OF = {
    "entry": "requests_register:detail",
    "booking": "briefings:booking",
    "incident": "incidents:detail",
}


def target_url(kind: str, target) -> str:
    return reverse(PAGE_OF[kind], kwargs={"pk": target.pk})


def consult(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    target = permissions.get_target_for_user(request.user, kind, pk)
    if not permissions.can_record_consultations(request.user):
        raise PermissionDenied
    form = ConsultationForm(request.POST or None)

    def record(data: dict) -> HttpResponse:
        services.record_consultation(
            target,
            consulted_at=data["consulted_at"],
            consulted_by=data["consulted_by"],
            paro_contact=data["paro_contact"],
            question=data["question"],
            guidance=data["guidance"],
            by=request.user,
        )
        messages.success(request, _("Consultation with the PARO recorded."))
        return redirect(target_url(kind, target) + "#paro-consultations")

    if response := submit_form(request, form, record, rules.ConsultationError):
        return response
    return render(
        request,
        "paro/consult.html",
        {
            "form": form,
            "target": target,
            "back": target_url(kind, target),
            "consultations": queries.consultations_on(target),
        },
        status=400 if request.method == "POST" else 200,
    )
